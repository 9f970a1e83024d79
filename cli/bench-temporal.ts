/**
 * npm run bench:temporal -- [takes dir = bench-out/takes-continuous] [--methods …] [--max-subsets 3] [--json raw.json]
 * npm run bench:temporal -- --from a.json,b.json     (tables from saved runs, e.g. methods run at different times)
 * --only REGEX: only take files matching it (to split a run over processes).
 *
 * Issue 13's tables from the continuous benchmark takes (`python training/make_benchmark.py
 * bench-out/takes-continuous --continuous`: held-out CMU subject 86, 30 fps, three continuous segments a take):
 * MPJPE mean / median / p90 and acceleration error of every method at 2, 3, 4, 6, 8 views on the fixed rigs, the
 * conditions at their view count, and the issue's targets judged per row. Takes are grouped by their meta.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateTake, type EvalRow } from '../src/eval/evaluate';
import { createMethods } from '../src/eval/methods';
import { SmoothedMethod } from '../src/fusion/smoothed';
import type { FrameViews, FusionMethod, Pose3D } from '../src/fusion/types';
import type { Camera } from '../src/geometry/camera';
import { TriangulationMethod } from '../src/triangulation/methods';
import { parseTake, type Take } from '../src/take/take';

const IDS = ['lifter-temporal', 'lifter-offline', 'lifter', 'robust', 'robust-smoothed', 'robust-offline', 'dlt'];
const f1 = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(2) : '–');

interface Group {
  name: string;
  views: number;
  rows: Map<string, EvalRow>;
}

/** Frame-weighted pooling of rows of one method over several takes (mean and accel pooled; median/p90 averaged). */
function pool(rows: EvalRow[]): EvalRow {
  const w = rows.reduce((a, r) => a + r.frames - r.noPose, 0) || 1;
  const wm = (f: (r: EvalRow) => number) => rows.reduce((a, r) => a + f(r) * (r.frames - r.noPose), 0) / w;
  return { ...rows[0], meanMm: wm((r) => r.meanMm), medianMm: wm((r) => r.medianMm), p90Mm: wm((r) => r.p90Mm), accelMm: wm((r) => r.accelMm), frames: rows.reduce((a, r) => a + r.frames, 0), noPose: rows.reduce((a, r) => a + r.noPose, 0) };
}

function judge(g: Group): { cells: string[]; met: boolean } {
  const r = (id: string) => g.rows.get(id);
  const lt = r('lifter-temporal'), lo = r('lifter-offline'), rs = r('robust-smoothed'), lf = r('lifter');
  if (!lt || !rs || !lf) return { cells: ['–', '–', '–', '–'], met: false };
  const ratio = lt.meanMm / rs.meanMm;
  const bound = g.views === 2 ? 0.5 : g.views <= 4 ? 0.8 : 1.0;
  const vsLifter = lt.meanMm / lf.meanMm;
  const acc = lt.accelMm / rs.accelMm;
  const offBetter = lo ? lo.meanMm < lt.meanMm : false;
  const ok = ratio <= bound && vsLifter <= 0.85 && acc <= 0.5 && offBetter;
  const mark = (v: number, b: number) => `${f2(v)}${v <= b ? '' : ' ✗'}`;
  return { cells: [`${mark(ratio, bound)} (≤ ${bound})`, mark(vsLifter, 0.85), mark(acc, 0.5), offBetter ? 'yes' : '**no**'], met: ok };
}

/**
 * Robust triangulation shared by robust, robust-smoothed and robust-offline within a take: the same calls recur for
 * the three (the smoothed ones wrap it exactly as the registry's do), so each runs once. Cleared per take.
 */
class SharedRobust implements FusionMethod {
  readonly id = 'robust';
  readonly label = 'Robust triangulation';
  private readonly inner = new TriangulationMethod('robust');
  private readonly cache = new Map<string, (Pose3D | null)[]>();
  clear(): void {
    this.cache.clear();
  }
  async estimateFrames(cams: readonly Camera[], frames: ReadonlyArray<FrameViews>): Promise<(Pose3D | null)[]> {
    const sig = (v: FrameViews | undefined) => (v ? v.map((x) => (x ? `${x[0]},${x[1]},${x[30]}` : '-')).join(';') : '');
    const key = `${cams.map((c) => c.name).join(',')}|${frames.length}|${sig(frames[0])}|${sig(frames[frames.length - 1])}`;
    let r = this.cache.get(key);
    if (!r) this.cache.set(key, (r = await this.inner.estimateFrames(cams, frames)));
    return r;
  }
}

async function makeMethods(ids: string[]): Promise<{ methods: FusionMethod[]; shared: SharedRobust }> {
  const shared = new SharedRobust();
  const methods: FusionMethod[] = [];
  for (const id of ids) {
    if (id === 'robust') methods.push(shared);
    else if (id === 'robust-smoothed' || id === 'robust-offline') methods.push(new SmoothedMethod(shared, { offline: id === 'robust-offline' }));
    else methods.push(...(await createMethods([id], { onUnavailable: (m, why) => console.error(`${m} skipped: ${why}`) })));
  }
  return { methods, shared };
}

interface TakeResult {
  file: string;
  condition: string;
  rig: string;
  cameras: number;
  rows: EvalRow[];
}

async function run(dir: string, ids: string[], maxSubsets: number, only?: RegExp): Promise<TakeResult[]> {
  const t0 = performance.now();
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json' && (!only || only.test(f))).sort();
  const { methods, shared } = await makeMethods(ids);
  const out: TakeResult[] = [];
  for (const file of files) {
    shared.clear();
    const take: Take = parseTake(readFileSync(join(dir, file), 'utf8'));
    const meta = take.meta as { condition?: string; rig?: string };
    const k = take.cameras.length;
    const condition = meta.condition ?? 'none';
    const counts = condition === 'none' ? [2, 3, 4, 6, 8].filter((v) => v <= k) : [k];
    out.push({ file, condition, rig: meta.rig ?? file, cameras: k, rows: await evaluateTake(take, methods, { viewCounts: counts, maxSubsets }) });
    console.error(`${file}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  for (const m of methods) m.dispose?.();
  return out;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { methods: { type: 'string' }, 'max-subsets': { type: 'string', default: '3' }, json: { type: 'string' }, from: { type: 'string' }, only: { type: 'string' } },
  });
  const t0 = performance.now();
  const dir = positionals[0] ?? 'bench-out/takes-continuous';
  const maxSubsets = Number(values['max-subsets']);
  let results: TakeResult[];
  let source: string;
  if (values.from) {
    const byFile = new Map<string, TakeResult>();
    for (const f of values.from.split(',')) {
      for (const t of (JSON.parse(readFileSync(f, 'utf8')) as { takes: TakeResult[] }).takes) {
        const have = byFile.get(t.file);
        if (have) have.rows.push(...t.rows);
        else byFile.set(t.file, { ...t, rows: [...t.rows] });
      }
    }
    results = [...byFile.values()];
    source = `--from ${values.from}`;
  } else {
    results = await run(dir, values.methods ? values.methods.split(',') : IDS, maxSubsets, values.only ? new RegExp(values.only) : undefined);
    source = `${dir} --max-subsets ${maxSubsets}${values.methods ? ` --methods ${values.methods}` : ''}${values.only ? ` --only '${values.only}'` : ''}`;
    if (values.json) writeFileSync(values.json, JSON.stringify({ takes: results }, null, 1));
  }
  const rigRows = new Map<string, Group>();
  const condRows = new Map<string, EvalRow[][]>();
  for (const t of results) {
    if (t.condition === 'none') {
      for (const v of new Set(t.rows.map((r) => r.views))) rigRows.set(`${t.rig}|${v}`, { name: t.rig, views: v, rows: new Map(t.rows.filter((r) => r.views === v).map((r) => [r.method, r])) });
    } else {
      const key = `${t.condition}|${t.cameras}`;
      condRows.set(key, [...(condRows.get(key) ?? []), t.rows]);
    }
  }
  const present = new Set(results.flatMap((t) => t.rows.map((r) => r.method)));
  const files = results;
  const ms = IDS.filter((m) => present.has(m));
  out(`<!-- npm run bench:temporal -- ${source} · ${files.length} takes · ${((performance.now() - t0) / 1000).toFixed(0)} s -->`);
  out('');
  out('#### MPJPE by rig and number of views (mm: mean / median / p90)');
  out('');
  out(`| rig | views | ${ms.join(' | ')} |`);
  out(`| --- | ---: | ${ms.map(() => '---:').join(' | ')} |`);
  for (const g of rigRows.values()) out(`| ${g.name} | ${g.views} | ${ms.map((m) => { const r = g.rows.get(m); return r ? `${f1(r.meanMm)} / ${f1(r.medianMm)} / ${f1(r.p90Mm)}` : '–'; }).join(' | ')} |`);
  out('');
  out('#### Acceleration error by rig (mm/frame²) and the issue-13 targets');
  out('');
  out(`| rig | views | ${ms.join(' | ')} | temporal / robust-smoothed | temporal / lifter (≤ 0.85) | accel temporal / robust-smoothed (≤ 0.5) | offline better than temporal | all met |`);
  out(`| --- | ---: | ${ms.map(() => '---:').join(' | ')} | ---: | ---: | ---: | --- | --- |`);
  for (const g of rigRows.values()) {
    const j = judge(g);
    out(`| ${g.name} | ${g.views} | ${ms.map((m) => f2(g.rows.get(m)?.accelMm)).join(' | ')} | ${j.cells.join(' | ')} | ${j.met ? 'yes' : '**no**'} |`);
  }
  out('');
  out('#### Conditions (mean MPJPE mm; acceleration error mm/frame² in brackets)');
  out('');
  out(`| condition | views | ${ms.join(' | ')} | temporal / robust-smoothed | temporal / lifter (≤ 0.85) | accel temporal / robust-smoothed (≤ 0.5) | offline better than temporal | all met |`);
  out(`| --- | ---: | ${ms.map(() => '---:').join(' | ')} | ---: | ---: | ---: | --- | --- |`);
  for (const [key, takes] of condRows) {
    const [cond, k] = key.split('|');
    const g: Group = { name: cond, views: Number(k), rows: new Map(ms.map((m) => [m, pool(takes.map((rows) => rows.find((r) => r.method === m)!).filter(Boolean))] as const).filter(([, r]) => r.frames > 0)) };
    const j = judge(g);
    out(`| ${cond} | ${k} | ${ms.map((m) => { const r = g.rows.get(m); return r ? `${f1(r.meanMm)} (${f2(r.accelMm)})` : '–'; }).join(' | ')} | ${j.cells.join(' | ')} | ${j.met ? 'yes' : '**no**'} |`);
  }
  console.log(lines.join('\n'));
  return 0;
}
const lines: string[] = [];
const out = (s: string) => lines.push(s);

main(process.argv.slice(2)).then(
  (c) => process.exit(c),
  (e) => {
    console.error(`bench:temporal: ${(e as Error).message}`);
    process.exit(2);
  },
);
