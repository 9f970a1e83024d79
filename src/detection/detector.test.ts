/**
 * The detector core in Node (wasm backend, weights from public/models via scripts/install-models.mjs) on a real
 * Pose2Sim frame (cam03, frame 50, 180x320 RGB; BSD-3 Pose2Sim demo data): skeleton found, keypoints scaled to
 * the original frame, BlazePose mapped to COCO-17, and no tensor leak after warm-up.
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
const rgb = gunzipSync(readFileSync(join(REPO_ROOT, 'e2e', 'fixtures', 'pose2sim-cam03-f050-180x320.rgb.gz')));
const frame = () => tf.tensor3d(new Uint8Array(rgb), [H, W, 3], 'int32');
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
});
