/**
 * Geometry that cannot see depth gives no estimate (issue 12): cameras at one place, or rays meeting at less than
 * MIN_RAY_ANGLE_DEG, get "no estimate" with the reason from DLT, robust triangulation and the lifter; the threshold
 * is held at its boundary.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { lookAtCamera, type Camera } from '../geometry/camera';
import { maxRayAngleDeg, MIN_RAY_ANGLE_DEG } from '../geometry/ray-angle';
import { NUM_JOINTS } from '../keypoints/coco17';
import { LifterMethod } from '../lifter/lifter';
import { loadLifterNetFromDir } from '../lifter/load-node';
import { projectPose, seededRandom, standingPose } from '../testing/synthetic';
import { JOINT_STATUS_REASONS, JointStatus, prepareRig, triangulatePose } from './triangulate';

/** Cameras all at `eye`, each looking at a different spot around the figure: zero baseline. */
function sameSpotRig(n: number): Camera[] {
  return Array.from({ length: n }, (_, i) =>
    lookAtCamera({ name: `cam${i + 1}`, width: 1280, height: 720, hfovDeg: 70, eye: [0, 1.5, 4], target: [0.3 * Math.sin(i), 1 + 0.1 * i, 0] }),
  );
}

/** Two cameras 5 m from the point P, placed so their rays to P meet at exactly `deg` degrees. */
function pairAt(deg: number, P = [0, 1, 0]): Camera[] {
  const half = (deg * Math.PI) / 360;
  return [-1, 1].map((s, i) =>
    lookAtCamera({ name: `cam${i + 1}`, width: 1280, height: 720, hfovDeg: 60, eye: [P[0] + 5 * Math.sin(s * half), P[1], P[2] + 5 * Math.cos(s * half)], target: P }),
  );
}

/** Views of one joint (the nose) at P, every other joint missing. */
function noseOnly(cams: Camera[], P = [0, 1, 0]) {
  const pose = standingPose();
  pose.set(P, 0);
  return projectPose(cams, pose).map((v) => {
    for (let j = 1; j < NUM_JOINTS; j++) v[3 * j + 2] = 0;
    return v;
  });
}

describe('the ray-angle measure', () => {
  it('measures the angle between the lines: parallel and opposite rays both see no depth', () => {
    const d = (deg: number) => [0, 0, 1, Math.sin((deg * Math.PI) / 180), 0, Math.cos((deg * Math.PI) / 180)];
    expect(maxRayAngleDeg(d(2), 2)).toBeCloseTo(2, 9);
    expect(maxRayAngleDeg(d(1e-4), 2)).toBeCloseTo(1e-4, 9);
    expect(maxRayAngleDeg(d(178), 2)).toBeCloseTo(2, 9);
    expect(maxRayAngleDeg(d(90), 2)).toBeCloseTo(90, 9);
    expect(maxRayAngleDeg([0, 0, 1], 1)).toBe(0);
  });
});

describe('triangulation refuses joints whose rays cannot see depth', () => {
  it('cameras at the same position, 1 px noise: no estimate from DLT or robust, with the reason', () => {
    const cams = sameSpotRig(3);
    const rig = prepareRig(cams);
    const views = projectPose(cams, standingPose(), 1, seededRandom(3));
    for (const method of ['dlt', 'robust'] as const) {
      const status = new Uint8Array(NUM_JOINTS);
      expect(triangulatePose(rig, views, method, status), method).toBeNull();
      expect(Array.from(status).every((s) => s === JointStatus.narrowRays), method).toBe(true);
    }
    expect(JOINT_STATUS_REASONS[JointStatus.narrowRays]).toMatch(/cannot see its depth/);
  });

  it('holds the threshold at its boundary: rays at 2.02° give the joint, at 1.98° they do not', () => {
    expect(MIN_RAY_ANGLE_DEG).toBe(2);
    for (const method of ['dlt', 'robust'] as const) {
      const above = pairAt(MIN_RAY_ANGLE_DEG * 1.01);
      const pose = triangulatePose(prepareRig(above), noseOnly(above), method)!;
      expect(pose.valid[0], method).toBe(1);
      expect(Math.hypot(pose.joints[0], pose.joints[1] - 1, pose.joints[2])).toBeLessThan(1e-6);
      const below = pairAt(MIN_RAY_ANGLE_DEG * 0.99);
      const status = new Uint8Array(NUM_JOINTS);
      expect(triangulatePose(prepareRig(below), noseOnly(below), method, status), method).toBeNull();
      expect(status[0]).toBe(JointStatus.narrowRays);
    }
  });

  it('opposite cameras looking down one line see no depth of a point on it', () => {
    const cams = pairAt(180 - 1);
    const status = new Uint8Array(NUM_JOINTS);
    expect(triangulatePose(prepareRig(cams), noseOnly(cams), 'dlt', status)).toBeNull();
    expect(status[0]).toBe(JointStatus.narrowRays);
  });

  it('a pose with some narrow joints keeps the others and says how many were refused', () => {
    const cams = pairAt(10);
    const views = noseOnly(cams);
    // A second joint seen from a nearly common direction: the left eye far away along the cameras' bisector.
    const far = [0, 1, -400];
    const px = projectPose(cams, Float64Array.from({ length: 51 }, (_, k) => far[k % 3]));
    views.forEach((v, i) => {
      v[3] = px[i][3];
      v[4] = px[i][4];
      v[5] = 0.9;
    });
    const pose = triangulatePose(prepareRig(cams), views, 'dlt')!;
    expect(pose.valid[0]).toBe(1);
    expect(pose.valid[1]).toBe(0);
    expect(pose.status[1]).toBe(JointStatus.narrowRays);
    expect(pose.info?.noEstimateReason).toMatch(/1 joint: the rays meet at less than 2°/);
  });

  it('rays that meet only behind the cameras give no estimate', () => {
    const cams = [-1, 1].map((x, i) => lookAtCamera({ name: `c${i}`, width: 1280, height: 720, hfovDeg: 60, eye: [x, 1, 4], target: [x, 1, 0] }));
    const views = noseOnly(cams, [0, 1, 0]).map((v, i) => {
      // Diverging rays: each camera sees the point on the far side of its own axis.
      v[0] = 640 + (i === 0 ? -200 : 200);
      v[1] = 360;
      return v;
    });
    const status = new Uint8Array(NUM_JOINTS);
    expect(triangulatePose(prepareRig(cams), views, 'dlt', status)).toBeNull();
    expect(status[0]).toBe(JointStatus.noSolution);
  });
});

describe('the lifter refuses a pose whose views cannot see depth', () => {
  let lifter: LifterMethod;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    lifter = new LifterMethod(await loadLifterNetFromDir(), { fallback: null });
  });

  it('cameras at the same position: no pose, and the reason', async () => {
    const cams = sameSpotRig(3);
    const [r] = await lifter.estimateDetailed(cams, [projectPose(cams, standingPose(), 1, seededRandom(3))]);
    expect(r.pose).toBeNull();
    expect(r.reason).toMatch(/less than 2°: the cameras cannot see depth/);
  });

  it('holds the threshold at its boundary: the median joint at 0.9 × 2° is refused, at 1.1 × 2° lifted', async () => {
    const P = [0, 0.9, 0];
    const [below] = await lifter.estimateDetailed(pairAt(0.9 * MIN_RAY_ANGLE_DEG, P), [projectPose(pairAt(0.9 * MIN_RAY_ANGLE_DEG, P), standingPose())]);
    expect(below.pose).toBeNull();
    expect(below.reason).toMatch(/meet at 1\.\d\d° \(median over joints\), less than 2°/);
    const [above] = await lifter.estimateDetailed(pairAt(1.1 * MIN_RAY_ANGLE_DEG, P), [projectPose(pairAt(1.1 * MIN_RAY_ANGLE_DEG, P), standingPose())]);
    expect(above.reason ?? '').not.toMatch(/cannot see depth/);
  });

  it('rays that meet only behind the cameras: no pose, and the reason', async () => {
    const cams = [-1, 1].map((x, i) => lookAtCamera({ name: `c${i}`, width: 1280, height: 720, hfovDeg: 60, eye: [x, 1, 4], target: [x, 1, 0] }));
    const views = projectPose(cams, standingPose()).map((v, i) => {
      for (let j = 0; j < NUM_JOINTS; j++) {
        v[3 * j] = 640 + (i === 0 ? -200 : 200) + 3 * j;
        v[3 * j + 1] = 200 + 20 * j;
        v[3 * j + 2] = 0.9;
      }
      return v;
    });
    const [r] = await lifter.estimateDetailed(cams, [views]);
    expect(r.pose).toBeNull();
    expect(r.reason).toMatch(/^the rays meet behind camera c[01]$/);
  });

  it('a rig that sees depth still gets its pose', async () => {
    const cams = pairAt(60, [0, 0.9, 0]);
    const [r] = await lifter.estimateDetailed(cams, [projectPose(cams, standingPose())]);
    expect(r.pose, r.reason).not.toBeNull();
  });
});
