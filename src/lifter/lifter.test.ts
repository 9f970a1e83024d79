/**
 * Parity with PyTorch (training/export_parity_fixture.py wrote __fixtures__), world-frame equivariance through the
 * real network, and bad input. Runs on the wasm backend, as the Node benchmark and CLIs do.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeCamera, transformCameraWorld, type Camera } from '../geometry/camera';
import { rodriguesToMatrix } from '../geometry/rotation';
import type { FrameViews } from '../fusion/types';
import { frameFeatures } from './features';
import { LifterMethod, runNet } from './lifter';
import { loadLifterNetFromDir } from './load-node';
import { netFromParts } from './manifest';
import type { LifterNet } from './model';

const FIX = join(__dirname, '__fixtures__');
interface IO {
  cameras: { name: string; width: number; height: number; K: number[][]; dist: number[]; R: number[][]; t: number[] }[][];
  frames: ((number | null)[] | null)[][];
  features: { tokens: number[]; mask: number[]; base: number[]; anchor: number[][]; frame: number[][][]; ok: boolean[] };
  outputs: { pose: number[]; log_err: number[]; world: number[][][] };
  shape: { B: number; V: number; J: number; F: number };
}
const io: IO = JSON.parse(readFileSync(join(FIX, 'parity-io.json'), 'utf8'));
const { B, V, J, F } = io.shape;
const cams = (b: number): Camera[] => io.cameras[b].map((c) => makeCamera(c));
const views = (b: number): FrameViews =>
  io.frames[b].map((v) => (v ? Float32Array.from(v, (x) => (x === null ? NaN : x)) : null));

let net: LifterNet;
beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  net = await loadLifterNetFromDir(FIX, 'parity-');
});

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, floor: number, what: string) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor);
    worst = Math.max(worst, err);
  }
  expect(worst, `${what}: worst relative error ${worst}`).toBeLessThanOrEqual(rel);
}

describe('lifter parity with PyTorch', () => {
  it('computes the same features as features.py', () => {
    for (let b = 0; b < B; b++) {
      const f = frameFeatures(cams(b), views(b));
      expect(f.ok).toBe(io.features.ok[b]);
      if (!f.ok) continue;
      const n = V * J * F;
      expectClose(f.tokens, io.features.tokens.slice(b * n, (b + 1) * n), 1e-9, 1, `tokens of frame ${b}`);
      expect(Array.from(f.mask)).toEqual(io.features.mask.slice(b * V * J, (b + 1) * V * J));
      expectClose(f.base, io.features.base.slice(b * J * 3, (b + 1) * J * 3), 1e-9, 1, `base of frame ${b}`);
      expectClose(f.anchor, io.features.anchor[b], 1e-9, 1, `anchor of frame ${b}`);
      expectClose(f.frame, io.features.frame[b].flat(), 1e-9, 1, `frame of frame ${b}`);
    }
  });

  it.each([
    ['packed', 320],
    ['batched', 0],
  ])('runs the network like PyTorch within 1e-4 relative (%s attention)', async (_name, packRows) => {
    net.packRows = packRows;
    // Batch 6 of 4 views is too big to pack whole; one frame set shows the packed path.
    const n = packRows > 0 ? 1 : B;
    const { poseData, errData } = await runNet(
      net,
      Float32Array.from(io.features.tokens.slice(0, n * V * J * F)),
      Float32Array.from(io.features.mask.slice(0, n * V * J)),
      Float32Array.from(io.features.base.slice(0, n * J * 3)),
      [n, V, J, F],
    );
    net.packRows = 320;
    // Relative to the output's own scale (metres / log metres), so values near zero do not divide by ~0.
    expectClose(poseData, io.outputs.pose.slice(0, n * J * 3), 1e-4, 1, 'pose');
    expectClose(errData, io.outputs.log_err.slice(0, n * J * 2), 1e-4, 1, 'log_err');
  });

  it('gives the same world poses end to end', async () => {
    const m = new LifterMethod(net, { fallback: null }); // the network alone: the fixture net is untrained
    for (let b = 0; b < B; b++) {
      const [pose] = await m.estimateFrames(cams(b), [views(b)]);
      if (!io.features.ok[b]) {
        expect(pose).toBeNull();
        continue;
      }
      expectClose(pose!.joints, io.outputs.world[b].flat(), 1e-4, 1, `world pose of frame ${b}`);
    }
  });
});

describe('lifter world-frame equivariance', () => {
  it('moves its output by exactly the rigid motion applied to the world (z-up, upside-down, random)', async () => {
    const m = new LifterMethod(net, { fallback: null });
    const motions: [Float64Array, number[]][] = [
      [rodriguesToMatrix(-Math.PI / 2, 0, 0), [0, 0, 0]], // y-up → z-up
      [rodriguesToMatrix(Math.PI, 0, 0), [0.5, 2, -1]], // upside down
      [rodriguesToMatrix(0.3, -1.2, 2.0), [40, -12, 7]],
      [rodriguesToMatrix(2.5, 0.4, -0.9), [-3, 100, 0.2]],
    ];
    const okFrames = [0, 1, 2, 4, 5];
    for (const b of okFrames) {
      const [ref] = await m.estimateFrames(cams(b), [views(b)]);
      for (const [M, c] of motions) {
        const moved = cams(b).map((cam) => transformCameraWorld(cam, M, c));
        const [p] = await m.estimateFrames(moved, [views(b)]);
        let worst = 0;
        for (let j = 0; j < J; j++) {
          const x = ref!.joints.subarray(3 * j, 3 * j + 3);
          for (let a = 0; a < 3; a++) {
            const want = M[3 * a] * x[0] + M[3 * a + 1] * x[1] + M[3 * a + 2] * x[2] + c[a];
            worst = Math.max(worst, Math.abs(p!.joints[3 * j + a] - want));
          }
        }
        expect(worst, `frame ${b}`).toBeLessThan(1e-3);
      }
    }
  });
});

describe('lifter bad input', () => {
  it('says why when it cannot lift and never returns NaN', async () => {
    const m = new LifterMethod(net);
    const c = cams(0);
    const good = views(0);
    const zeros = good.map((v) => v && v.map((x, i) => (i % 3 === 2 ? 0 : x)));
    const nan = good.map((v) => v && v.map(() => NaN));
    const oneView = good.map((v, i) => (i === 0 ? v : null));
    const someNaN = good.map((v, i) => (i === 1 && v ? v.map((x, k) => (k < 12 ? NaN : x)) : v));
    const res = await m.estimateDetailed(c, [zeros, nan, oneView, [], someNaN]);
    expect(res[0].pose).toBeNull();
    expect(res[0].reason).toMatch(/0 usable views/);
    expect(res[1].pose).toBeNull();
    expect(res[2].pose).toBeNull();
    expect(res[2].reason).toMatch(/1 usable view: the lifter needs at least 2/);
    expect(res[3].pose).toBeNull();
    expect(res[4].pose).not.toBeNull();
    expect(res[4].pose!.joints.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(res[4].pose!.info!.predictedErrorMm as number)).toBe(true);
  });

  it('rejects weights that do not match the manifest, naming the tensor', () => {
    const manifest = JSON.parse(readFileSync(join(FIX, 'parity-manifest.json'), 'utf8'));
    const buf = readFileSync(join(FIX, 'parity-weights.bin'));
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    const bad = structuredClone(manifest);
    bad.tensors[3].shape = [7, 3];
    expect(() => netFromParts(bad, ab)).toThrow(/shape \[7,3\]/);
    expect(() => netFromParts({ ...manifest, version: 2 }, ab)).toThrow(/version/);
    expect(() => netFromParts(manifest, ab.slice(8))).toThrow(/bytes/);
  });
});

describe("lifter's up from the rig", () => {
  const ring = (n: number, height: number, rollDeg: number, tiltDeg = 0): Camera[] => {
    const a = (rollDeg * Math.PI) / 180;
    const Rz = [Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1];
    // World tilted by tiltDeg about x, so "up" is not an axis of the world frame.
    const W = rodriguesToMatrix((tiltDeg * Math.PI) / 180, 0, 0);
    return Array.from({ length: n }, (_, i) => {
      const az = (2 * Math.PI * i) / n + 0.3;
      const eye = [3.5 * Math.sin(az), height, 3.5 * Math.cos(az)];
      const z = [-eye[0], 1 - eye[1], -eye[2]];
      const zn = Math.hypot(z[0], z[1], z[2]);
      const zz = z.map((v) => v / zn);
      const x = [-zz[2], 0, zz[0]].map((v) => v / Math.hypot(zz[0], zz[2])); // level: right axis horizontal
      const y = [zz[1] * x[2] - zz[2] * x[1], zz[2] * x[0] - zz[0] * x[2], zz[0] * x[1] - zz[1] * x[0]];
      const R0 = [...x, ...y, ...zz];
      const R = new Float64Array(9);
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) R[3 * r + c] += Rz[3 * r + k] * R0[3 * k + c];
      const t = new Float64Array(3);
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) t[r] -= R[3 * r + c] * eye[c];
      const cam = makeCamera({ name: `c${i}`, width: 1280, height: 720, K: [900, 0, 640, 0, 900, 360, 0, 0, 1], R, t });
      return transformCameraWorld(cam, W, [0, 0, 0]);
    });
  };
  const upAngleDeg = (cameras: Camera[], tiltDeg: number): number => {
    const W = rodriguesToMatrix((tiltDeg * Math.PI) / 180, 0, 0);
    const views = cameras.map(() => {
      const v = new Float32Array(17 * 3);
      for (let j = 0; j < 17; j++) v.set([600 + 3 * j, 200 + 20 * j, 0.9], 3 * j);
      return v;
    });
    const f = frameFeatures(cameras, views);
    const trueUp = [W[1], W[4], W[7]];
    const c = f.frame[6] * trueUp[0] + f.frame[7] * trueUp[1] + f.frame[8] * trueUp[2];
    return (Math.acos(Math.min(1, c)) * 180) / Math.PI;
  };

  it('is gravity for level cameras, pitched down from corners or up from a desk, in a tilted world frame', () => {
    for (const [n, h] of [[2, 2.6], [3, 0.6], [4, 2.8]] as const) expect(upAngleDeg(ring(n, h, 0, 37), 37), `${n} views at ${h} m`).toBeLessThan(0.01);
  });

  it('stays near gravity when a whole ring is rolled the same way, even past the point where the right axes mislead', () => {
    for (const roll of [15, 30, 45, 60]) expect(upAngleDeg(ring(4, 1.7, roll, 37), 37), `roll ${roll}°`).toBeLessThan(1);
  });
});
