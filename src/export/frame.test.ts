/**
 * Exports in the target's world frame: whatever the calibration's up (z as in a lab, y as in the app, tilted as with
 * a board on a wall), every file read back stands the figure upright along the up axis it declares.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCalibrationToml } from '../calibration/io';
import { COCO17_NAMES, JOINT } from '../keypoints';
import { FIGURE_CYCLE_S } from '../sim/figure';
import { UPRIGHT_CASES, uprightScene } from '../testing/upright-scenes';
import { bvhFramePositions, parseBvh } from './bvh-reader';
import { runExport, type ExportFormat } from './export';
import { exportFrame, posesZUp, rotatePoses, yUpRotation } from './frame';

const FPS = 15;
const N = Math.round(FIGURE_CYCLE_S * FPS);

type Reading = { up: number[]; head: number[]; ankles: number[] };

/** Each format read back as a tool would: its declared up, and the nose and ankle-midpoint of frame f, in metres. */
function readBack(format: ExportFormat, text: string, f: number): Reading {
  const ank = (a: number[], b: number[]) => a.map((v, k) => (v + b[k]) / 2);
  switch (format) {
    case 'csv': {
      const lines = text.trimEnd().split('\n');
      const m = /^# frame: calibration; units: m; up: (\S+) (\S+) (\S+) /.exec(lines[0]);
      expect(m, lines[0]).not.toBeNull();
      const cols = lines[1].split(','), row = lines[2 + f].split(',').map(Number);
      const at = (name: string) => ['x', 'y', 'z'].map((a) => row[cols.indexOf(`${name}_${a}`)]);
      return { up: m!.slice(1).map(Number), head: at('nose'), ankles: ank(at('left_ankle'), at('right_ankle')) };
    }
    case 'json': {
      const j = JSON.parse(text);
      expect(j.units).toBe('m');
      const p = j.frames[f].joints;
      return { up: j.up, head: p.nose, ankles: ank(p.left_ankle, p.right_ankle) };
    }
    case 'trc': {
      const lines = text.split('\n');
      expect(lines[2].split('\t')[4]).toBe('mm');
      const row = lines[6 + f].split('\t').map(Number);
      const at = (j: number) => [0, 1, 2].map((k) => row[2 + 3 * j + k] / 1000);
      return { up: [0, 1, 0], head: at(JOINT.nose), ankles: ank(at(JOINT.left_ankle), at(JOINT.right_ankle)) };
    }
    case 'bvh': {
      const data = parseBvh(text);
      const pos = bvhFramePositions(data, f);
      const at = (name: string) => {
        const i = data.joints.findIndex((j) => j.name === name);
        return [0, 1, 2].map((k) => pos[3 * i + k] / 100);
      };
      return { up: [0, 1, 0], head: at('nose'), ankles: ank(at('left_ankle'), at('right_ankle')) };
    }
  }
}

describe('exports in the target world frame', () => {
  for (const c of UPRIGHT_CASES) {
    it(`${c.name}: every format reads back upright along its declared up (BVH and TRC Y up, CSV and JSON as calibrated)`, () => {
      const { cameras, poses } = uprightScene(c, FPS);
      const frame = exportFrame(cameras);
      expect(frame.from).toBe(c.from);
      const trueUp = [c.W[1], c.W[4], c.W[7]];
      if (c.up.length) expect(frame.up).toEqual(c.up);
      else expect(frame.up[0] * trueUp[0] + frame.up[1] * trueUp[1] + frame.up[2] * trueUp[2]).toBeGreaterThan(Math.cos((0.01 * Math.PI) / 180));
      const req = { method: 'robust', fps: FPS, times: poses.map((_, i) => i / FPS), poses, frame, baseName: 'up' };
      for (const format of ['csv', 'json', 'trc', 'bvh'] as const) {
        const text = runExport({ ...req, format });
        for (const f of [0, Math.floor(N / 3), N - 1]) {
          const r = readBack(format, text, f);
          const n = Math.hypot(r.up[0], r.up[1], r.up[2]);
          expect(n).toBeCloseTo(1, 5);
          const height = r.up.reduce((s, u, k) => s + (u * (r.head[k] - r.ankles[k])) / n, 0);
          expect(height, `${format} frame ${f}`).toBeGreaterThan(1);
        }
      }
    });
  }

  it('turns BVH and TRC onto Y up without distorting the figure (the calibration frame\'s x kept where it is level)', () => {
    const { cameras, poses } = uprightScene({ ...UPRIGHT_CASES[1], c: [0, 0, 0] }, FPS);
    const M = yUpRotation(exportFrame(cameras).up);
    expect(Array.from(M)).toEqual([1, 0, 0, 0, 0, 1, 0, -1, 0]); // z-up → Y up: (x, y, z) → (x, z, −y)
    const text = runExport({ format: 'trc', method: 'robust', fps: FPS, times: poses.map((_, i) => i / FPS), poses, frame: exportFrame(cameras), baseName: 'up' });
    const row = text.split('\n')[6].split('\t').map(Number);
    const yUp = rotatePoses([poses[0]], M)[0]!;
    for (let k = 0; k < 3 * COCO17_NAMES.length; k++) expect(Math.abs(row[2 + k] / 1000 - yUp.joints[k])).toBeLessThan(1e-6);
    // Right-handed: a determinant of +1 for any up.
    for (const up of [[0, 0, 1], [1, 0, 0], [0, -1, 0], [0.3, 0.8, -0.5]]) {
      const R = yUpRotation(up);
      const det = R[0] * (R[4] * R[8] - R[5] * R[7]) - R[1] * (R[3] * R[8] - R[5] * R[6]) + R[2] * (R[3] * R[7] - R[4] * R[6]);
      expect(det).toBeCloseTo(1, 12);
    }
  });

  it("takes up from the shared Pose2Sim Qualisys calibration's floor (+z), where the app used to say y", () => {
    const cameras = parseCalibrationToml(readFileSync('../shared/data/pose2sim-demo/calibration/Calib_qualisys.toml', 'utf8'));
    expect(exportFrame(cameras)).toEqual({ up: [0, 0, 1], from: 'floor' });
    // The figure standing in that lab (z up, as the app's own fusion puts it), exported: TRC stands it on Y.
    const { poses } = uprightScene({ ...UPRIGHT_CASES[1], c: [0, 0, 0] }, FPS);
    const trc = runExport({ format: 'trc', method: 'robust', fps: FPS, times: poses.map((_, i) => i / FPS), poses, frame: exportFrame(cameras), baseName: 'q' });
    const r = readBack('trc', trc, 0);
    expect(r.head[1] - r.ankles[1]).toBeGreaterThan(1);
    expect(JSON.parse(runExport({ format: 'json', method: 'robust', fps: FPS, times: [0], poses: poses.slice(0, 1), frame: exportFrame(cameras), baseName: 'q' }))).toMatchObject({ up: [0, 0, 1], upAxis: '+z', upFrom: 'floor' });
  });
});

describe('posesZUp (C3D)', () => {
  it('stands a y-up and a z-up calibration\'s pose up along +z, right-handed, and leaves a z-up one as it is', () => {
    const pose = { joints: Float64Array.of(0.1, 1.7, 0.2, 0.3, 0.1, -0.4), valid: Uint8Array.of(1, 1) };
    const [fromY] = posesZUp([pose], { up: [0, 1, 0], from: 'floor' });
    expect(Array.from(fromY!.joints)).toEqual([0.1, -0.2, 1.7, 0.3, 0.4, 0.1].map((v) => v + 0)); // x kept, y = −z, z = y
    const zPose = { joints: Float64Array.of(0.1, 0.2, 1.7), valid: Uint8Array.of(1) };
    expect(posesZUp([zPose], { up: [0, 0, 1], from: 'floor' })[0]).toBe(zPose);
    const tilted = posesZUp([zPose], { up: [0, Math.SQRT1_2, Math.SQRT1_2], from: 'rig' })[0]!;
    const upAlong = (0.2 + 1.7) * Math.SQRT1_2; // the point's height along the tilted up
    expect(tilted.joints[2]).toBeCloseTo(upAlong, 12);
  });
});
