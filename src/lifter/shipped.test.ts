/**
 * The weights the app ships (public/models/lifter): loadable, within budget, with provenance, equivariant, and
 * better than nothing on a noisy generated rig.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { transformCameraWorld } from '../geometry/camera';
import { rodriguesToMatrix } from '../geometry/rotation';
import { projectPose, ringRig, seededRandom, standingPose } from '../testing/synthetic';
import { LifterMethod } from './lifter';
import { DEFAULT_LIFTER_DIR, loadLifterFromDir } from './load-node';
import { parseManifest } from './manifest';

let lifter: LifterMethod;
beforeAll(async () => {
  await tf.setBackend('wasm');
  lifter = await loadLifterFromDir();
});

describe('shipped lifter weights', () => {
  it('fit the budget and say where they came from', () => {
    const m = parseManifest(JSON.parse(readFileSync(join(DEFAULT_LIFTER_DIR, 'manifest.json'), 'utf8')));
    const bytes = statSync(join(DEFAULT_LIFTER_DIR, m.weights)).size;
    expect(bytes).toBeLessThanOrEqual(20e6);
    expect(bytes / 4).toBeLessThanOrEqual(5e6);
    for (const k of ['data', 'steps', 'seed', 'date', 'val_mpjpe_mm']) expect(m.provenance[k], k).toBeDefined();
  });

  it('lift a noisy 2-view and 4-view rig, and move exactly with the world frame', async () => {
    const pose = standingPose();
    const rand = seededRandom(11);
    for (const n of [2, 4]) {
      const cams = ringRig(n);
      const frames = Array.from({ length: 8 }, () => projectPose(cams, pose, 2, rand));
      const out = await lifter.estimateFrames(cams, frames);
      let err = 0;
      for (const p of out) {
        expect(p).not.toBeNull();
        for (let j = 0; j < 17; j++)
          err += Math.hypot(p!.joints[3 * j] - pose[3 * j], p!.joints[3 * j + 1] - pose[3 * j + 1], p!.joints[3 * j + 2] - pose[3 * j + 2]);
      }
      // A loose sanity bound (the accuracy figures are in docs/benchmarks.md): a broken export is metres off.
      expect((1000 * err) / (17 * out.length), `${n} views`).toBeLessThan(120);
      const M = rodriguesToMatrix(-Math.PI / 2, 0.3, 0); // a z-up, tilted world frame, far from the origin
      const c = [12, -4, 30];
      const moved = await lifter.estimateFrames(cams.map((cam) => transformCameraWorld(cam, M, c)), frames);
      for (let f = 0; f < out.length; f++) {
        for (let j = 0; j < 17; j++) {
          const x = out[f]!.joints.subarray(3 * j, 3 * j + 3);
          for (let a = 0; a < 3; a++) {
            const want = M[3 * a] * x[0] + M[3 * a + 1] * x[1] + M[3 * a + 2] * x[2] + c[a];
            expect(Math.abs(moved[f]!.joints[3 * j + a] - want)).toBeLessThan(1e-3);
          }
        }
      }
    }
  });
});
