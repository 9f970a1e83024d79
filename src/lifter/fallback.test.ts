/**
 * The fallback (issue 8) with the shipped weights: a frame set whose views disagree with each other gets robust
 * triangulation's answer, marked; consistent frame sets keep the network's pose; the rule itself.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Camera } from '../geometry/camera';
import type { FrameViews } from '../fusion/types';
import { rodriguesToMatrix } from '../geometry/rotation';
import { placedPose, projectPose, ringRig, seededRandom, standingPose } from '../testing/synthetic';
import { TriangulationMethod } from '../triangulation/methods';
import { DEFAULT_FALLBACK_RULE, fallbackReason } from './fallback';
import { LifterMethod } from './lifter';
import { loadLifterNetFromDir } from './load-node';
import type { LifterNet } from './model';

let net: LifterNet;
beforeAll(async () => {
  await tf.setBackend('wasm');
  net = await loadLifterNetFromDir();
});

/** A different body in every view: any orientation (lying, upside down), up to 1 m from the others on each axis. */
function inconsistentFrame(cams: readonly Camera[], rand: () => number): FrameViews {
  return cams.map((cam) => {
    const p = standingPose();
    const M = rodriguesToMatrix(6 * (rand() - 0.5), 6 * (rand() - 0.5), 6 * (rand() - 0.5));
    const t = [2 * (rand() - 0.5), 0.9 + 2 * (rand() - 0.5), 2 * (rand() - 0.5)];
    const q = new Float64Array(51);
    for (let j = 0; j < 17; j++) {
      const x = p[3 * j], y = p[3 * j + 1] - 0.9, z = p[3 * j + 2];
      for (let a = 0; a < 3; a++) q[3 * j + a] = M[3 * a] * x + M[3 * a + 1] * y + M[3 * a + 2] * z + t[a];
    }
    return projectPose([cam], q, 2, rand)[0];
  });
}

describe('lifter fallback to robust triangulation', () => {
  it("gives robust triangulation's exact answer, marked, where the views disagree and the network says so", async () => {
    const lifter = new LifterMethod(net);
    const raw = new LifterMethod(net, { fallback: null });
    const robust = new TriangulationMethod('robust');
    const cams = ringRig(4);
    const rand = seededRandom(21);
    const frames = Array.from({ length: 12 }, () => inconsistentFrame(cams, rand));
    const [got, want, rawOut] = await Promise.all([lifter.estimateFrames(cams, frames), robust.estimateFrames(cams, frames), raw.estimateFrames(cams, frames)]);
    let fellBack = 0, compared = 0;
    for (let i = 0; i < frames.length; i++) {
      const r = rawOut[i]!;
      const why = fallbackReason(r.info!.predictedErrorMm as number, r.info!.predictedTriangulationErrorMm as number);
      if (why === null) {
        // The error head is not sure to flag every inconsistent frame set (see README): then the network's pose stands.
        expect(Array.from(got[i]!.joints), `frame ${i}`).toEqual(Array.from(r.joints));
        expect(got[i]!.info!.fallback).toBe(false);
        continue;
      }
      fellBack++;
      if (!want[i]) {
        expect(got[i], `frame ${i}: robust gives no pose, so neither does the fallback`).toBeNull();
        continue;
      }
      compared++;
      expect(Array.from(got[i]!.joints), `frame ${i}`).toEqual(Array.from(want[i]!.joints));
      expect(Array.from(got[i]!.valid)).toEqual(Array.from(want[i]!.valid));
      expect(got[i]!.info!.fallback).toBe(true);
      expect(got[i]!.info!.fallbackReason).toMatch(/predicted error .*: robust triangulation's pose/);
      expect(got[i]!.info!.predictedErrorMm).toBe(r.info!.predictedErrorMm);
      expect(got[i]!.joints.every(Number.isFinite)).toBe(true);
    }
    // Measured with the shipped weights (trained with such frame sets for the error heads): 12 of these 12;
    // consistent ones never (the next test). Before that training: 6 of 12.
    expect(fellBack).toBeGreaterThanOrEqual(10);
    expect(compared).toBeGreaterThanOrEqual(8);
  });

  it('keeps the network\'s pose where the views agree, and no pose with fewer than 2 views', async () => {
    const lifter = new LifterMethod(net);
    const raw = new LifterMethod(net, { fallback: null });
    expect([lifter.id, raw.id]).toEqual(['lifter', 'lifter-raw']);
    const rand = seededRandom(4);
    for (const n of [2, 4]) {
      const cams = ringRig(n);
      const frames: FrameViews[] = Array.from({ length: 6 }, () => projectPose(cams, placedPose(rand() * 6, rand() - 0.5, rand() - 0.5), 2, rand));
      frames.push(frames[0].map((v, i) => (i === 0 ? v : null)));
      const [got, rawOut] = await Promise.all([lifter.estimateDetailed(cams, frames), raw.estimateFrames(cams, frames)]);
      for (let i = 0; i < 6; i++) {
        expect(got[i].pose!.info!.fallback, `${n} views, frame ${i}`).toBe(false);
        expect(Array.from(got[i].pose!.joints)).toEqual(Array.from(rawOut[i]!.joints));
      }
      expect(got[6].pose).toBeNull();
      expect(got[6].reason).toMatch(/1 usable view/);
    }
  });

  it('rule: relative to its own triangulation estimate, an absolute bound, and never on a non-finite estimate', () => {
    expect(DEFAULT_FALLBACK_RULE).toEqual({ maxRatio: 1, maxErrorMm: 150 });
    expect(fallbackReason(60, 100)).toBeNull();
    expect(fallbackReason(101, 100)).toMatch(/1 × triangulation's 100 mm/);
    expect(fallbackReason(151, 400)).toMatch(/> 150 mm/);
    expect(fallbackReason(NaN, 100)).toMatch(/no finite/);
    expect(fallbackReason(60, NaN)).toBeNull();
  });
});
