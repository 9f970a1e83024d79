/**
 * Calibrate cameras from image folders with the app's own core (detector, intrinsics, rig, export).
 *
 *   npm run calibrate -- --board 9x6[:square_mm] <images or folder per camera>... [--sync] [--floor N]
 *                        [--json out.json] [--toml out.toml]
 *
 * Each positional argument is one camera (a folder of images, or one image). With --sync, the i-th image of every
 * camera was taken at the same moment, and the shared snapshots calibrate the extrinsics (bundle adjusted);
 * --floor N names the snapshot where the board lies on the floor (world frame: Y up, floor y = 0).
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { makeCamera, type Camera } from '../src/geometry/camera';
import { parseBoardSpec } from '../src/calibration/board';
import type { BoardObservation } from '../src/calibration/bundle';
import { detectCheckerboard } from '../src/calibration/detect';
import { calibrateIntrinsics } from '../src/calibration/intrinsics';
import { calibrationToJSON, calibrationToToml } from '../src/calibration/io';
import { calibrateRig } from '../src/calibration/rig';
import { expandImages, readGray } from './images';

function usage(msg: string): never {
  console.error(`error: ${msg}\nusage: npm run calibrate -- --board 9x6[:square_mm] <images or folder per camera>... [--sync] [--floor N] [--json out.json] [--toml out.toml]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let boardText = '', json = '', toml = '', sync = false, floor: number | undefined;
const cams: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--board') boardText = args[++i] ?? '';
  else if (a === '--json') json = args[++i] ?? '';
  else if (a === '--toml') toml = args[++i] ?? '';
  else if (a === '--sync') sync = true;
  else if (a === '--floor') floor = Number(args[++i]);
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else cams.push(a);
}
const board = parseBoardSpec(boardText);
if (!board) usage(`--board must look like 9x6 or 9x6:25 (got "${boardText}")`);
if (cams.length === 0) usage('give at least one folder or image per camera');

const detections: Array<Array<Float64Array | null>> = [];
const cameras: Camera[] = [];
cams.forEach((path, c) => {
  const files = expandImages(path);
  let width = 0, height = 0;
  const found: Array<Float64Array | null> = [];
  for (const f of files) {
    const img = readGray(f);
    width = img.width;
    height = img.height;
    const t0 = performance.now();
    const corners = detectCheckerboard(img, board.cols, board.rows);
    const ms = performance.now() - t0;
    found.push(corners);
    console.log(`${basename(path)}/${basename(f)}: ${corners ? `found ${corners.length / 2} corners, first (${corners[0].toFixed(2)}, ${corners[1].toFixed(2)})` : 'not found'} [${ms.toFixed(0)} ms]`);
  }
  detections.push(found);
  const views = found.filter((v): v is Float64Array => v !== null);
  const r = calibrateIntrinsics(board, views, width, height);
  const name = basename(path).replace(/\.[a-z]+$/i, '') || `cam${c + 1}`;
  if (!r) {
    console.log(`camera ${name}: not enough views (${views.length}) for intrinsics`);
    cameras.push(makeCamera({ name, width, height, K: [1, 0, 0, 0, 1, 0, 0, 0, 1], R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] }));
    return;
  }
  console.log(`camera ${name}: ${views.length} views, kept ${r.kept.filter(Boolean).length}, RMS ${r.rms.toFixed(3)} px`);
  console.log(`  K = [${[0, 1, 2].map((i) => Array.from(r.K.subarray(i * 3, i * 3 + 3), (v) => v.toFixed(3)).join(', ')).join('; ')}]`);
  console.log(`  dist (k1 k2 p1 p2 k3) = ${Array.from(r.dist, (v) => v.toFixed(5)).join(' ')}`);
  console.log(`  per-view RMS: ${r.perViewRms.map((v, i) => `${v.toFixed(2)}${r.kept[i] ? '' : ' (dropped)'}`).join(', ')}`);
  cameras.push(makeCamera({ name, width, height, K: r.K, dist: r.dist, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] }));
});

let out = cameras;
let quality: { perCameraRms?: number[]; rms?: number; squareErrorPercent?: number } | undefined;
if (sync && cameras.length >= 2) {
  const obs: BoardObservation[] = [];
  detections.forEach((list, camera) => list.forEach((corners, frame) => corners && obs.push({ camera, frame, corners })));
  const rig = calibrateRig(board, cameras, obs, { floorFrame: floor });
  for (const [a, b] of rig.init.missingPairs) console.log(`pair ${cameras[a].name}–${cameras[b].name}: no shared snapshot`);
  for (const u of rig.init.unreachable) console.log(`camera ${cameras[u].name}: not linked to the others (needs shared snapshots)`);
  console.log(`bundle adjustment: RMS ${rig.bundle.initialRms.toFixed(3)} → ${rig.bundle.rms.toFixed(3)} px in ${rig.bundle.iterations} iterations, ${rig.bundle.timeMs.toFixed(0)} ms`);
  rig.cameras.forEach((cam, i) => console.log(`  ${cam.name}: RMS ${rig.bundle.perCameraRms[i].toFixed(3)} px, R = [${Array.from(cam.R, (v) => v.toFixed(4)).join(' ')}], t = [${Array.from(cam.t, (v) => v.toFixed(4)).join(' ')}]`));
  console.log(`metric check: square ${rig.metric.squareMm.toFixed(2)} mm reconstructed vs ${board.squareMm} mm printed (${rig.metric.errorPercent.toFixed(2)} %)`);
  console.log(rig.worldFromFloor ? 'world frame: board on the floor (Y up, floor y = 0)' : `world frame: camera ${cameras[rig.init.reference].name}`);
  out = rig.cameras;
  quality = { perCameraRms: rig.bundle.perCameraRms, rms: rig.bundle.rms, squareErrorPercent: rig.metric.errorPercent };
}
if (json) {
  writeFileSync(json, JSON.stringify(calibrationToJSON(out, { board, quality }), null, 2));
  console.log(`wrote ${json}`);
}
if (toml) {
  writeFileSync(toml, calibrationToToml(out));
  console.log(`wrote ${toml}`);
}
