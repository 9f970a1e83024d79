/**
 * The temporal weights the project ships (public/models/lifter-temporal): loadable, within budget, with provenance,
 * built on the shipped single-frame lifter, equivariant under rigid motions of the world (1 mm), and sane on a noisy
 * generated walk at 30 fps in both modes.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { transformCameraWorld } from '../geometry/camera';
import { rodriguesToMatrix } from '../geometry/rotation';
import { projectPose, ringRig, seededRandom, standingPose } from '../testing/synthetic';
import { modelDir } from './load-node';
import { TemporalLifterMethod } from './temporal';
import { loadTemporalNetFromDir } from './temporal-load-node';
import { parseTemporalManifest } from './temporal-manifest';
import type { TemporalNet } from './temporal-model';

const DIR = modelDir('lifter-temporal');
let net: TemporalNet;
beforeAll(async () => {
  await tf.setBackend('wasm');
  net = await loadTemporalNetFromDir(DIR);
});

describe('shipped temporal lifter weights', () => {
  it('fit the budget, say where they came from, and carry the shipped single-frame lifter as their encoder', () => {
    const m = parseTemporalManifest(JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')));
    const bytes = statSync(join(DIR, m.weights)).size;
    expect(bytes / 4).toBeLessThanOrEqual(5e6);
    for (const k of ['data', 'steps', 'seed', 'date', 'val_mpjpe_mm', 'encoder']) expect(m.provenance[k], k).toBeDefined();
    const single = JSON.parse(readFileSync(join(modelDir('lifter'), 'manifest.json'), 'utf8'));
    expect(m.config.frame).toEqual(single.config);
    const a = readFileSync(join(modelDir('lifter'), single.weights));
    const b = readFileSync(join(DIR, m.weights));
    const t = m.tensors.find((x) => x.name === 'frame.fusion.0.qkv.weight')!;
    const s = single.tensors.find((x: { name: string }) => x.name === 'fusion.0.qkv.weight');
    expect(b.subarray(t.offset, t.offset + 64).equals(a.subarray(s.offset, s.offset + 64))).toBe(true);
  });

  it('lifts a noisy walk at 30 fps (causal and offline) and moves exactly with the world frame', async () => {
    const rand = seededRandom(12);
    const cams = ringRig(3);
    const times = Array.from({ length: 24 }, (_, i) => i / 30);
    const poses = times.map((t) => standingPose().map((v, k) => (k % 3 === 0 ? v + 0.8 * t : v)));
    const frames = poses.map((p) => projectPose(cams, Float64Array.from(p), 2, rand));
    const M = rodriguesToMatrix(-Math.PI / 2, 0.3, 0);
    const c = [12, -4, 30];
    const moved = cams.map((cam) => transformCameraWorld(cam, M, c));
    for (const offline of [false, true]) {
      const out = await new TemporalLifterMethod(net, { offline }).estimateFrames(cams, frames, times);
      const again = await new TemporalLifterMethod(net, { offline }).estimateFrames(moved, frames, times);
      let err = 0;
      out.forEach((p, f) => {
        expect(p).not.toBeNull();
        for (let j = 0; j < 17; j++) {
          err += Math.hypot(p!.joints[3 * j] - poses[f][3 * j], p!.joints[3 * j + 1] - poses[f][3 * j + 1], p!.joints[3 * j + 2] - poses[f][3 * j + 2]);
          for (let a = 0; a < 3; a++) {
            const x = p!.joints;
            const want = M[3 * a] * x[3 * j] + M[3 * a + 1] * x[3 * j + 1] + M[3 * a + 2] * x[3 * j + 2] + c[a];
            expect(Math.abs(again[f]!.joints[3 * j + a] - want)).toBeLessThan(1e-3);
          }
        }
      });
      // A loose sanity bound (the figures are in docs/benchmarks.md): a broken export is metres off.
      expect((1000 * err) / (17 * out.length), offline ? 'offline' : 'causal').toBeLessThan(120);
    }
  });
});
