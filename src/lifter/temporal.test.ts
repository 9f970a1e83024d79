/**
 * The temporal lifter in tfjs: parity with PyTorch on a committed window sequence (training/
 * export_temporal_parity_fixture.py), statefulness (chunked calls = one call; a time gap resets the window; a missing
 * view and a one-view frame set), world-frame equivariance, bounded state, and bad manifests.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeCamera, transformCameraWorld, type Camera } from '../geometry/camera';
import { rodriguesToMatrix } from '../geometry/rotation';
import type { FrameViews, Pose3D } from '../fusion/types';
import { TemporalLifterMethod } from './temporal';
import { loadTemporalNetFromDir } from './temporal-load-node';
import { temporalNetFromParts } from './temporal-manifest';
import type { TemporalNet } from './temporal-model';

const FIX = join(__dirname, '__fixtures__');
interface IO {
  cameras: { name: string; width: number; height: number; K: number[][]; dist: number[]; R: number[][]; t: number[] }[];
  frames: ((number | null)[] | null)[][];
  times: number[];
  outputs: Record<'causal' | 'offline', { world: (number[] | null)[]; log_err: (number[] | null)[] }>;
}
const io: IO = JSON.parse(readFileSync(join(FIX, 'temporal-io.json'), 'utf8'));
const cams: Camera[] = io.cameras.map((c) => makeCamera(c));
const frames: FrameViews[] = io.frames.map((f) => f.map((v) => (v ? Float32Array.from(v, (x) => (x === null ? NaN : x)) : null)));
const N = frames.length;
const GAP = io.times.findIndex((t, i) => i > 0 && t - io.times[i - 1] > 0.5);

let net: TemporalNet;
beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  net = await loadTemporalNetFromDir(FIX, 'temporal-');
});

function worstRel(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1): number {
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
  return w;
}

describe('temporal lifter parity with PyTorch', () => {
  it.each([
    ['causal', false, 320],
    ['offline', true, 320],
    ['causal, unpacked attention', false, 0],
  ] as const)('gives PyTorch\'s world poses within 1e-4 relative (%s)', async (mode, offline, packRows) => {
    net.packRows = packRows;
    const m = new TemporalLifterMethod(net, { offline, fallback: null });
    const res = await m.estimateDetailed(cams, frames, io.times);
    net.packRows = 320;
    const want = io.outputs[offline ? 'offline' : 'causal'].world;
    expect(want.filter((w) => w).length).toBe(N - 1);
    res.forEach((r, i) => {
      if (!want[i]) {
        expect(r.pose, `frame set ${i}`).toBeNull();
        return;
      }
      expect(r.pose, `frame set ${i}: ${r.reason}`).not.toBeNull();
      expect(worstRel(r.pose!.joints, want[i]!), `${mode}, frame set ${i}`).toBeLessThanOrEqual(1e-4);
    });
  });
});

describe('temporal lifter state', () => {
  it('gives the same poses fed frame set by frame set as in one call (causal), and resets at the gap', async () => {
    const whole = await new TemporalLifterMethod(net, { fallback: null }).estimateDetailed(cams, frames, io.times);
    const m = new TemporalLifterMethod(net, { fallback: null });
    const one: (Pose3D | null)[] = [];
    for (let i = 0; i < N; i++) one.push(...(await m.estimateFrames(cams.map((c) => ({ ...c })), [frames[i]], [io.times[i]])));
    one.forEach((p, i) => {
      if (!whole[i].pose) return expect(p).toBeNull();
      expect(worstRel(p!.joints, whole[i].pose!.joints)).toBeLessThan(1e-6);
    });
    // The gap: the first frame set after it is lifted from itself alone, and everything after it is what a fresh
    // method gives from there on.
    expect(GAP).toBeGreaterThan(0);
    expect(whole[GAP].pose!.info!.windowFrameSets).toBe(1);
    expect(whole[GAP - 1].pose!.info!.windowFrameSets).toBeGreaterThan(5);
    const fresh = await new TemporalLifterMethod(net, { fallback: null }).estimateFrames(cams, frames.slice(GAP), io.times.slice(GAP));
    fresh.forEach((p, k) => expect(worstRel(p!.joints, whole[GAP + k].pose!.joints)).toBeLessThan(1e-6));
    // Time going back resets as well.
    const back = new TemporalLifterMethod(net, { fallback: null });
    await back.estimateFrames(cams, frames.slice(0, 6), io.times.slice(0, 6));
    const [p] = await back.estimateDetailed(cams, [frames[2]], [io.times[2]]);
    expect(p.pose!.info!.windowFrameSets).toBe(1);
  });

  it('lifts a window with a view missing in some frame sets, says why a one-view frame set has no pose, never NaN', async () => {
    const res = await new TemporalLifterMethod(net).estimateDetailed(cams, frames, io.times);
    for (const i of [3, 4, 5, 6, 8, 12]) {
      expect(res[i].pose, `frame set ${i}`).not.toBeNull();
      expect(res[i].pose!.joints.every(Number.isFinite)).toBe(true);
    }
    expect(res[7].pose).toBeNull();
    expect(res[7].reason).toMatch(/1 usable view/);
    // The frame set after the one-view one still reads the frame sets before it.
    expect(res[8].pose!.info!.windowFrameSets).toBe(8);
  });

  it('needs times, and keeps a bounded state over a long run', async () => {
    const m = new TemporalLifterMethod(net, { fallback: null });
    await expect(m.estimateFrames(cams, frames)).rejects.toThrow(/needs one time per frame set/);
    for (let k = 0; k < 40; k++) {
      const t = Array.from({ length: 5 }, (_, i) => (5 * k + i) / 30);
      await m.estimateFrames(cams, frames.slice(0, 5), t);
      expect(m.heldFrameSets).toBeLessThanOrEqual(16);
    }
    m.reset();
    expect(m.heldFrameSets).toBe(0);
  });
});

describe('temporal lifter world-frame equivariance', () => {
  it('moves its output by exactly the rigid motion applied to the world (1 mm)', async () => {
    const ref = await new TemporalLifterMethod(net, { fallback: null, offline: true }).estimateFrames(cams, frames, io.times);
    const motions: [Float64Array, number[]][] = [
      [rodriguesToMatrix(-Math.PI / 2, 0, 0), [0, 0, 0]],
      [rodriguesToMatrix(Math.PI, 0, 0), [0.5, 2, -1]],
      [rodriguesToMatrix(0.3, -1.2, 2.0), [40, -12, 7]],
    ];
    for (const [M, c] of motions) {
      const moved = cams.map((cam) => transformCameraWorld(cam, M, c));
      const got = await new TemporalLifterMethod(net, { fallback: null, offline: true }).estimateFrames(moved, frames, io.times);
      got.forEach((p, i) => {
        if (!ref[i]) return expect(p).toBeNull();
        let worst = 0;
        for (let j = 0; j < 17; j++)
          for (let a = 0; a < 3; a++) {
            const x = ref[i]!.joints;
            const want = M[3 * a] * x[3 * j] + M[3 * a + 1] * x[3 * j + 1] + M[3 * a + 2] * x[3 * j + 2] + c[a];
            worst = Math.max(worst, Math.abs(p!.joints[3 * j + a] - want));
          }
        expect(worst, `frame set ${i}`).toBeLessThan(1e-3);
      });
    }
  });
});

describe('temporal lifter manifest', () => {
  it('rejects a manifest from another window rule, format or size, naming the field', () => {
    const manifest = JSON.parse(readFileSync(join(FIX, 'temporal-manifest.json'), 'utf8'));
    const buf = readFileSync(join(FIX, 'temporal-weights.bin'));
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    expect(() => temporalNetFromParts({ ...manifest, window: { ...manifest.window, side_s: 1 } }, ab)).toThrow(/window\.side_s/);
    expect(() => temporalNetFromParts({ ...manifest, format: 'parallax-lifter' }, ab)).toThrow(/format/);
    expect(() => temporalNetFromParts(manifest, ab.slice(4))).toThrow(/bytes/);
    const bad = structuredClone(manifest);
    bad.tensors.find((t: { name: string }) => t.name === 'time.0.fc1.weight').shape = [3, 3];
    expect(() => temporalNetFromParts(bad, ab)).toThrow(/time\.0\.fc1\.weight/);
  });
});
