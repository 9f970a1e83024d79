/**
 * npm run bench:recordings [-- --seeds N] — the figures of issue 14's pure cores, measured:
 * - synchronisation: the Pose2Sim MoveNet take with frames cut from the start of views (with and without the
 *   calibration), and long simulated recordings with known offsets and 29.97/59.94 fps rates;
 * - extrinsics from the person: the Pose2Sim rig perturbed by 3° and 10 cm per camera, refined against Qualisys,
 *   and simulated rigs built from intrinsics alone (errors after a similarity alignment).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { calibrateFromPerson, refineFromPerson } from '../src/calibration/person';
import { alignRig, transformRig } from '../src/calibration/person-frame';
import { cameraCenter, makeCamera, projectPoint, type Camera } from '../src/geometry/camera';
import { rodriguesToMatrix, rotationAngleBetween } from '../src/geometry/rotation';
import { NUM_JOINTS } from '../src/keypoints/coco17';
import { figurePose } from '../src/sim/figure';
import { DEFAULT_NOISE, sampleDetections } from '../src/sim/noise';
import { ringRig } from '../src/sim/rig';
import { makeRng, type Rng } from '../src/sim/rng';
import { simulateFrame } from '../src/sim/simulate';
import { synchronizeViews, type KeypointTrack } from '../src/sync';
import { parseTake } from '../src/take';
import { REPO_ROOT } from './lib/node-tf';
import { loadPose2SimToml } from './lib/pose2sim';

const SHARED = join(REPO_ROOT, '..', 'shared', 'data', 'pose2sim-demo');

const { values: args } = parseArgs({ options: { seeds: { type: 'string', default: '3' } } });
const SEEDS = Number(args.seeds);
const f2 = (x: number) => x.toFixed(2);

function rigErrors(cams: readonly Camera[], ref: readonly Camera[]) {
  const al = transformRig(cams, alignRig(cams, ref, true));
  return {
    deg: al.map((c, i) => (rotationAngleBetween(c.R, ref[i].R) * 180) / Math.PI),
    cm: al.map((c, i) => { const a = cameraCenter(c), b = cameraCenter(ref[i]); return 100 * Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]); }),
  };
}

function perturb(c: Camera, angleDeg: number, dist: number, rng: Rng): Camera {
  const unit = () => { const v = [rng.normal(), rng.normal(), rng.normal()]; const n = Math.hypot(...v); return v.map((x) => x / n); };
  const a = unit().map((x) => (x * angleDeg * Math.PI) / 180);
  const E = rodriguesToMatrix(a[0], a[1], a[2]);
  const R = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) R[i * 3 + j] = E[i * 3] * c.R[j] + E[i * 3 + 1] * c.R[3 + j] + E[i * 3 + 2] * c.R[6 + j];
  const d = unit();
  const C = Array.from(cameraCenter(c), (v, k) => v + d[k] * dist);
  return makeCamera({ ...c, R, t: [0, 1, 2].map((i) => -(R[i * 3] * C[0] + R[i * 3 + 1] * C[1] + R[i * 3 + 2] * C[2])) });
}

function simTrack(cam: Camera, offset: number, rate: number, nominal: number, seconds: number, level: number, seed: number): KeypointTrack {
  const rng = makeRng(seed);
  const X = new Float64Array(NUM_JOINTS * 3), uv = new Float64Array(NUM_JOINTS * 2);
  const frames: Float32Array[] = [];
  for (let i = 0; i < Math.floor(seconds * rate); i++) {
    figurePose(offset + i / rate, X);
    for (let j = 0; j < NUM_JOINTS; j++) projectPoint(cam, X[3 * j], X[3 * j + 1], X[3 * j + 2], uv, 2 * j);
    frames.push(sampleDetections([uv], [cam], DEFAULT_NOISE, level, rng)[0]);
  }
  return { fps: nominal, frames };
}

async function main() {
  const take = parseTake(readFileSync(join(REPO_ROOT, 'docs', 'data', 'pose2sim-movenet-lightning.take.json'), 'utf8'));
  console.log('## Synchronisation: Pose2Sim (4 × 100 frames, 60 fps), frames cut from the start of views');
  console.log('cuts (frames)      calibration   offset error per view (frames; view 3 = cam_03 is not cut)   ms');
  for (const cut of [[0, 7, 0, 15], [0, 3, 0, 10], [0, 12, 0, 5], [0, 0, 0, 0]]) {
    const tracks = take.cameras.map((_, v) => ({ fps: take.fps, frames: take.frames.slice(cut[v]).map((f) => f.views[v]) }));
    for (const cams of [null, take.cameras]) {
      const t0 = performance.now();
      const r = await synchronizeViews(tracks, { cameras: cams, reference: 0 });
      const err = r.views.map((v, i) => f2(v.offsetS * take.fps - cut[i]));
      console.log(`${JSON.stringify(cut).padEnd(18)} ${(cams ? 'yes' : 'no').padEnd(13)} ${err.join('  ').padEnd(60)} ${(performance.now() - t0).toFixed(0)}`);
    }
  }
  console.log('\n## Synchronisation: simulated 60 s, 4 views (true rates 60, 29.97 written as 30, 59.94 written as 60, 30)');
  console.log('noise  seed  calibration  |offset error| per view (frames at 60 fps)   rates right   ms');
  const truth: [number, number, number][] = [[0, 60, 60], [1.234, 29.97, 30], [-0.71, 59.94, 60], [2.5, 30, 30]];
  const cams4 = ringRig(4);
  for (const level of [0.5, 1])
    for (let s = 0; s < SEEDS; s++) {
      const tracks = truth.map(([off, rate, nominal], v) => simTrack(cams4[v], off, rate, nominal, 60, level, 100 * s + 11 + v));
      for (const cams of [null, cams4]) {
        const t0 = performance.now();
        const r = await synchronizeViews(tracks, { cameras: cams, reference: 0, maxOffsetS: 5 });
        const err = r.views.map((v, i) => f2(Math.abs(v.offsetS - truth[i][0]) * 60));
        const rates = r.views.filter((v, i) => v.fps === truth[i][1]).length;
        console.log(`${String(level).padEnd(6)} ${String(s).padEnd(5)} ${(cams ? 'yes' : 'no').padEnd(12)} ${err.join('  ').padEnd(42)} ${rates}/4           ${(performance.now() - t0).toFixed(0)}`);
      }
    }

  console.log('\n## Extrinsics from the person: Pose2Sim rig perturbed 3° / 10 cm per camera, refined (50 frames)');
  console.log('seed  start vs Qualisys (° | cm)             refined vs Qualisys (° | cm)           median reproj px before → after   ms');
  const frames = take.frames.map((f) => f.views);
  for (let s = 0; s < SEEDS; s++) {
    const start = take.cameras.map((c) => perturb(c, 3, 0.1, makeRng(3 + s)));
    const t0 = performance.now();
    const r = await refineFromPerson(start, frames, { maxFrames: 50 });
    const a = rigErrors(start, take.cameras), b = rigErrors(r.cameras, take.cameras);
    console.log(`${s}     ${a.deg.map(f2).join(' ')} | ${a.cm.map((x) => x.toFixed(1)).join(' ')}    ${b.deg.map(f2).join(' ')} | ${b.cm.map((x) => x.toFixed(1)).join(' ')}    ${r.medianBefore.map((x) => x.toFixed(1)).join(' ')} → ${r.medianAfter.map((x) => x.toFixed(1)).join(' ')}   ${(performance.now() - t0).toFixed(0)}`);
  }
  const own = await refineFromPerson(take.cameras, frames, { maxFrames: 100 });
  const o = rigErrors(own.cameras, take.cameras);
  console.log(`from Qualisys itself (100 frames): ${o.deg.map(f2).join(' ')} ° | ${o.cm.map((x) => x.toFixed(1)).join(' ')} cm; median px ${own.medianBefore.map((x) => x.toFixed(1)).join(' ')} → ${own.medianAfter.map((x) => x.toFixed(1)).join(' ')}`);
  // For scale: Pose2Sim's own calibration of the same cameras (board intrinsics, clicked scene points) against Qualisys.
  const scene = rigErrors(loadPose2SimToml(join(SHARED, 'calibration', 'Calib_scene.toml'), 1), loadPose2SimToml(join(SHARED, 'calibration', 'Calib_qualisys.toml')));
  console.log(`Pose2Sim's Calib_scene.toml vs Qualisys: ${scene.deg.map(f2).join(' ')} ° | ${scene.cm.map((x) => x.toFixed(1)).join(' ')} cm`);

  console.log('\n## Extrinsics from the person: simulated ring of 4 from intrinsics only (150 frames over 22.5 s)');
  console.log('noise  seed  rotation error ° (after similarity)   centre error cm   up error °   ms');
  for (const level of [0.5, 1])
    for (let s = 0; s < SEEDS; s++) {
      const rng = makeRng(5 + 100 * s);
      const fs = Array.from({ length: 150 }, (_, i) => simulateFrame(i * 0.15, cams4, { noise: DEFAULT_NOISE, level, dropped: new Set() }, rng).views);
      const t0 = performance.now();
      const r = await calibrateFromPerson(cams4.map((c) => makeCamera({ ...c, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] })), fs);
      const e = rigErrors(r.cameras, cams4);
      const up = (Math.acos(Math.min(1, alignRig(r.cameras, cams4, true).M[4])) * 180) / Math.PI;
      console.log(`${String(level).padEnd(6)} ${String(s).padEnd(5)} ${e.deg.map(f2).join(' ').padEnd(37)} ${e.cm.map((x) => x.toFixed(1)).join(' ').padEnd(17)} ${f2(up).padEnd(12)} ${(performance.now() - t0).toFixed(0)}`);
    }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
