/**
 * npm run eval:multi -- <take.json> [more takes] [--methods robust,dlt,lifter] [--json out.json] [--per-person-calls]
 *
 * Scores the multi-person chain (association → tracking → every method per person) on takes with several people's
 * truth (version 2; version 1 takes are one person): person recall and precision per frame set (true people seen by
 * ≥ 2 cameras), PCP and MPJPE per method, identity switches per person-minute, association + tracking time per
 * frame set, and each method's time per frame set for all its people. Without --methods: the registry's default
 * methods and the live temporal ones (the temporal lifter and robust triangulation + One Euro), which run an
 * instance per tracked person (all people of a frame set in one batch of the network; --per-person-calls: one call
 * per person, to see what the batch saves). Where `<take>.alone-<id>.json` exists beside a take (written by `npm run bench:multi:takes`: that
 * person's detections with nobody else in the scene), each method's MPJPE is also compared with the same person
 * captured alone, on the same frame sets. Files named *.alone-*.json given as takes are skipped.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runMultiTake, scoreMultiTake, mpjpe, type MultiScore } from '../src/eval/multi';
import { PeopleStage } from '../src/people/stage';
import type { MultiTake } from '../src/take/multi';
import { nodeMethodEnv } from '../src/eval/methods';
import { PeopleFusion } from '../src/people/fuse';
import { byMethodOrder, DEFAULT_METHOD_IDS } from '../src/fusion/registry';
import { parseMultiTake } from '../src/take/multi';
import { parseTake, TakeError } from '../src/take/take';
import { quantile } from '../src/util/stats';

const usage = 'usage: npm run eval:multi -- <take.json> [more takes] [--methods robust,dlt,lifter] [--json out.json] [--per-person-calls]';

interface AloneRatio { multiMm: number; aloneMm: number; frames: number }

/** The causal temporal methods evaluated by default beside the registry's default set. */
const LIVE_TEMPORAL = ['lifter-temporal', 'robust-smoothed'];

function meanP95(xs: number[]): { mean: number; p95: number } {
  return { mean: xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1), p95: quantile(xs, 0.95) };
}

async function aloneRatio(file: string, fusion: PeopleFusion, score: MultiScore): Promise<Map<string, AloneRatio>> {
  const out = new Map<string, AloneRatio>();
  for (const m of score.methods) out.set(m.method, { multiMm: 0, aloneMm: 0, frames: 0 });
  const base = file.replace(/\.json$/, '');
  for (const id of score.methods[0]?.perPerson.keys() ?? []) {
    const path = `${base}.alone-${id}.json`;
    if (!existsSync(path)) continue;
    const alone = parseTake(readFileSync(path, 'utf8'));
    fusion.reset();
    // The alone take through the same per-person fusion, as person `id` of every frame set.
    const errs = new Map<string, Float64Array>();
    for (const m of fusion.methodIds) errs.set(m, new Float64Array(alone.frames.length).fill(NaN));
    for (let fi = 0; fi < alone.frames.length; fi++) {
      const f = alone.frames[fi];
      if (!f.gt) continue;
      const [res] = await fusion.fuse(alone.cameras, [{ id, views: f.views }], f.time);
      for (const [m, pose] of Object.entries(res.poses)) if (pose) errs.get(m)![fi] = mpjpe(pose.joints, pose.valid, f.gt);
    }
    for (const m of score.methods) {
      const pp = m.perPerson.get(id)!, r = out.get(m.method)!, a = errs.get(m.method)!;
      pp.frames.forEach((fi, k) => {
        if (!Number.isFinite(a[fi])) return;
        r.multiMm += 1000 * pp.errors[k];
        r.aloneMm += 1000 * a[fi];
        r.frames++;
      });
    }
  }
  for (const r of out.values()) {
    r.multiMm /= r.frames;
    r.aloneMm /= r.frames;
  }
  return out;
}

/**
 * Association + tracking alone over the take, 3 times: the best pass's CPU and wall time per frame set, ms. CPU
 * time is what the work costs; wall time on a shared machine also counts waiting for a core.
 */
function timeAssociation(take: MultiTake): { cpuMs: number; wallMs: number } {
  let cpuMs = Infinity, wallMs = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const stage = new PeopleStage(take.cameras);
    const c0 = process.cpuUsage(), t0 = performance.now();
    for (const f of take.frames) stage.step(f.time, f.views);
    const c = process.cpuUsage(c0);
    cpuMs = Math.min(cpuMs, (c.user + c.system) / 1000 / take.frames.length);
    wallMs = Math.min(wallMs, (performance.now() - t0) / take.frames.length);
  }
  return { cpuMs, wallMs };
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { methods: { type: 'string' }, json: { type: 'string' }, 'per-person-calls': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  const files = positionals.filter((f) => !/\.alone-\d+\.json$/.test(f));
  if (values.help || files.length === 0) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const asked = values.methods ? values.methods.split(',').map((s) => s.trim()) : undefined;
  const ids = asked ?? byMethodOrder(new Set([...DEFAULT_METHOD_IDS, ...LIVE_TEMPORAL]));
  const fusion = await PeopleFusion.create(nodeMethodEnv, ids, asked ? undefined : (id, why) => console.log(`note: ${id} is not evaluated (${why})`), !values['per-person-calls']);
  const methods = fusion.methodIds;
  const report: Record<string, unknown>[] = [];
  let failed = 0;
  const head = `| take | people | cameras | frame sets | recall % | precision % | purity % | 3D recall / precision % | ID switches / person-min (count) | association ms: CPU, wall (full-run wall p95) | ${methods.map((m) => `${m} MPJPE mm (alone, ratio) | ${m} PCP %`).join(' | ')} |`;
  const rows: string[] = [];
  const timeHead = `| take | people | cameras | fusion CPU ms / frame set (association + every method) | ${methods.map((m) => `${m} ms / frame set: mean, p95`).join(' | ')} |`;
  const timeRows: string[] = [];
  for (const file of files) {
    let take;
    try {
      take = parseMultiTake(readFileSync(file, 'utf8'));
    } catch (e) {
      failed++;
      console.error(`${file}: ${e instanceof TakeError ? e.message : `cannot read: ${(e as Error).message}`}`);
      continue;
    }
    const c0 = process.cpuUsage();
    const run = await runMultiTake(take, fusion);
    const c = process.cpuUsage(c0);
    const cpuMs = (c.user + c.system) / 1000 / take.frames.length;
    const fusionMs = Object.fromEntries(methods.map((m) => [m, meanP95(run.map((r) => r.fusionMs[m] ?? 0))]));
    const s = scoreMultiTake(take, run, methods);
    const alone = await aloneRatio(file, fusion, s);
    const timing = timeAssociation(take);
    const people = Math.max(...take.frames.map((f) => f.gt?.length ?? 0));
    const cells = s.methods.map((m) => {
      const a = alone.get(m.method)!;
      const vs = a.frames ? ` (${a.aloneMm.toFixed(1)}, ${(a.multiMm / a.aloneMm).toFixed(3)})` : '';
      return `${m.mpjpeMm.toFixed(1)}${vs} | ${m.pcp.toFixed(1)}`;
    });
    rows.push(`| ${file.split('/').pop()} | ${people} | ${take.cameras.length} | ${s.frameSets} | ${(100 * s.recall).toFixed(2)} | ${(100 * s.precision).toFixed(2)} | ${(100 * s.purity).toFixed(2)} | ${(100 * s.recall3d).toFixed(1)} / ${(100 * s.precision3d).toFixed(1)} | ${(s.idSwitches / s.personMinutes).toFixed(2)} (${s.idSwitches}) | ${timing.cpuMs.toFixed(2)}, ${timing.wallMs.toFixed(2)} (${s.assocP95Ms.toFixed(2)}) | ${cells.join(' | ')} |`);
    console.log(rows[rows.length - 1]);
    timeRows.push(`| ${file.split('/').pop()} | ${people} | ${take.cameras.length} | ${cpuMs.toFixed(1)} | ${methods.map((m) => `${fusionMs[m].mean.toFixed(2)}, ${fusionMs[m].p95.toFixed(2)}`).join(' | ')} |`);
    console.log(timeRows[timeRows.length - 1]);
    report.push({
      take: file, people, cameras: take.cameras.length, ...s, timing, fusionMs, fusionCpuMsPerFrameSet: cpuMs,
      methods: s.methods.map((m) => ({ method: m.method, mpjpeMm: m.mpjpeMm, pcp: m.pcp, alone: alone.get(m.method) })),
    });
  }
  console.log(`\n${head}\n|${' --- |'.repeat(10 + 2 * methods.length)}\n${rows.join('\n')}`);
  console.log(`\n${timeHead}\n|${' --- |'.repeat(4 + methods.length)}\n${timeRows.join('\n')}`);
  fusion.dispose();
  if (values.json) {
    writeFileSync(values.json, JSON.stringify({ methods, takes: report }, null, 2));
    console.log(`\nwrote ${values.json}`);
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`eval:multi: ${(e as Error).message}\n${usage}`);
    process.exit(2);
  },
);
