import { describe, expect, it } from 'vitest';
import { projectPoint } from '../geometry/camera';
import { figurePose } from '../sim/figure';
import { ringRig } from '../sim/rig';
import { reprojectPose, reprojectionErrorPx } from './overlay';
import { jointDistances, meanJointDistance, poseCentre } from './compare';

describe('reprojection overlay and pose comparisons', () => {
  const cam = ringRig(4)[1];
  const joints = figurePose(2);
  const pose = { joints, valid: new Uint8Array(17).fill(1) };

  it('reprojects with the camera model and measures per-view error in pixels', () => {
    const uv = reprojectPose(cam, pose);
    const p = new Float64Array(2);
    projectPoint(cam, joints[30], joints[31], joints[32], p);
    expect(uv[20]).toBeCloseTo(p[0], 9);
    const view = new Float32Array(51);
    for (let j = 0; j < 17; j++) {
      view[3 * j] = uv[2 * j] + 3;
      view[3 * j + 1] = uv[2 * j + 1] + 4;
      view[3 * j + 2] = j === 0 ? 0 : 0.9; // the nose is not detected: not counted
    }
    view[0] = 1000;
    expect(reprojectionErrorPx(cam, pose, view)).toBeCloseTo(5, 3);
    const partial = { joints, valid: new Uint8Array(17) };
    expect(Number.isNaN(reprojectionErrorPx(cam, partial, view))).toBe(true);
    expect(Number.isNaN(reprojectPose(cam, partial)[0])).toBe(true);
  });

  it('compares poses joint by joint, ignoring joints either lacks', () => {
    const moved = { joints: joints.map((v, i) => (i % 3 === 0 ? v + 0.1 : v)), valid: new Uint8Array(17).fill(1) };
    moved.valid[4] = 0;
    const d = jointDistances(pose, moved);
    expect(d[0]).toBeCloseTo(0.1, 9);
    expect(Number.isNaN(d[4])).toBe(true);
    expect(meanJointDistance(pose, moved)).toBeCloseTo(0.1, 9);
    expect(Number.isNaN(meanJointDistance(null, moved))).toBe(true);
    const c = poseCentre(pose)!;
    expect(c[1]).toBeCloseTo((joints[34] + joints[37]) / 2, 9);
    expect(poseCentre({ joints, valid: new Uint8Array(17) })).toBeNull();
  });
});
