/**
 * The detector core in Node (wasm backend, weights from public/models via scripts/install-models.mjs) on a real
 * Pose2Sim frame (cam03, frame 50, 180x320 RGB; BSD-3 Pose2Sim demo data): skeleton found, keypoints scaled to
 * the original frame, BlazePose mapped to COCO-17, and no tensor leak after warm-up. MoveNet MultiPose on the
 * same frame and on a composite of two Pose2Sim frames side by side (cam03 and cam01, frame 50): two people.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { createViewDetector } from './detector';
import { JOINT } from '../keypoints';
import { MODELS_DIR, diskResolver, initNodeWasm, REPO_ROOT } from '../../cli/lib/node-tf';

const W = 180, H = 320;
const fixture = (name: string) => gunzipSync(readFileSync(join(REPO_ROOT, 'e2e', 'fixtures', name)));
const rgb = fixture('pose2sim-cam03-f050-180x320.rgb.gz');
const frame = () => tf.tensor3d(new Uint8Array(rgb), [H, W, 3], 'int32');
/** cam03 on the left, cam01 on the right: two people, one per half. */
function composite(): tf.Tensor3D {
  const right = fixture('pose2sim-cam01-f050-180x320.rgb.gz');
  const out = new Uint8Array(H * 2 * W * 3);
  for (let y = 0; y < H; y++) {
    out.set(rgb.subarray(y * W * 3, (y + 1) * W * 3), y * 2 * W * 3);
    out.set(right.subarray(y * W * 3, (y + 1) * W * 3), (y * 2 + 1) * W * 3);
  }
  return tf.tensor3d(out, [H, 2 * W, 3], 'int32');
}
const xRange = (kp: Float32Array) => {
  const xs = Array.from({ length: 17 }, (_, j) => kp[3 * j]).filter((_, j) => kp[3 * j + 2] >= 0.3);
  return [Math.min(...xs), Math.max(...xs)];
};
const confident = (kp: Float32Array) => Array.from({ length: 17 }, (_, j) => kp[3 * j + 2]).filter((s) => s >= 0.3).length;

beforeAll(async () => {
  if (!existsSync(join(MODELS_DIR, 'movenet', 'movenet-lightning.json'))) {
    throw new Error('public/models is empty: run `node scripts/install-models.mjs` (npm install runs it)');
  }
  await initNodeWasm();
});

describe('ViewDetector (Node, wasm)', () => {
  it('MoveNet Lightning finds the person, scales keypoints, and leaks no tensor', async () => {
    expect(rgb.length).toBe(W * H * 3);
    const det = await createViewDetector('movenet-lightning', diskResolver);
    const counts: number[] = [];
    let kp: Float32Array | null = null;
    for (let i = 0; i < 8; i++) {
      const t = frame();
      kp = await det.detect(t, i * 33, 6); // as if the original frame were 6x larger (1080x1920)
      t.dispose();
      counts.push(tf.memory().numTensors);
    }
    expect(kp).not.toBeNull();
    expect(confident(kp!)).toBeGreaterThanOrEqual(14);
    // Keypoints are in original-frame pixels: inside 1080x1920, and the head above the ankles.
    for (let j = 0; j < 17; j++) {
      expect(kp![3 * j]).toBeGreaterThanOrEqual(0);
      expect(kp![3 * j]).toBeLessThanOrEqual(W * 6);
      expect(kp![3 * j + 1]).toBeLessThanOrEqual(H * 6);
    }
    expect(kp![3 * JOINT.nose + 1]).toBeLessThan(kp![3 * JOINT.left_ankle + 1] - 300);
    expect(new Set(counts.slice(1)).size).toBe(1); // flat after the first frame
    det.dispose();
  });

  it('BlazePose lite is mapped to COCO-17 and agrees with MoveNet on the body joints', async () => {
    const mv = await createViewDetector('movenet-lightning', diskResolver);
    const bp = await createViewDetector('blazepose-lite', diskResolver);
    const t = frame();
    const a = (await mv.detect(t))!, b = (await bp.detect(t))!;
    const before = tf.memory().numTensors;
    await bp.detect(t);
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
    expect(b).toHaveLength(51);
    for (const j of [JOINT.left_shoulder, JOINT.right_shoulder, JOINT.left_hip, JOINT.right_hip, JOINT.left_knee, JOINT.right_knee]) {
      expect(Math.hypot(a[3 * j] - b[3 * j], a[3 * j + 1] - b[3 * j + 1]), `joint ${j}`).toBeLessThan(0.08 * H);
    }
    mv.dispose();
    bp.dispose();
  });

  it('MoveNet MultiPose finds the one person of a real frame where Lightning puts it', async () => {
    const mp = await createViewDetector('movenet-multipose', diskResolver);
    const li = await createViewDetector('movenet-lightning', diskResolver);
    expect(mp.multiPerson).toBe(true);
    expect(li.multiPerson).toBe(false);
    const t = frame();
    const people = await mp.detectAll(t);
    const ref = (await li.detect(t))!;
    expect(people).toHaveLength(1);
    const kp = people[0];
    expect(confident(kp)).toBeGreaterThanOrEqual(12);
    const dist = Array.from({ length: 17 }, (_, j) => Math.hypot(kp[3 * j] - ref[3 * j], kp[3 * j + 1] - ref[3 * j + 1]));
    for (let j = 0; j < 17; j++) expect(dist[j], `joint ${j}: ${dist[j].toFixed(1)} px from Lightning's`).toBeLessThan(20);
    // detect() is the most confident person; the scale maps to original pixels as for the single-person models.
    expect(Array.from((await mp.detect(t))!)).toEqual(Array.from(kp));
    const big = (await mp.detectAll(t, 0, 6))[0];
    for (let j = 0; j < 17; j++) {
      expect(big[3 * j]).toBeCloseTo(6 * kp[3 * j], 2);
      expect(big[3 * j + 2]).toBe(kp[3 * j + 2]);
    }
    t.dispose();
    mp.dispose();
    li.dispose();
  });

  it('MoveNet MultiPose finds both people of a two-person image, NaN-free, no leak', async () => {
    const mp = await createViewDetector('movenet-multipose', diskResolver);
    const t = composite();
    let people: Float32Array[] = [];
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      people = await mp.detectAll(t, i * 33, 2);
      counts.push(tf.memory().numTensors);
    }
    t.dispose();
    expect(new Set(counts).size).toBe(1);
    expect(people).toHaveLength(2);
    for (const kp of people) {
      expect(kp).toHaveLength(51);
      expect(kp.every(Number.isFinite)).toBe(true);
      expect(confident(kp)).toBeGreaterThanOrEqual(12);
      for (let j = 0; j < 17; j++) {
        expect(kp[3 * j + 2]).toBeGreaterThanOrEqual(0);
        expect(kp[3 * j + 2]).toBeLessThanOrEqual(1);
        expect(kp[3 * j + 1]).toBeLessThanOrEqual(2 * H);
      }
    }
    // The order (by the pose's own score, which the output does not carry) is proven in poses.test.ts.
    // One person per half (x in original pixels: the halves are 2·180 wide after the scale of 2).
    const halves = people.map((kp) => xRange(kp)).map(([lo, hi]) => (hi <= 2 * W ? 'left' : lo >= 2 * W ? 'right' : 'both'));
    expect(halves.sort()).toEqual(['left', 'right']);
    mp.dispose();
  });
});
