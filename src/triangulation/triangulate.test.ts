import { describe, expect, it } from 'vitest';
import { prepareRig, triangulatePose } from './triangulate';
import { TriangulationMethod } from './methods';
import { NUM_JOINTS } from '../keypoints/coco17';
import { projectPose, ringRig, seededRandom, standingPose } from '../testing/synthetic';

function maxError(a: Float64Array, b: Float64Array, valid: Uint8Array): number {
  let worst = 0;
  for (let j = 0; j < NUM_JOINTS; j++) {
    if (!valid[j]) continue;
    worst = Math.max(worst, Math.hypot(a[3 * j] - b[3 * j], a[3 * j + 1] - b[3 * j + 1], a[3 * j + 2] - b[3 * j + 2]));
  }
  return worst;
}

describe('triangulation', () => {
  const gt = standingPose();

  for (const n of [2, 3, 4, 8]) {
    it(`DLT is exact on noise-free views (${n} views, with lens distortion)`, () => {
      // Two opposite cameras see along one line; take two of a four-camera ring (90° apart) instead.
      const cams = ringRig(Math.max(n, 4), 3.5, 1.8, { dist: [-0.2, 0.05, 0.001, 0.0005, 0] }).slice(0, n);
      const pose = triangulatePose(prepareRig(cams), projectPose(cams, gt), 'dlt')!;
      expect(pose.valid.every((v) => v === 1)).toBe(true);
      expect(maxError(pose.joints, gt, pose.valid)).toBeLessThan(1e-6);
      const robust = triangulatePose(prepareRig(cams), projectPose(cams, gt), 'robust')!;
      expect(maxError(robust.joints, gt, robust.valid)).toBeLessThan(1e-6);
    });
  }

  it('the robust variant survives one view with a 200 px outlier among four (1 px noise elsewhere)', () => {
    const cams = ringRig(4);
    const rand = seededRandom(42);
    let worstRobust = 0, worstDlt = 0, sumRobust = 0, nRobust = 0;
    for (let trial = 0; trial < 20; trial++) {
      const views = projectPose(cams, gt, 1, rand);
      const bad = trial % 4;
      for (let j = 0; j < NUM_JOINTS; j++) {
        const a = rand() * 2 * Math.PI;
        views[bad][3 * j] += 200 * Math.cos(a);
        views[bad][3 * j + 1] += 200 * Math.sin(a);
      }
      const rig = prepareRig(cams);
      const robust = triangulatePose(rig, views, 'robust')!;
      const dlt = triangulatePose(rig, views, 'dlt')!;
      expect(robust.valid.every((v) => v === 1)).toBe(true);
      worstRobust = Math.max(worstRobust, maxError(robust.joints, gt, robust.valid));
      for (let j = 0; j < NUM_JOINTS; j++, nRobust++)
        sumRobust += Math.hypot(robust.joints[3 * j] - gt[3 * j], robust.joints[3 * j + 1] - gt[3 * j + 1], robust.joints[3 * j + 2] - gt[3 * j + 2]);
      worstDlt = Math.max(worstDlt, maxError(dlt.joints, gt, dlt.valid));
      for (let j = 0; j < NUM_JOINTS; j++) expect(robust.inlierMask[j] & (1 << bad)).toBe(0);
    }
    // 1 px elsewhere is 3 mm at this range; the final all-views Cauchy step leaves the outlier a weight of ~0.002,
    // which moves the worst joint of 340 by a few mm (9.7 → 12.3 mm; mean 3.8 → 4.0 mm).
    expect(worstRobust).toBeLessThan(0.015);
    expect(sumRobust / nRobust).toBeLessThan(0.005);
    expect(worstDlt).toBeGreaterThan(0.05); // the outlier really does hurt the plain method
  });

  it('on light-tailed noise with 3 views the robust variant is no worse than DLT (no good view thrown away)', () => {
    // Gaussian 10 px plus one joint in 7 moved 50 px (the threshold here is ~60 px): the hard threshold alone,
    // dropping whichever view is beyond it, is 7 % worse than DLT on this (ratio 1.069); with the final all-views
    // Cauchy step 0.97.
    const cams = ringRig(3);
    const rand = seededRandom(7);
    const rig = prepareRig(cams);
    let eR = 0, eD = 0;
    for (let trial = 0; trial < 60; trial++) {
      const views = projectPose(cams, gt, 10, rand);
      for (const v of views) for (let j = 0; j < NUM_JOINTS; j++) if (rand() < 0.15) v[3 * j] += 50 * (rand() < 0.5 ? -1 : 1);
      const r = triangulatePose(rig, views, 'robust')!, d = triangulatePose(rig, views, 'dlt')!;
      for (let j = 0; j < NUM_JOINTS; j++) {
        eR += Math.hypot(r.joints[3 * j] - gt[3 * j], r.joints[3 * j + 1] - gt[3 * j + 1], r.joints[3 * j + 2] - gt[3 * j + 2]);
        eD += Math.hypot(d.joints[3 * j] - gt[3 * j], d.joints[3 * j + 1] - gt[3 * j + 1], d.joints[3 * j + 2] - gt[3 * j + 2]);
      }
    }
    expect(eR / eD).toBeLessThan(1.0);
  });

  it('joints with fewer than two usable views get no estimate, never a made-up point', () => {
    const cams = ringRig(3);
    const views: (Float32Array | null)[] = projectPose(cams, gt);
    views[1] = null;
    views[2]![3 * 5 + 2] = 0; // left shoulder missing in view 3 → only one view left
    views[0]![3 * 9] = NaN; // a NaN pixel is unusable, not a number to average
    const pose = triangulatePose(prepareRig(cams), views, 'robust')!;
    expect(pose.valid[5]).toBe(0);
    expect(pose.valid[9]).toBe(0);
    expect(pose.valid[0]).toBe(1);
    expect(pose.joints.every(Number.isFinite)).toBe(true);
    expect(triangulatePose(prepareRig(cams), [views[0], null, null], 'dlt')).toBeNull();
  });

  it('score weights pull DLT towards confident views', () => {
    const cams = ringRig(3);
    const views = projectPose(cams, gt);
    views[2][0] += 30; // nose off by 30 px in view 3
    const rig = prepareRig(cams);
    const confident = triangulatePose(rig, views, 'dlt')!;
    views[2][2] = 0.06;
    const weighted = triangulatePose(rig, views, 'dlt')!;
    const err = (p: Float64Array) => Math.hypot(p[0] - gt[0], p[1] - gt[1], p[2] - gt[2]);
    expect(err(weighted.joints)).toBeLessThan(err(confident.joints));
  });

  it('works as a FusionMethod over frames', async () => {
    const cams = ringRig(4);
    const m = new TriangulationMethod('robust');
    const out = await m.estimateFrames(cams, [projectPose(cams, gt), [null, null, null, null]]);
    expect(out[0]).not.toBeNull();
    expect(out[1]).toBeNull();
  });
});
