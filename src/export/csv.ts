/**
 * Plain-text exports of a pose sequence: CSV (a line declaring the frame, then one row per frame: frame, time, then
 * joint_x/y/z columns in metres, empty cells where a joint has no estimate) and JSON, both in the calibration's
 * frame with its up declared; TRC (OpenSim's marker format) turned Y up, in millimetres, as OpenSim expects.
 */
import { COCO17_NAMES, NUM_JOINTS } from '../keypoints';
import { posesYUp, upLabel, type ExportFrame } from './frame';
import type { PoseLike } from './types';

export interface SequenceInfo {
  fps: number;
  /** The calibration's up (export/frame.ts). */
  frame: ExportFrame;
  /** Time of each frame in seconds. */
  times: ArrayLike<number>;
  onProgress?: (done: number, total: number) => void;
}

export const num = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : '');

/** `frame,time,nose_x,…`; `tags`: columns between time and the joints (several people's `person`). */
export function csvHeader(tags: readonly string[] = []): string {
  return ['frame', 'time', ...tags, ...COCO17_NAMES.flatMap((n) => [`${n}_x`, `${n}_y`, `${n}_z`])].join(',');
}

/** One CSV row: frame, time, the tag cells, then x/y/z of every joint (empty where the joint has no estimate). */
export function csvRow(frame: number, time: number, p: PoseLike | null, tags: readonly string[] = []): string {
  const cells = [String(frame), num(time, 6), ...tags];
  for (let j = 0; j < NUM_JOINTS; j++) for (let k = 0; k < 3; k++) cells.push(p && p.valid[j] ? num(p.joints[3 * j + k], 5) : '');
  return cells.join(',');
}

/** The CSV's first line: "# frame: calibration; units: m; up: 0 0 1 (+z, from the calibration's floor)". */
export function csvFrameLine(frame: ExportFrame): string {
  const from = frame.from === 'floor' ? "the calibration's floor" : frame.from === 'rig' ? 'the camera rig' : 'no calibration: the app default';
  return `# frame: calibration; units: m; up: ${frame.up.map((v) => +v.toFixed(6)).join(' ')} (${upLabel(frame.up)}, from ${from})`;
}

export function writeCsv(poses: ReadonlyArray<PoseLike | null>, info: SequenceInfo): string {
  const out = [csvFrameLine(info.frame), csvHeader()];
  poses.forEach((p, f) => {
    out.push(csvRow(f, info.times[f], p));
    if (info.onProgress && f % 512 === 0) info.onProgress(f, poses.length);
  });
  return out.join('\n') + '\n';
}

/** A pose's joints as JSON, `{ name: [x, y, z] }` to 1e-5 (10 µm in metres), joints without an estimate left out. */
export type JointsJSON = Record<string, [number, number, number]>;

const r5 = (v: number) => Math.round(v * 1e5) / 1e5;

export function jointsToJSON(p: PoseLike | null): JointsJSON | null {
  if (!p) return null;
  const o: JointsJSON = {};
  for (let j = 0; j < NUM_JOINTS; j++) if (p.valid[j]) o[COCO17_NAMES[j]] = [r5(p.joints[3 * j]), r5(p.joints[3 * j + 1]), r5(p.joints[3 * j + 2])];
  return o;
}

/** The `parallax-poses3d` header every version shares: format, version, method, fps, frame, units, up, joints. */
export function poseJsonHeader(version: number, info: Pick<SequenceInfo, 'fps' | 'frame'> & { method: string }) {
  return {
    format: 'parallax-poses3d',
    version,
    method: info.method,
    fps: info.fps,
    frame: 'calibration',
    units: 'm',
    up: info.frame.up.map((v) => Math.round(v * 1e6) / 1e6),
    upAxis: upLabel(info.frame.up),
    upFrom: info.frame.from,
    joints: COCO17_NAMES,
  };
}

/** A frame's time in the JSON exports, to the microsecond. */
export const jsonTime = (t: number) => Math.round(t * 1e6) / 1e6;

/**
 * JSON: { format, version, method, fps, frame, units, up, upAxis, upFrom, joints, frames: [{ frame, time,
 * joints: { name: [x,y,z] } | null }] }, metres, in the calibration's frame; up is its unit up vector.
 */
export function writePoseJson(poses: ReadonlyArray<PoseLike | null>, info: SequenceInfo & { method: string }): string {
  return JSON.stringify({
    ...poseJsonHeader(2, info),
    frames: poses.map((p, f) => ({ frame: f, time: jsonTime(info.times[f]), joints: jointsToJSON(p) })),
  });
}

/**
 * TRC (OpenSim): tab-separated, millimetres, Y up (the calibration's up turned onto +Y); missing markers are empty
 * cells. `markers`: the marker names, one per point of the poses (default: the 17 joints; several people's poses
 * side by side carry P1_nose, …).
 */
export function writeTrc(posesInCalibration: ReadonlyArray<PoseLike | null>, info: SequenceInfo & { fileName: string; markers?: readonly string[] }): string {
  const poses = posesYUp(posesInCalibration, info.frame);
  const markers = info.markers ?? COCO17_NAMES;
  const n = poses.length, m = markers.length;
  const lines = [
    `PathFileType\t4\t(X/Y/Z)\t${info.fileName}`,
    'DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames',
    [info.fps, info.fps, n, m, 'mm', info.fps, 1, n].join('\t'),
    // The table's lines end with a tab (an empty last cell): OpenSim's reader drops a line's trailing empty cell,
    // so a row whose last marker is missing would otherwise come up one column short and be refused.
    ['Frame#', 'Time', ...markers.flatMap((name) => [name, '', '']), ''].join('\t'),
    ['', '', ...markers.flatMap((_, j) => [`X${j + 1}`, `Y${j + 1}`, `Z${j + 1}`]), ''].join('\t'),
    '',
  ];
  poses.forEach((p, f) => {
    const cells = [String(f + 1), num(info.times[f], 6)];
    for (let j = 0; j < m; j++) for (let k = 0; k < 3; k++) cells.push(p && p.valid[j] ? num(p.joints[3 * j + k] * 1000, 3) : '');
    cells.push('');
    lines.push(cells.join('\t'));
    if (info.onProgress && f % 512 === 0) info.onProgress(f, n);
  });
  return lines.join('\n') + '\n';
}
