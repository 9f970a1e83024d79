import { describe, expect, it } from 'vitest';
import type { Pose3D } from '../../src/fusion/types';
import { COCO17_FLIP, COCO17_LIMBS, JOINT, NUM_JOINTS } from '../../src/keypoints/coco17';
import { bodyUp, boneLengthStats, chirality, compareToReference, debiasedMeanMm, perJointDisagreement } from './real-stats';

/** A right-handed standing body, Z up, facing +y (so its left is −x), translated by (dx, 0, 0). */
function body(dx = 0, forearm = 0.25): Pose3D {
  const J = new Float64Array(3 * NUM_JOINTS);
  const set = (j: number, x: number, y: number, z: number) => J.set([x + dx, y, z], 3 * j);
  set(JOINT.nose, 0, 0.1, 1.6);
  set(JOINT.left_eye, -0.03, 0.09, 1.63);
  set(JOINT.right_eye, 0.03, 0.09, 1.63);
  set(JOINT.left_ear, -0.07, 0.02, 1.62);
  set(JOINT.right_ear, 0.07, 0.02, 1.62);
  set(JOINT.left_shoulder, -0.2, 0, 1.4);
  set(JOINT.right_shoulder, 0.2, 0, 1.4);
  set(JOINT.left_elbow, -0.22, 0, 1.12);
  set(JOINT.right_elbow, 0.22, 0, 1.12);
  set(JOINT.left_wrist, -0.22, 0, 1.12 - forearm);
  set(JOINT.right_wrist, 0.22, 0, 1.12 - forearm);
  set(JOINT.left_hip, -0.1, 0, 0.9);
  set(JOINT.right_hip, 0.1, 0, 0.9);
  set(JOINT.left_knee, -0.1, 0, 0.5);
  set(JOINT.right_knee, 0.1, 0, 0.5);
  set(JOINT.left_ankle, -0.1, 0, 0.1);
  set(JOINT.right_ankle, 0.1, 0, 0.1);
  return { joints: J, valid: new Uint8Array(NUM_JOINTS).fill(1) };
}

describe('bone-length statistics', () => {
  it('gives the mean and population std of each bone, skipping missing poses and joints', () => {
    const poses = [body(0, 0.2), body(0, 0.3), null, { ...body(0, 0.9), valid: new Uint8Array(NUM_JOINTS).fill(1).fill(0, JOINT.left_wrist, JOINT.left_wrist + 1) }];
    const s = boneLengthStats(poses, COCO17_LIMBS);
    const lForearm = COCO17_LIMBS.findIndex(([a, b]) => a === JOINT.left_elbow && b === JOINT.left_wrist);
    const rForearm = COCO17_LIMBS.findIndex(([a, b]) => a === JOINT.right_elbow && b === JOINT.right_wrist);
    expect(s[lForearm].n).toBe(2);
    expect(s[lForearm].meanMm).toBeCloseTo(250, 6);
    expect(s[lForearm].stdMm).toBeCloseTo(50, 6);
    expect(s[rForearm].n).toBe(3);
    const shank = COCO17_LIMBS.findIndex(([a, b]) => a === JOINT.left_knee && b === JOINT.left_ankle);
    expect(s[shank].meanMm).toBeCloseTo(400, 6);
    expect(s[shank].stdMm).toBeCloseTo(0, 9);
    expect(boneLengthStats([null], COCO17_LIMBS)[0].n).toBe(0);
  });
});

describe('comparison with a reference', () => {
  it('separates a constant offset from shape disagreement and spots a left/right swap and a mirror image', () => {
    const refs = [body(0), body(0.5), null];
    const shifted = [body(0.01), body(0.51), body(0)];
    const c = compareToReference(shifted, refs);
    expect(c.frames).toBe(2);
    expect(c.meanMm).toBeCloseTo(10, 6);
    expect(c.centredMeanMm).toBeCloseTo(0, 6);
    expect(c.meanOffsetMm[0]).toBeCloseTo(10, 6);
    expect(c.scaleRatio).toBeCloseTo(1, 9);
    expect(c.flippedFrames).toBe(0);
    expect(c.mirroredFrames).toBe(0);
    expect(c.jointCoverage).toBe(1);

    // Left/right labels swapped: a mirror image of the body in its own sagittal plane.
    const swapped = refs.map((r) => {
      if (!r) return null;
      const J = new Float64Array(r.joints.length);
      for (let j = 0; j < NUM_JOINTS; j++) J.set(r.joints.subarray(3 * COCO17_FLIP[j], 3 * COCO17_FLIP[j] + 3), 3 * j);
      return { joints: J, valid: r.valid };
    });
    const s = compareToReference(swapped, refs);
    expect(s.flippedFrames).toBe(2);
    expect(s.mirroredFrames).toBe(2);
    expect(chirality(refs[0]!)).toBe(1);
    expect(chirality(swapped[0]!)).toBe(-1);
  });

  it('counts missing poses and joints, and measures scale', () => {
    const half = body();
    const big = { joints: half.joints.map((x) => 2 * x), valid: half.valid };
    const partial = { ...body(), valid: new Uint8Array(NUM_JOINTS).fill(1).fill(0, 0, 5) };
    const c = compareToReference([big, null, partial], [body(), body(), body()]);
    expect(c.noPose).toBe(1);
    expect(c.compared).toBe(2);
    expect(c.jointCoverage).toBeCloseTo((17 + 12) / (2 * 17), 9); // over frames with a pose, as in src/eval
    expect(c.scaleRatio).toBeCloseTo(1.5, 9); // median of [1, 2]: their mean (src/util/stats.ts)
    expect(() => compareToReference([null], [])).toThrow();
  });

  it('per joint: mean distance, systematic offset, and what is left once it is removed', () => {
    const refs = [body(0), body(0.2)];
    const lowAnkles = refs.map((r) => {
      const J = Float64Array.from(r!.joints);
      J[3 * JOINT.left_ankle + 2] -= 0.03;
      J[3 * JOINT.right_ankle + 2] -= 0.03;
      return { joints: J, valid: r!.valid };
    });
    const d = perJointDisagreement(lowAnkles, refs);
    expect(d[JOINT.left_ankle].meanMm).toBeCloseTo(30, 6);
    expect(d[JOINT.left_ankle].offsetMm[2]).toBeCloseTo(-30, 6);
    expect(d[JOINT.nose].meanMm).toBeCloseTo(0, 9);
    expect(debiasedMeanMm(lowAnkles, refs)).toBeCloseTo(0, 6);
    expect(compareToReference(lowAnkles, refs).meanMm).toBeCloseTo(60 / 17, 6);
    const up = bodyUp(refs)!;
    expect(up[2]).toBeCloseTo(1, 9);
    expect(bodyUp([null])).toBeNull();
  });
});
