/**
 * C3D export (the biomechanics exchange format; specification: c3d.org, "The C3D File Format User Guide"): a
 * 512-byte header, a parameter section (groups POINT, ANALOG, TRIAL) and the 3D points of every frame as 32-bit
 * floats, little-endian (Intel processor type). Points are the 17 COCO joints (or several people's, one label each) in millimetres; a joint without an
 * estimate is written as a point with residual −1 (readers show it as missing). Coordinates are the pose's own
 * frame (the app's world: Y up) unless `transform` maps them to the target's (docs/formats.md).
 */
import { COCO17_NAMES } from '../keypoints/coco17';
import type { PoseLike } from './types';

export interface C3dOptions {
  /** Frames per second. */
  fps: number;
  /** Point labels (default: the COCO-17 joint names). */
  labels?: readonly string[];
  /** Maps a point (metres, the poses' frame) in place before it is written (e.g. to a Z-up target). */
  transform?: (p: Float64Array) => void;
  onProgress?: (done: number, total: number) => void;
}

const BLOCK = 512;
/** C3D stores the frame numbers in 16-bit words. */
export const C3D_MAX_FRAMES = 32767;

type ParamValue = { type: -1; dims: number[]; data: string } | { type: 2; dims: number[]; data: number[] } | { type: 4; dims: number[]; data: number[] };

interface Param { name: string; group: number; value: ParamValue; description: string }

const ascii = (s: string) => Array.from(s, (ch) => {
  const c = ch.charCodeAt(0);
  return c < 128 ? c : 63; // '?' keeps the fixed widths C3D's character arrays need
});

function paramBytes(p: Param, last: boolean): number[] {
  const name = ascii(p.name.toUpperCase());
  const desc = ascii(p.description).slice(0, 127);
  const v = p.value;
  const n = v.dims.reduce((a, b) => a * b, 1);
  const data: number[] = [];
  const view = new DataView(new ArrayBuffer(4));
  if (v.type === -1) data.push(...ascii(v.data.padEnd(n, ' ').slice(0, n)));
  else if (v.type === 2) for (const x of v.data) { view.setInt16(0, x, true); data.push(view.getUint8(0), view.getUint8(1)); }
  else for (const x of v.data) { view.setFloat32(0, x, true); data.push(view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3)); }
  // Offset to the next record, counted from the offset's own first byte; 0 ends the section.
  const offset = last ? 0 : 2 + 1 + 1 + v.dims.length + data.length + 1 + desc.length;
  return [name.length, p.group, ...name, offset & 0xff, (offset >> 8) & 0xff, v.type & 0xff, v.dims.length, ...v.dims, ...data, desc.length, ...desc];
}

function groupBytes(id: number, name: string, description: string): number[] {
  const n = ascii(name), d = ascii(description);
  const offset = 2 + 1 + d.length;
  return [n.length, (-id) & 0xff, ...n, offset & 0xff, (offset >> 8) & 0xff, d.length, ...d];
}

/** The C3D file of a pose sequence. Throws when there are more frames than C3D's 16-bit frame numbers allow. */
export function writeC3d(poses: ReadonlyArray<PoseLike | null>, opts: C3dOptions): Uint8Array {
  const labels = opts.labels ?? COCO17_NAMES;
  // One point per label: the 17 joints, or several people's joints side by side (P1_nose, …).
  const nPoints = labels.length;
  if (nPoints < 1) throw new Error('writeC3d: no point labels');
  // Parameter dimensions are single bytes: one LABELS parameter names at most 255 points.
  if (nPoints > 255) throw new Error(`writeC3d: ${nPoints} points; one C3D file holds at most 255 (15 people): export fewer people per file`);
  poses.forEach((p, f) => {
    if (p && p.joints.length !== 3 * nPoints) throw new Error(`writeC3d: frame ${f} has ${p.joints.length / 3} points for ${nPoints} labels`);
  });
  const nFrames = poses.length;
  if (nFrames < 1) throw new Error('writeC3d: no frames');
  if (nFrames > C3D_MAX_FRAMES) throw new Error(`writeC3d: ${nFrames} frames; C3D's 16-bit frame numbers stop at ${C3D_MAX_FRAMES} (export a shorter range)`);
  if (!(opts.fps > 0)) throw new Error(`writeC3d: frame rate ${opts.fps} is not positive`);
  const labelLen = Math.max(4, ...labels.map((l) => l.length));
  if (labelLen > 255) throw new Error(`writeC3d: a label of ${labelLen} characters; C3D labels hold at most 255`);

  // The data block depends on the parameter section's size, which does not depend on the data block: two passes.
  const params = (dataStart: number): Param[] => [
    { name: 'USED', group: 1, value: { type: 2, dims: [], data: [nPoints] }, description: 'Number of 3D points' },
    { name: 'SCALE', group: 1, value: { type: 4, dims: [], data: [-1] }, description: 'Negative: data are floats' },
    { name: 'RATE', group: 1, value: { type: 4, dims: [], data: [opts.fps] }, description: 'Frames per second' },
    { name: 'DATA_START', group: 1, value: { type: 2, dims: [], data: [dataStart] }, description: 'First block of the data' },
    { name: 'FRAMES', group: 1, value: { type: 2, dims: [], data: [nFrames] }, description: 'Number of frames' },
    { name: 'UNITS', group: 1, value: { type: -1, dims: [2], data: 'mm' }, description: 'Point units' },
    { name: 'LABELS', group: 1, value: { type: -1, dims: [labelLen, nPoints], data: labels.map((l) => l.padEnd(labelLen, ' ')).join('') }, description: 'Point labels' },
    { name: 'DESCRIPTIONS', group: 1, value: { type: -1, dims: [labelLen, nPoints], data: labels.map((l) => l.padEnd(labelLen, ' ')).join('') }, description: 'COCO-17 joints' },
    { name: 'USED', group: 2, value: { type: 2, dims: [], data: [0] }, description: 'No analog channels' },
    { name: 'RATE', group: 2, value: { type: 4, dims: [], data: [opts.fps] }, description: 'Analog rate' },
    { name: 'ACTUAL_START_FIELD', group: 3, value: { type: 2, dims: [2], data: [1, 0] }, description: 'First frame' },
    { name: 'ACTUAL_END_FIELD', group: 3, value: { type: 2, dims: [2], data: [nFrames & 0xffff, 0] }, description: 'Last frame' },
  ];
  const section = (dataStart: number) => {
    const bytes = [
      ...groupBytes(1, 'POINT', '3D points'), ...groupBytes(2, 'ANALOG', 'Analog data'), ...groupBytes(3, 'TRIAL', 'Trial'),
    ];
    const ps = params(dataStart);
    ps.forEach((p, i) => bytes.push(...paramBytes(p, i === ps.length - 1)));
    return bytes;
  };
  const nParamBlocks = Math.ceil((4 + section(0).length) / BLOCK);
  const dataStart = 2 + nParamBlocks; // blocks are numbered from 1: header, then parameters
  const paramSection = section(dataStart);
  const frameBytes = nPoints * 16;
  const out = new Uint8Array((dataStart - 1) * BLOCK + Math.ceil((nFrames * frameBytes) / BLOCK) * BLOCK);
  const dv = new DataView(out.buffer);

  // Header (16-bit words, 1-based in the specification; byte offsets here).
  out[0] = 2; out[1] = 0x50;
  dv.setInt16(2, nPoints, true);
  dv.setInt16(4, 0, true); // analog measurements per frame
  dv.setInt16(6, 1, true); // first frame
  dv.setInt16(8, nFrames, true); // last frame
  dv.setInt16(10, 10, true); // maximum interpolation gap
  dv.setFloat32(12, -1, true); // scale: negative = float data
  dv.setInt16(16, dataStart, true);
  dv.setInt16(18, 0, true); // analog samples per frame
  dv.setFloat32(20, opts.fps, true);
  dv.setInt16(298, 12345, true); // 4-character event labels supported (none stored)

  // Parameter section: reserved, key, number of blocks, processor type (84 = Intel).
  const p0 = BLOCK;
  out[p0] = 1; out[p0 + 1] = 0x50; out[p0 + 2] = nParamBlocks; out[p0 + 3] = 84;
  out.set(paramSection, p0 + 4);

  const d0 = (dataStart - 1) * BLOCK;
  const p = new Float64Array(3);
  poses.forEach((pose, f) => {
    for (let j = 0; j < nPoints; j++) {
      const o = d0 + f * frameBytes + j * 16;
      let ok = !!pose && pose.valid[j] === 1;
      if (ok) {
        p[0] = pose!.joints[3 * j]; p[1] = pose!.joints[3 * j + 1]; p[2] = pose!.joints[3 * j + 2];
        opts.transform?.(p);
        ok = Number.isFinite(p[0]) && Number.isFinite(p[1]) && Number.isFinite(p[2]);
      }
      dv.setFloat32(o, ok ? p[0] * 1000 : 0, true);
      dv.setFloat32(o + 4, ok ? p[1] * 1000 : 0, true);
      dv.setFloat32(o + 8, ok ? p[2] * 1000 : 0, true);
      // Fourth word: residual ≥ 0 for a measured point, −1 for a missing one.
      dv.setFloat32(o + 12, ok ? 0 : -1, true);
    }
    if (opts.onProgress && f % 512 === 0) opts.onProgress(f, nFrames);
  });
  return out;
}
