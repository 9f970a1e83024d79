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

export function csvHeader(): string {
  return ['frame', 'time', ...COCO17_NAMES.flatMap((n) => [`${n}_x`, `${n}_y`, `${n}_z`])].join(',');
}

/** The CSV's first line: "# frame: calibration; units: m; up: 0 0 1 (+z, from the calibration's floor)". */
export function csvFrameLine(frame: ExportFrame): string {
  const from = frame.from === 'floor' ? "the calibration's floor" : frame.from === 'rig' ? 'the camera rig' : 'no calibration: the app default';
  return `# frame: calibration; units: m; up: ${frame.up.map((v) => +v.toFixed(6)).join(' ')} (${upLabel(frame.up)}, from ${from})`;
}

export function writeCsv(poses: ReadonlyArray<PoseLike | null>, info: SequenceInfo): string {
  const out = [csvFrameLine(info.frame), csvHeader()];
  poses.forEach((p, f) => {
    const cells: string[] = [String(f), num(info.times[f], 6)];
    for (let j = 0; j < NUM_JOINTS; j++) {
      for (let k = 0; k < 3; k++) cells.push(p && p.valid[j] ? num(p.joints[3 * j + k], 5) : '');
    }
    out.push(cells.join(','));
    if (info.onProgress && f % 512 === 0) info.onProgress(f, poses.length);
  });
  return out.join('\n') + '\n';
}

/**
 * JSON: { format, version, method, fps, frame, units, up, upAxis, upFrom, joints, frames: [{ frame, time,
 * joints: { name: [x,y,z] } | null }] }, metres, in the calibration's frame; up is its unit up vector.
 */
export function writePoseJson(poses: ReadonlyArray<PoseLike | null>, info: SequenceInfo & { method: string }): string {
  return JSON.stringify({
    format: 'parallax-poses3d',
    version: 2,
    method: info.method,
    fps: info.fps,
    frame: 'calibration',
    units: 'm',
    up: info.frame.up.map((v) => Math.round(v * 1e6) / 1e6),
    upAxis: upLabel(info.frame.up),
    upFrom: info.frame.from,
    joints: COCO17_NAMES,
    frames: poses.map((p, f) => ({
      frame: f,
      time: Math.round(info.times[f] * 1e6) / 1e6,
      joints: p
        ? Object.fromEntries(
            COCO17_NAMES.flatMap((n, j) => (p.valid[j] ? [[n, [0, 1, 2].map((k) => Math.round(p.joints[3 * j + k] * 1e5) / 1e5)]] : [])),
          )
        : null,
    })),
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
