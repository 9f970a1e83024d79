import { describe, expect, it } from 'vitest';
import type { FusedFrameSet } from '../fusion/flow';
import { TakeError } from '../take';
import { parseMultiTake, serializeMultiTake } from '../take/multi';
import { TriangulationMethod } from '../triangulation';
import { DEFAULT_NOISE } from '../sim/noise';
import { ringRig } from '../sim/rig';
import { makeRng } from '../sim/rng';
import { simulateFrame } from '../sim/simulate';
import { runExport, runExportFile } from '../export/export';
import { exportFrame, Y_UP } from '../export/frame';
import { bvhFramePositions, parseBvh } from '../export/bvh-reader';
import { buildTake, fusedToTakeFrame, takeMethods, takePoses } from './take-poses';

/** A short simulated recording fused by both triangulation methods, as the app records it. */
function record(n = 30) {
  const cams = ringRig(3);
  const methods = [new TriangulationMethod('robust'), new TriangulationMethod('dlt')];
  const rng = makeRng(4);
  const fused: FusedFrameSet[] = [];
  for (let i = 0; i < n; i++) {
    const f = simulateFrame(10 + i / 15, cams, { noise: DEFAULT_NOISE, level: 1, dropped: new Set(i === 5 ? [0, 1] : []) }, rng);
    const frame = { time: f.time, views: f.views, status: f.status, timings: {}, gt: f.gt };
    fused.push({ frame, people: [{ person: 0, poses: Object.fromEntries(methods.map((m) => [m.id, m.estimate(cams, f.views)])) }], timings: {} });
  }
  const take = buildTake(cams, fused.map((f) => fusedToTakeFrame(f, fused[0].frame.time)), 15, { robust: 'Robust', dlt: 'DLT' });
  return { cams, fused, take };
}

describe('recording to a take and reading it back', () => {
  it('round-trips 2D, truth and both methods\' 3D through the take file within rounding', () => {
    const { fused, take } = record();
    const back = parseMultiTake(serializeMultiTake(take));
    expect(back.frames).toHaveLength(fused.length);
    expect(takeMethods(back)).toEqual(['robust', 'dlt']);
    for (const id of ['robust', 'dlt']) {
      const poses = takePoses(back, id);
      poses.forEach((p, i) => {
        const orig = fused[i].people[0].poses[id];
        if (!orig) return expect(p).toBeNull();
        expect(p).not.toBeNull();
        expect(Array.from(p!.valid)).toEqual(Array.from(orig.valid));
        for (let k = 0; k < 51; k++) expect(Math.abs(p!.joints[k] - orig.joints[k])).toBeLessThanOrEqual(5e-6 + 1e-12);
      });
    }
    // Frame 5 had two of three cameras dropped: no triangulation, recorded as null.
    expect(takePoses(back, 'robust')[5]).toBeNull();
    back.frames.forEach((f, i) => {
      f.views.forEach((v, c) => {
        const o = fused[i].frame.views[c];
        if (!o) return expect(v).toEqual([]);
        expect(v).toHaveLength(1);
        for (let k = 0; k < 51; k++) expect(Math.abs(v![0][k] - o[k])).toBeLessThan(k % 3 === 2 ? 1e-4 : 1e-3);
      });
      expect(f.gt!.map((p) => p.id)).toEqual([0]);
      for (let k = 0; k < 51; k++) expect(Math.abs(f.gt![0].joints[k] - fused[i].frame.gt!.joints[k])).toBeLessThan(1e-5);
    });
  });

  it('names the frame of a malformed 3D extension', () => {
    const { take } = record(4);
    const json = JSON.parse(serializeMultiTake(take));
    json.frames[2].poses3d.robust.nose = [0, 'x', 0];
    const back = parseMultiTake(json);
    expect(() => takePoses(back, 'robust')).toThrow(TakeError);
    expect(() => takePoses(back, 'robust')).toThrow(/frame 2: frames\[2\]\.poses3d\.robust\.nose/);
  });

  it('exports C3D as bytes, Y-up poses turned Z up, and text formats unchanged through the same entry', () => {
    const { take } = record();
    const poses = takePoses(take, 'robust');
    const base = { method: 'robust', fps: take.fps, times: take.frames.map((f) => f.time), poses, frame: exportFrame(take.cameras), baseName: 'test' };
    const c3d = runExportFile({ ...base, format: 'c3d' });
    expect(c3d.mime).toBe('application/octet-stream');
    const bytes = c3d.data as Uint8Array;
    expect(bytes).toBeInstanceOf(Uint8Array);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(dv.getInt16(2, true)).toBe(17);
    expect(dv.getInt16(8, true) - dv.getInt16(6, true) + 1).toBe(poses.length);
    const start = (dv.getInt16(16, true) - 1) * 512;
    // frame 0, left hip: the calibration's Y (up) is the file's Z, in mm
    const lh = start + 11 * 16;
    expect(dv.getFloat32(lh + 8, true) / 1000).toBeCloseTo(poses[0]!.joints[3 * 11 + 1], 3);
    expect(runExportFile({ ...base, format: 'trc' }).data).toBe(runExport({ ...base, format: 'trc' }));
  });

  it('exports CSV, TRC, JSON and BVH with the right headers, rows and values', () => {
    const { take } = record();
    const poses = takePoses(parseMultiTake(serializeMultiTake(take)), 'robust');
    const base = { method: 'robust', fps: take.fps, times: take.frames.map((f) => f.time), poses, frame: exportFrame(take.cameras), baseName: 'test' };
    const csvLines = runExport({ ...base, format: 'csv' }).trimEnd().split('\n');
    expect(csvLines[0]).toBe("# frame: calibration; units: m; up: 0 1 0 (+y, from the calibration's floor)");
    const csv = csvLines.slice(1);
    expect(csv).toHaveLength(1 + poses.length);
    const header = csv[0].split(',');
    expect(header.slice(0, 5)).toEqual(['frame', 'time', 'nose_x', 'nose_y', 'nose_z']);
    expect(header).toHaveLength(2 + 51);
    expect(header[header.length - 1]).toBe('right_ankle_z');
    const row0 = csv[1].split(',');
    expect(row0).toHaveLength(53);
    expect(Number(row0[2 + 3 * 11 + 1])).toBeCloseTo(poses[0]!.joints[3 * 11 + 1], 4);
    expect(csv[6].split(',').slice(2).every((c) => c === '')).toBe(true); // frame 5: no pose

    const trc = runExport({ ...base, format: 'trc' }).trimEnd().split('\n');
    expect(trc[0]).toBe('PathFileType\t4\t(X/Y/Z)\ttest-robust.trc');
    expect(trc[1].split('\t')).toEqual(['DataRate', 'CameraRate', 'NumFrames', 'NumMarkers', 'Units', 'OrigDataRate', 'OrigDataStartFrame', 'OrigNumFrames']);
    expect(trc[2].split('\t').slice(2, 5)).toEqual([String(poses.length), '17', 'mm']);
    expect(trc[3].split('\t').slice(0, 3)).toEqual(['Frame#', 'Time', 'nose']);
    expect(trc[4].split('\t').slice(2, 5)).toEqual(['X1', 'Y1', 'Z1']);
    expect(trc.length - 6).toBe(poses.length); // 5 header lines + 1 blank line, then one row per frame
    const t0 = trc[6].split('\t');
    expect(t0[0]).toBe('1');
    expect(Number(t0[2 + 3 * 11 + 1]) / 1000).toBeCloseTo(poses[0]!.joints[3 * 11 + 1], 4);

    const json = JSON.parse(runExport({ ...base, format: 'json' }));
    expect(json.frames).toHaveLength(poses.length);
    expect(json.frames[0].joints.left_hip[1]).toBeCloseTo(poses[0]!.joints[3 * 11 + 1], 4);

    const bvh = parseBvh(runExport({ ...base, format: 'bvh' }));
    expect(bvh.motion).toHaveLength(poses.length);
    expect(bvh.frameTime).toBeCloseTo(1 / take.fps, 5);
    // The root sits at the hips' midpoint in every frame; joint-by-joint accuracy of the BVH is bvh.test.ts's
    // subject (a noisy 3-view frame can hold a 50 cm outlier that no fixed-length skeleton reproduces).
    const lh = bvh.joints.findIndex((j) => j.name === 'left_hip'), rh = bvh.joints.findIndex((j) => j.name === 'right_hip');
    for (const f of [0, 10, 20]) {
      const p = bvhFramePositions(bvh, f);
      const pose = poses[f]!;
      for (let k = 0; k < 3; k++) {
        const fromBvh = (p[3 * lh + k] + p[3 * rh + k]) / 200;
        expect(Math.abs(fromBvh - (pose.joints[33 + k] + pose.joints[36 + k]) / 2)).toBeLessThan(1e-3);
      }
    }
  });

  it('reports progress while exporting long recordings, for every format', () => {
    const { take } = record(3);
    const poses = takePoses(take, 'robust');
    const long = Array.from({ length: 1500 }, (_, i) => poses[i % 3]);
    for (const format of ['csv', 'json', 'bvh', 'trc'] as const) {
      const calls: number[] = [];
      runExport({ format, method: 'robust', fps: 15, times: long.map((_, i) => i / 15), poses: long, frame: Y_UP, baseName: 'p' }, (d, n) => calls.push(d / n));
      if (format === 'json') continue; // one JSON.stringify: nothing to report in between
      expect(calls.length, format).toBeGreaterThanOrEqual(2);
      expect(calls.every((c, i) => c >= 0 && c < 1 && (i === 0 || c > calls[i - 1]))).toBe(true);
    }
  });
});
