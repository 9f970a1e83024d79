/**
 * npm run bench:triangulation — joints triangulated per second in Node, plain DLT and robust, for 2, 4 and 8
 * views, on synthetic detections with 2 px noise and one gross outlier view in a quarter of the frames.
 */
import { prepareRig, triangulatePose } from '../src/triangulation/triangulate';
import { NUM_JOINTS } from '../src/keypoints/coco17';
import { projectPose, ringRig, seededRandom, standingPose } from '../src/testing/synthetic';

const FRAMES = 400;

function bench(nViews: number, method: 'dlt' | 'robust'): number {
  const cams = ringRig(nViews);
  const rig = prepareRig(cams);
  const rand = seededRandom(nViews);
  const pose = standingPose();
  const frames = Array.from({ length: FRAMES }, (_, f) => {
    const views = projectPose(cams, pose, 2, rand);
    if (f % 4 === 0) for (let j = 0; j < NUM_JOINTS; j++) views[0][3 * j] += 150;
    return views;
  });
  for (let i = 0; i < 50; i++) triangulatePose(rig, frames[i], method); // warm-up for the JIT
  let best = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now();
    for (const views of frames) triangulatePose(rig, views, method);
    best = Math.min(best, performance.now() - t0);
  }
  return (FRAMES * NUM_JOINTS) / (best / 1000);
}

console.log(`Node ${process.version}, ${FRAMES} frames × 17 joints, best of 3`);
console.log('views  method   joints/s   frame sets/s');
for (const n of [2, 4, 8]) {
  for (const m of ['dlt', 'robust'] as const) {
    const jps = bench(n, m);
    console.log(`${String(n).padStart(5)}  ${m.padEnd(7)}  ${Math.round(jps).toString().padStart(9)}  ${Math.round(jps / NUM_JOINTS).toString().padStart(12)}`);
  }
}
