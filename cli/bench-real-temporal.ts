/**
 * npm run bench:real:temporal [-- --take FILE] — every fusion method, the temporal ones included, on the real
 * Pose2Sim recording (MoveNet detections, 4 cameras, 60 fps, no ground truth): per view count, over every camera
 * subset, each method's bone-length standard deviation over time (a real body's limbs keep their length), its
 * acceleration (mean |second difference| per joint, mm/frame² at the take's rate: jitter plus real motion, so lower
 * is steadier only up to the body's own acceleration) and its disagreement with robust triangulation from all 4
 * views. Frame sets go to each method in time order with their times, reset before each subset.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { FusionMethod, Pose3D } from '../src/fusion/types';
import { cameraSubsets, runSubset } from '../src/eval/evaluate';
import { createMethods } from '../src/eval/methods';
import { COCO17_LIMBS, NUM_JOINTS } from '../src/keypoints/coco17';
import { parseTake } from '../src/take';
import { REPO_ROOT } from './lib/node-tf';
import { boneLengthStats, compareToReference } from './lib/real-stats';

const IDS = ['lifter', 'lifter-temporal', 'lifter-offline', 'robust', 'robust-smoothed', 'robust-offline', 'dlt'];

/** Mean over joints and frames of |p[i+1] − 2p[i] + p[i−1]| (mm), where all three poses have the joint. */
export function meanAcceleration(poses: ReadonlyArray<Pose3D | null>): number {
  let s = 0, n = 0;
  for (let i = 1; i + 1 < poses.length; i++) {
    const [a, b, c] = [poses[i - 1], poses[i], poses[i + 1]];
    if (!a || !b || !c) continue;
    for (let j = 0; j < NUM_JOINTS; j++) {
      if (!(a.valid[j] && b.valid[j] && c.valid[j])) continue;
      let e2 = 0;
      for (let k = 0; k < 3; k++) {
        const d = c.joints[3 * j + k] - 2 * b.joints[3 * j + k] + a.joints[3 * j + k];
        e2 += d * d;
      }
      s += Math.sqrt(e2);
      n++;
    }
  }
  return n ? (1000 * s) / n : NaN;
}

async function main() {
  const { values } = parseArgs({
    options: { take: { type: 'string', default: join(REPO_ROOT, 'docs', 'data', 'pose2sim-movenet-lightning.take.json') }, methods: { type: 'string' } },
  });
  const t0 = performance.now();
  const take = parseTake(readFileSync(values.take!, 'utf8'));
  const ids = values.methods ? values.methods.split(',') : IDS;
  const methods: FusionMethod[] = await createMethods(ids, { onUnavailable: (id, why) => console.error(`${id} skipped: ${why}`) });
  const n = take.cameras.length;
  const all = Array.from({ length: n }, (_, i) => i);
  const robust = methods.find((m) => m.id === 'robust') ?? (await createMethods(['robust']))[0];
  const ref = (await runSubset(take, robust, all)).poses;
  const rows: string[] = [];
  for (const k of [2, 3, n]) {
    for (const m of methods) {
      let bone = 0, acc = 0, dis = 0, subsets = 0;
      for (const s of cameraSubsets(n, k, 100)) {
        const { poses } = await runSubset(take, m, s);
        const bs = boneLengthStats(poses, COCO17_LIMBS).filter((b) => b.n > 1);
        bone += bs.reduce((a, b) => a + b.stdMm, 0) / bs.length;
        acc += meanAcceleration(poses);
        dis += compareToReference(poses, ref).meanMm;
        subsets++;
      }
      rows.push(`| ${k} | ${m.id} | ${subsets} | ${(bone / subsets).toFixed(1)} | ${(acc / subsets).toFixed(2)} | ${k === n && m.id === 'robust' ? 'reference' : (dis / subsets).toFixed(1)} |`);
    }
  }
  console.log(`<!-- npm run bench:real:temporal · ${relative(REPO_ROOT, values.take!)} · ${take.frames.length} frames × ${n} views at ${take.fps ?? '?'} fps · ${((performance.now() - t0) / 1000).toFixed(1)} s -->\n`);
  console.log('| views | method | subsets | bone-length std mm | acceleration mm/frame² | vs 4-view robust mm |');
  console.log('| ---: | --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
  for (const m of methods) m.dispose?.();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`bench:real:temporal: ${(e as Error).message}`);
    process.exit(2);
  },
);
