/**
 * Calibrate cameras from image folders with the app's own core (detector, intrinsics, rig, export).
 *
 *   npm run calibrate -- --board 9x6[:square_mm] <images or folder per camera>... [--sync] [--floor N]
 *                        [--json out.json] [--toml out.toml]
 *
 * Each positional argument is one camera (a folder of images, or one image). With --sync, the i-th image of every
 * camera was taken at the same moment, and the shared snapshots calibrate the extrinsics (bundle adjusted);
 * --floor N names the snapshot where the board lies on the floor (world frame: Y up, floor y = 0).
 * Exit status: 0 when the files are written; 1 when an image cannot be read (cli/images.ts names it) or a camera
 * cannot be calibrated, and then nothing is written; 2 for a bad command line.
 */
import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { makeCamera, type Camera } from '../src/geometry/camera';
import { checkCamera, describeCameraProblem } from '../src/geometry/camera-check';
import { parseBoardSpec } from '../src/calibration/board';
import type { BoardObservation } from '../src/calibration/bundle';
import { detectCheckerboard } from '../src/calibration/detect';
import { calibrateIntrinsics } from '../src/calibration/intrinsics';
import { calibrationToJSON, calibrationToToml } from '../src/calibration/io';
import { calibrateRig } from '../src/calibration/rig';
import { expandImages, ImageReadError, readGray } from './images';
import { parseInteger, refuseRepeatedPaths } from './lib/args';

const USAGE = 'usage: npm run calibrate -- --board 9x6[:square_mm] <images or folder per camera>... [--sync] [--floor N] [--json out.json] [--toml out.toml]';

/** A refusal: printed without a stack trace, exit status `code` (2: bad command line, 1: the calibration failed). */
class CalibrateError extends Error {
  constructor(message: string, readonly code: 1 | 2) {
    super(message);
  }
}
const usage = (msg: string) => new CalibrateError(`${msg}\n${USAGE}`, 2);

function parseOptions(args: readonly string[]) {
  let boardText = '', json = '', toml = '', sync = false, floorText: string | undefined;
  const cams: string[] = [];
  const value = (i: number, flag: string) => {
    const v = args[i];
    if (v === undefined || v.startsWith('--')) throw usage(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--board') boardText = value(++i, a);
    else if (a === '--json') json = value(++i, a);
    else if (a === '--toml') toml = value(++i, a);
    else if (a === '--sync') sync = true;
    else if (a === '--floor') floorText = value(++i, a);
    else if (a.startsWith('-')) throw usage(`unknown option ${a}`);
    else cams.push(a);
  }
  const board = parseBoardSpec(boardText);
  if (!board) throw usage(`--board must look like 9x6 or 9x6:25 (inner corners, square in mm up to 1000; got "${boardText}")`);
  if (cams.length === 0) throw usage('give at least one folder or image per camera');
  const floor = floorText === undefined ? undefined : parseInteger(floorText, '--floor');
  if (floor !== undefined && !sync) throw usage('--floor names a synchronised snapshot: it needs --sync');
  if (json && toml && resolve(json) === resolve(toml)) throw usage('--json and --toml name the same file');
  refuseRepeatedPaths(cams, 'camera folder');
  return { board, json, toml, sync, floor, cams };
}

function main(args: readonly string[]): void {
  const { board, json, toml, sync, floor, cams } = parseOptions(args);
  const detections: Array<Array<Float64Array | null>> = [];
  const cameras: Camera[] = [];
  const names = new Set<string>();
  cams.forEach((path, c) => {
    const files = expandImages(path);
    if (files.length === 0) throw new CalibrateError(`${path}: no .jpg, .jpeg or .png images in this folder`, 1);
    let size: { width: number; height: number; file: string } | null = null;
    const found: Array<Float64Array | null> = [];
    for (const f of files) {
      const img = readGray(f);
      if (size && (img.width !== size.width || img.height !== size.height)) {
        throw new CalibrateError(
          `${f}: ${img.width}×${img.height} px, but ${basename(size.file)} is ${size.width}×${size.height}: one camera's images must all have one size (one folder per camera and resolution)`,
          1,
        );
      }
      size ??= { width: img.width, height: img.height, file: f };
      const t0 = performance.now();
      const corners = detectCheckerboard(img, board.cols, board.rows);
      const ms = performance.now() - t0;
      found.push(corners);
      console.log(`${basename(path)}/${basename(f)}: ${corners ? `found ${corners.length / 2} corners, first (${corners[0].toFixed(2)}, ${corners[1].toFixed(2)})` : 'not found'} [${ms.toFixed(0)} ms]`);
    }
    const { width, height } = size!;
    detections.push(found);
    const views = found.filter((v): v is Float64Array => v !== null);
    let name = basename(path).replace(/\.[a-z]+$/i, '') || `cam${c + 1}`;
    if (names.has(name)) name = `${name}_${c + 1}`;
    names.add(name);
    const r = calibrateIntrinsics(board, views, width, height);
    // No placeholder camera: a failed camera fails the run, and nothing is written.
    if (!r) throw new CalibrateError(`camera ${name} (${path}): intrinsics failed: the ${board.cols}x${board.rows} board was found in ${views.length} of ${files.length} images, and calibration needs at least 3 good views`, 1);
    console.log(`camera ${name}: ${views.length} views, kept ${r.kept.filter(Boolean).length}, RMS ${r.rms.toFixed(3)} px`);
    console.log(`  K = [${[0, 1, 2].map((i) => Array.from(r.K.subarray(i * 3, i * 3 + 3), (v) => v.toFixed(3)).join(', ')).join('; ')}]`);
    console.log(`  dist (k1 k2 p1 p2 k3) = ${Array.from(r.dist, (v) => v.toFixed(5)).join(' ')}`);
    console.log(`  per-view RMS: ${r.perViewRms.map((v, i) => `${v.toFixed(2)}${r.kept[i] ? '' : ' (dropped)'}`).join(', ')}`);
    const cam = makeCamera({ name, width, height, K: r.K, dist: r.dist, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] });
    const problems = checkCamera(cam, c);
    if (problems.length) throw new CalibrateError(`camera ${name} (${path}): intrinsics give an unusable camera: ${describeCameraProblem(problems[0])}`, 1);
    cameras.push(cam);
  });

  let out = cameras;
  let quality: { perCameraRms?: number[]; rms?: number; squareErrorPercent?: number } | undefined;
  if (sync && cameras.length >= 2) {
    const obs: BoardObservation[] = [];
    detections.forEach((list, camera) => list.forEach((corners, frame) => corners && obs.push({ camera, frame, corners })));
    if (floor !== undefined && !obs.some((o) => o.frame === floor))
      throw new CalibrateError(`--floor ${floor}: no camera found the board in snapshot ${floor} (snapshots are numbered from 0 in name order)`, 2);
    const rig = calibrateRig(board, cameras, obs, { floorFrame: floor });
    for (const [a, b] of rig.init.missingPairs) console.log(`pair ${cameras[a].name}–${cameras[b].name}: no shared snapshot`);
    for (const u of rig.init.unreachable) console.log(`camera ${cameras[u].name}: not linked to the others (needs shared snapshots)`);
    console.log(`bundle adjustment: RMS ${rig.bundle.initialRms.toFixed(3)} → ${rig.bundle.rms.toFixed(3)} px in ${rig.bundle.iterations} iterations, ${rig.bundle.timeMs.toFixed(0)} ms`);
    rig.cameras.forEach((cam, i) => console.log(`  ${cam.name}: RMS ${rig.bundle.perCameraRms[i].toFixed(3)} px, R = [${Array.from(cam.R, (v) => v.toFixed(4)).join(' ')}], t = [${Array.from(cam.t, (v) => v.toFixed(4)).join(' ')}]`));
    console.log(`metric check: square ${rig.metric.squareMm.toFixed(2)} mm reconstructed vs ${board.squareMm} mm printed (${rig.metric.errorPercent.toFixed(2)} %)`);
    console.log(rig.worldFromFloor ? 'world frame: board on the floor (Y up, floor y = 0)' : `world frame: camera ${cameras[rig.init.reference].name}`);
    if (rig.init.unreachable.length) throw new CalibrateError(`camera ${rig.init.unreachable.map((u) => cameras[u].name).join(', ')}: no shared snapshot links it to the others, so its position is unknown; nothing written`, 1);
    out = rig.cameras;
    quality = { perCameraRms: rig.bundle.perCameraRms, rms: rig.bundle.rms, squareErrorPercent: rig.metric.errorPercent };
  }
  // Both texts first (each runs the camera check), then the files: a failure writes neither.
  const texts: [string, string][] = [];
  if (json) texts.push([json, JSON.stringify(calibrationToJSON(out, { board, quality }), null, 2)]);
  if (toml) texts.push([toml, calibrationToToml(out)]);
  for (const [file, text] of texts) {
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
}

try {
  main(process.argv.slice(2));
} catch (e) {
  const code = e instanceof CalibrateError ? e.code : e instanceof ImageReadError ? 1 : 2;
  console.error(`calibrate: ${(e as Error).message}`);
  process.exitCode = code;
}
