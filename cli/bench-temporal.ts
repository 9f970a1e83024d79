/**
 * npm run bench:temporal -- [takes dir = bench-out/takes-continuous] [--methods …] [--max-subsets 3] [--json raw.json]
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

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { methods: { type: 'string' }, 'max-subsets': { type: 'string', default: '3' }, json: { type: 'string' } },
  });
  const t0 = performance.now();
  const dir = positionals[0] ?? 'bench-out/takes-continuous';
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json').sort();
  const ids = values.methods ? values.methods.split(',') : IDS;
  const methods = await createMethods(ids, { onUnavailable: (id, why) => console.error(`${id} skipped: ${why}`) });
  const maxSubsets = Number(values['max-subsets']);
  const rigRows = new Map<string, Group>();
  const condRows = new Map<string, EvalRow[][]>();
  const raw: { file: string; rows: EvalRow[] }[] = [];
  for (const file of files) {
    const take: Take = parseTake(readFileSync(join(dir, file), 'utf8'));
    const meta = take.meta as { condition?: string; rig?: string };
    const k = take.cameras.length;
    const cond = meta.condition ?? 'none';
    const counts = cond === 'none' ? [2, 3, 4, 6, 8].filter((v) => v <= k) : [k];
    const rows = await evaluateTake(take, methods, { viewCounts: counts, maxSubsets });
    raw.push({ file, rows });
    if (cond === 'none') {
      for (const v of counts) rigRows.set(`${meta.rig}|${v}`, { name: meta.rig ?? file, views: v, rows: new Map(rows.filter((r) => r.views === v).map((r) => [r.method, r])) });
    } else {
      const key = `${cond}|${k}`;
      condRows.set(key, [...(condRows.get(key) ?? []), rows]);
    }
    console.error(`${file}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const ms = methods.map((m) => m.id);
  out(`<!-- npm run bench:temporal -- ${dir} --max-subsets ${maxSubsets} · ${files.length} takes · ${((performance.now() - t0) / 1000).toFixed(0)} s -->`);
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
    const g: Group = { name: cond, views: Number(k), rows: new Map(ms.map((m) => [m, pool(takes.map((rows) => rows.find((r) => r.method === m)!).filter(Boolean))])) };
    const j = judge(g);
    out(`| ${cond} | ${k} | ${ms.map((m) => { const r = g.rows.get(m); return r ? `${f1(r.meanMm)} (${f2(r.accelMm)})` : '–'; }).join(' | ')} | ${j.cells.join(' | ')} | ${j.met ? 'yes' : '**no**'} |`);
  }
  console.log(lines.join('\n'));
  if (values.json) writeFileSync(values.json, JSON.stringify({ methods: ms, takes: raw }, null, 1));
  for (const m of methods) m.dispose?.();
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
