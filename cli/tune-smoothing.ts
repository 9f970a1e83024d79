/**
 * npm run tune:smoothing -- [val takes dir = bench-out/val-continuous] [--max-subsets 2]
 *
 * Chooses the parameters of the temporal baselines (src/fusion/smoothed.ts: robust-smoothed's One Euro and
 * robust-offline's local polynomial) on the VALIDATION subjects' continuous takes, made by
 *   python training/make_benchmark.py bench-out/val-continuous --continuous --split val --seed 7
 * never on the benchmark. Criterion: the lowest mean MPJPE over every take and view count (2, 3, 4, 6, 8 where the
 * take has them). Robust triangulation runs once per take, subset and segment; the filters replay it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { OneEuroParams } from '../src/export/one-euro';
import { evaluateTake } from '../src/eval/evaluate';
import { SmoothedMethod, type LocalPolyParams } from '../src/fusion/smoothed';
import type { FrameViews, FusionMethod, Pose3D } from '../src/fusion/types';
import type { Camera } from '../src/geometry/camera';
import { parseTake, type Take } from '../src/take/take';
import { TriangulationMethod } from '../src/triangulation/methods';

/** Robust triangulation, memoised per camera subset and frame sets (the same calls recur for every candidate). */
class Memo implements FusionMethod {
  readonly id = 'robust';
  readonly label = 'Robust triangulation';
  private readonly inner = new TriangulationMethod('robust');
  private readonly cache = new Map<string, (Pose3D | null)[]>();
  async estimateFrames(cams: readonly Camera[], frames: ReadonlyArray<FrameViews>): Promise<(Pose3D | null)[]> {
    const key = `${cams.map((c) => c.name).join(',')}|${frames.length}|${frames[0]?.map((v) => (v ? v[0] : -1)).join(',')}`;
    let r = this.cache.get(key);
    if (!r) this.cache.set(key, (r = await this.inner.estimateFrames(cams, frames)));
    return r;
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { 'max-subsets': { type: 'string', default: '2' } } });
  const dir = positionals[0] ?? 'bench-out/val-continuous';
  const maxSubsets = Number(values['max-subsets']);
  const takes: Take[] = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .sort()
    .map((f) => parseTake(readFileSync(join(dir, f), 'utf8')));
  const memos = takes.map(() => new Memo());
  const score = async (make: (inner: FusionMethod) => FusionMethod) => {
    let sum = 0, n = 0, acc = 0, na = 0;
    for (let i = 0; i < takes.length; i++) {
      const k = takes[i].cameras.length;
      const views = [2, 3, 4, 6, 8].filter((v) => v <= k);
      for (const r of await evaluateTake(takes[i], [make(memos[i])], { viewCounts: views, maxSubsets })) {
        sum += r.meanMm;
        n++;
        if (Number.isFinite(r.accelMm)) (acc += r.accelMm), na++;
      }
    }
    return { mpjpe: sum / n, accel: acc / na };
  };
  const raw = await score((m) => m);
  console.log(`${takes.length} validation takes from ${dir}; robust triangulation alone: MPJPE ${raw.mpjpe.toFixed(2)} mm, accel ${raw.accel.toFixed(2)} mm/frame²`);
  let best: { p: OneEuroParams; mpjpe: number; accel: number } | null = null;
  console.log('\nOne Euro (causal): minCutoff Hz, beta → mean MPJPE mm, accel mm/frame²');
  for (const minCutoff of [0.25, 0.5, 1, 2, 4])
    for (const beta of [0, 0.3, 1, 3, 10]) {
      const p = { minCutoff, beta, dCutoff: 1.0 };
      const s = await score((m) => new SmoothedMethod(m, { offline: false, oneEuro: p }));
      console.log(`  ${minCutoff}\t${beta}\t${s.mpjpe.toFixed(2)}\t${s.accel.toFixed(2)}`);
      if (!best || s.mpjpe < best.mpjpe) best = { p, ...s };
    }
  let bestLp: { p: LocalPolyParams; mpjpe: number; accel: number } | null = null;
  console.log('\nLocal polynomial (zero-phase): half window s, order → mean MPJPE mm, accel mm/frame²');
  for (const halfWindowS of [0.05, 0.1, 0.15, 0.2, 0.3, 0.4])
    for (const order of [1, 2]) {
      const p = { halfWindowS, order };
      const s = await score((m) => new SmoothedMethod(m, { offline: true, localPoly: p }));
      console.log(`  ${halfWindowS}\t${order}\t${s.mpjpe.toFixed(2)}\t${s.accel.toFixed(2)}`);
      if (!bestLp || s.mpjpe < bestLp.mpjpe) bestLp = { p, ...s };
    }
  console.log(`\nchosen One Euro: ${JSON.stringify(best!.p)} (MPJPE ${best!.mpjpe.toFixed(2)}, accel ${best!.accel.toFixed(2)})`);
  console.log(`chosen local polynomial: ${JSON.stringify(bestLp!.p)} (MPJPE ${bestLp!.mpjpe.toFixed(2)}, accel ${bestLp!.accel.toFixed(2)})`);
  return 0;
}

main(process.argv.slice(2)).then(
  (c) => process.exit(c),
  (e) => {
    console.error(`tune:smoothing: ${(e as Error).message}`);
    process.exit(2);
  },
);
