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
    bad.tensors[3].shape = [2, 3]; // fewer numbers than the config needs, still inside its own bytes
    expect(() => netFromParts(bad, ab)).toThrow(/shape \[2,3\]/);
    expect(() => netFromParts({ ...manifest, version: 2 }, ab)).toThrow(/version/);
    expect(() => netFromParts(manifest, ab.slice(8))).toThrow(/bytes/);
  });
});
