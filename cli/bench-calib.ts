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
import { basename } from 'node:path';
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

// 2. OpenCV agreement (live OpenCV when python3 + cv2 are present, else the committed fixture of the same output)
{
  type Oracle = Record<string, { corners: number[]; unrefined: number[] } | null>;
  let cv: Oracle, source: string;
  try {
    cv = JSON.parse(execFileSync('python3', ['cli/opencv_corners.py', '4', '7', ...files], { encoding: 'utf8', maxBuffer: 1 << 26 })) as Oracle;
    source = `OpenCV ${execFileSync('python3', ['-c', 'import cv2; print(cv2.__version__)'], { encoding: 'utf8' }).trim()} (live)`;
  } catch (e) {
    const fx = JSON.parse(readFileSync('src/calibration/__fixtures__/pose2sim-opencv-corners.json', 'utf8')) as { opencv: string; images: Oracle };
    cv = Object.fromEntries(files.map((f) => [f, fx.images[basename(f)] ?? null]));
    source = `OpenCV ${fx.opencv} (committed fixture; live run failed: ${(e as Error).message.split('\n')[0]})`;
  }
  let both = 0, cvOnly = 0, oursOnly = 0, sum = 0, n = 0, worst = 0, sameOrder = 0, unrefined = 0, unrefinedGap = 0;
  const missed: string[] = [], extra: string[] = [];
  for (const f of files) {
    const a = ours.get(f), o = cv[f];
    if (a && o) {
      both++;
      const b = o.corners, skip = new Set(o.unrefined);
      // Match each of our corners to OpenCV's nearest (OpenCV's own ordering rule differs from ours).
      let direct = 0;
      for (let k = 0; k < a.length / 2; k++) {
        let best = Infinity, bj = -1;
        for (let j = 0; j < b.length / 2; j++) {
          const d = Math.hypot(a[2 * k] - b[2 * j], a[2 * k + 1] - b[2 * j + 1]);
          if (d < best) { best = d; bj = j; }
        }
        direct = Math.max(direct, Math.hypot(a[2 * k] - b[2 * k], a[2 * k + 1] - b[2 * k + 1]));
        // A corner cornerSubPix gave back unrefined is only OpenCV's coarse guess: reported apart.
        if (skip.has(bj)) { unrefined++; unrefinedGap = Math.max(unrefinedGap, best); continue; }
        sum += best; n++; worst = Math.max(worst, best);
      }
      if (direct < 2 + unrefinedGap) sameOrder++;
    } else if (o) { cvOnly++; missed.push(basename(f)); }
    else if (a) { oursOnly++; extra.push(basename(f)); }
  }
  console.log(`## Agreement with ${source}`);
  console.log(`both found ${both}, OpenCV only ${cvOnly}${missed.length ? ` (${missed.join(', ')})` : ''}, ours only ${oursOnly}${extra.length ? ` (${extra.join(', ')})` : ''}; ` +
    `mean corner distance ${(sum / n).toFixed(3)} px, max ${worst.toFixed(3)} px over ${n} corners; same index order in ${sameOrder}/${both}; ` +
    `${unrefined} corner(s) OpenCV left unrefined, up to ${unrefinedGap.toFixed(1)} px from ours`);
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

// 3b. Robustness grid: tilt × blur on synthetic 640x480 frames (9x6, 40 mm at 0.7 m, lens distortion, light
// gradient, noise): found among the frames whose corners are all at least 8 px inside the image (room for a
// refinement window), and wrong boards (a corner > 1 px off) among all frames.
{
  const cam = lookAtCamera({ name: 'c', width: 640, height: 480, hfovDeg: 60, eye: [0, 1, 0.7], target: [0, 1, 0], dist: [-0.15, 0.03, 0, 0, 0] });
  const b = { cols: 9, rows: 6, squareMm: 40 };
  const rnd = seededNormal(42);
  const perCell = 8;
  console.log(`## Robustness grid (synthetic 640x480, 9x6 board, ${perCell} random poses per cell): found / all corners ≥ 8 px inside, wrong`);
  const rows: string[] = [];
  for (const blur of [0.6, 1.5, 2.5]) {
    const cells: string[] = [];
    for (const tiltDeg of [0, 20, 40, 50, 60]) {
      let inside = 0, found = 0, wrong = 0;
      for (let i = 0; i < perCell; i++) {
        const dir = rnd() * Math.PI, tilt = (tiltDeg * Math.PI) / 180;
        const pose = heldBoardPose(b, [0.05 * rnd(), 1 + 0.05 * rnd(), 0.1 * rnd()], tilt * Math.cos(dir), tilt * Math.sin(dir), rnd() * 3);
        const truth = projectBoardCorners(cam, b, pose, (c, p) => projectPoints(c, p));
        let all = true;
        for (let k = 0; k < truth.length / 2; k++) if (!(truth[2 * k] >= 8 && truth[2 * k] <= 631 && truth[2 * k + 1] >= 8 && truth[2 * k + 1] <= 471)) all = false;
        const f = detectCheckerboard(renderBoard(cam, b, pose, { blurSigma: blur, lightGradient: 0.5 * Math.abs(rnd()), noise: 3, seed: i, supersample: 2 }), b.cols, b.rows);
        if (all) inside++;
        if (f) {
          if (all) found++;
          let worst = 0;
          for (let k = 0; k < f.length; k++) worst = Math.max(worst, Math.abs(f[k] - truth[k]));
          if (worst > 1) wrong++;
        }
      }
      cells.push(`${found}/${inside}${wrong ? ` (${wrong} wrong)` : ''}`);
    }
    rows.push(`| blur σ ${blur} px | ${cells.join(' | ')} |`);
  }
  console.log('| | tilt 0° | 20° | 40° | 50° | 60° |\n| --- | --- | --- | --- | --- | --- |\n' + rows.join('\n'));
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
    // First run in a fresh process includes JIT warm-up (what a user's one calibration pays); then the best of 3.
    const runs = [0, 1, 2, 3].map(() => bundleAdjust(b, start, init.boardPoses, obs, { fixedCamera: init.reference, optimizeIntrinsics }));
    const r = runs[0];
    const warm = Math.min(...runs.slice(1).map((x) => x.timeMs));
    console.log(`${obs.length} observations, intrinsics ${optimizeIntrinsics ? 'free' : 'fixed'}: RMS ${r.initialRms.toFixed(2)} → ${r.rms.toFixed(3)} px, ${r.iterations} iterations (stop: ${r.stop}), first run ${r.timeMs.toFixed(0)} ms, warm best of 3 ${warm.toFixed(0)} ms`);
  }
}
