/**
 * Calibration benchmarks (figures for docs/benchmarks.md):
 *   1. the shared Pose2Sim photos: detection count, per-camera RMS and fx, fy vs the Qualisys reference;
 *   2. detector agreement with OpenCV (findChessboardCorners + cornerSubPix 11x11) when python3 + cv2 are present;
 *   3. detector time per 1280x720 frame in Node (synthetic board);
 *   4. bundle-adjustment time for 4 cameras x 50 board poses.
 * Run: npm run bench:calib   (single-threaded; nice it on shared machines)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { lookAtCamera, projectPoints } from '../src/geometry/camera';
import { rodriguesToMatrix } from '../src/geometry/rotation';
import { bundleAdjust, type BoardObservation } from '../src/calibration/bundle';
import { detectCheckerboard } from '../src/calibration/detect';
import { initialiseRig } from '../src/calibration/extrinsics';
import { calibrateIntrinsics } from '../src/calibration/intrinsics';
import { parseQca } from '../src/calibration/io';
import { projectBoardCorners, renderBoard, seededNormal } from '../src/calibration/synth';
import { heldBoardPose, randomHeldPoses, synthCameras } from '../src/calibration/synthRig';
import { expandImages, readGray } from './images';

const DIR = '../shared/data/pose2sim-demo/calibration';
const board47 = { cols: 4, rows: 7, squareMm: 60 };

// 1. Real photos
const reference = parseQca(readFileSync(`${DIR}/Calib.qca.txt`, 'utf8'));
const ours = new Map<string, Float64Array | null>();
const files: string[] = [];
console.log('## Pose2Sim demo intrinsics photos (4 x 7, 60 mm, 1088x1920)');
for (let c = 1; c <= 4; c++) {
  const views: Float64Array[] = [];
  let w = 0, h = 0, ms = 0;
  const list = expandImages(`${DIR}/intrinsics/int_cam0${c}_img`);
  for (const f of list) {
    const img = readGray(f);
    w = img.width; h = img.height;
    const t0 = performance.now();
    const corners = detectCheckerboard(img, board47.cols, board47.rows);
    ms += performance.now() - t0;
    ours.set(f, corners);
    files.push(f);
    if (corners) views.push(corners);
  }
  const r = calibrateIntrinsics(board47, views, w, h);
  const ref = reference[c - 1];
  console.log(`cam0${c}: found ${views.length}/${list.length}, mean detect ${(ms / list.length).toFixed(0)} ms, RMS ${r?.rms.toFixed(3)} px, ` +
    `fx ${r?.K[0].toFixed(1)} (${(100 * ((r?.K[0] ?? NaN) / ref.K[0] - 1)).toFixed(2)} %), fy ${r?.K[4].toFixed(1)} (${(100 * ((r?.K[4] ?? NaN) / ref.K[4] - 1)).toFixed(2)} %) vs Qualisys ${ref.K[0].toFixed(1)}, ${ref.K[4].toFixed(1)}`);
}

// 2. OpenCV agreement
try {
  const text = execFileSync('python3', ['cli/opencv_corners.py', '4', '7', ...files], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const cv = JSON.parse(text) as Record<string, number[] | null>;
  let both = 0, cvOnly = 0, oursOnly = 0, sum = 0, n = 0, worst = 0, sameOrder = 0;
  for (const f of files) {
    const a = ours.get(f), b = cv[f];
    if (a && b) {
      both++;
      // Match each of our corners to OpenCV's nearest (OpenCV's own ordering rule differs from ours).
      let direct = 0;
      for (let k = 0; k < a.length / 2; k++) {
        let best = Infinity;
        for (let j = 0; j < b.length / 2; j++) best = Math.min(best, Math.hypot(a[2 * k] - b[2 * j], a[2 * k + 1] - b[2 * j + 1]));
        sum += best; n++; worst = Math.max(worst, best);
        direct = Math.max(direct, Math.hypot(a[2 * k] - b[2 * k], a[2 * k + 1] - b[2 * k + 1]));
      }
      if (direct < 2) sameOrder++;
    } else if (b) cvOnly++;
    else if (a) oursOnly++;
  }
  console.log(`## Agreement with OpenCV ${execFileSync('python3', ['-c', 'import cv2; print(cv2.__version__)'], { encoding: 'utf8' }).trim()}`);
  console.log(`both found ${both}, OpenCV only ${cvOnly}, ours only ${oursOnly}; mean corner distance ${(sum / n).toFixed(3)} px, max ${worst.toFixed(3)} px; same index order in ${sameOrder}/${both}`);
} catch (e) {
  console.log(`OpenCV agreement skipped (python3 with opencv-python-headless not available): ${(e as Error).message.split('\n')[0]}`);
}

// 3. Detector time per 1280x720 frame (Node)
{
  const cam = lookAtCamera({ name: 'c', width: 1280, height: 720, hfovDeg: 65, eye: [0, 1, 1.3], target: [0, 1, 0], dist: [-0.1, 0.02, 0, 0, 0] });
  const b = { cols: 9, rows: 6, squareMm: 40 };
  const frames = [0, 1, 2, 3, 4].map((i) => renderBoard(cam, b, heldBoardPose(b, [0.1 * i - 0.2, 1, 0], -0.3 + 0.1 * i, 0.3 - 0.1 * i, 0.1 * i), { supersample: 2, seed: i }));
  const empty = renderBoard(cam, b, heldBoardPose(b, [5, 1, 0], 0, 0, 0), { supersample: 1 });
  for (const f of frames) detectCheckerboard(f, 9, 6); // warm-up
  const time = (img: typeof empty, fast: boolean, reps: number) => {
    const t0 = performance.now();
    let found = 0;
    for (let r = 0; r < reps; r++) for (const f of img === empty ? [empty] : frames) if (detectCheckerboard(f, 9, 6, { fast })) found++;
    return { ms: (performance.now() - t0) / (reps * (img === empty ? 1 : frames.length)), found };
  };
  const withBoard = time(frames[0], false, 4), live = time(frames[0], true, 4), none = time(empty, true, 10), noneFull = time(empty, false, 4);
  console.log('## Detector time per 1280x720 frame (Node, one thread)');
  console.log(`board visible: ${withBoard.ms.toFixed(1)} ms (found ${withBoard.found}/${4 * frames.length}); live mode: ${live.ms.toFixed(1)} ms; no board: live ${none.ms.toFixed(1)} ms, full ${noneFull.ms.toFixed(1)} ms`);
}

// 4. Bundle adjustment: 4 cameras x 50 board poses
{
  const cams = synthCameras(1280, 720);
  const b = { cols: 9, rows: 6, squareMm: 60 };
  const poses = randomHeldPoses(b, 50, 3);
  const rnd = seededNormal(9);
  const obs: BoardObservation[] = [];
  poses.forEach((pose, frame) => cams.forEach((cam, camera) => {
    const uv = projectBoardCorners(cam, b, pose, (c, p) => projectPoints(c, p));
    if (!uv.every(Number.isFinite)) return;
    for (let k = 0; k < uv.length; k++) uv[k] += 0.2 * rnd();
    obs.push({ camera, frame, corners: uv });
  }));
  const init = initialiseRig(b, cams, obs);
  // Start from a perturbed rig so the solver has work to do.
  const start = init.cameras.map((c, i) => (i === init.reference ? c : { ...c, R: (() => { const E = rodriguesToMatrix(0.01, -0.01, 0.005); const R = new Float64Array(9); for (let r = 0; r < 3; r++) for (let q = 0; q < 3; q++) R[r * 3 + q] = E[r * 3] * c.R[q] + E[r * 3 + 1] * c.R[3 + q] + E[r * 3 + 2] * c.R[6 + q]; return R; })(), t: Float64Array.from(c.t, (v) => v + 0.02) }));
  console.log('## Bundle adjustment, 4 cameras x 50 board poses (54 corners each)');
  for (const optimizeIntrinsics of [false, true]) {
    const r = bundleAdjust(b, start, init.boardPoses, obs, { fixedCamera: init.reference, optimizeIntrinsics });
    console.log(`${obs.length} observations, intrinsics ${optimizeIntrinsics ? 'free' : 'fixed'}: RMS ${r.initialRms.toFixed(2)} → ${r.rms.toFixed(3)} px, ${r.iterations} iterations, ${r.timeMs.toFixed(0)} ms`);
  }
}
