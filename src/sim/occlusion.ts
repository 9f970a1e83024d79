/**
 * Who hides whom in a camera: each figure's silhouette is a set of capsules (torso, head, limbs) of fixed radii in
 * metres around its projected bones; a joint of a farther figure is hidden where a nearer figure's capsule covers
 * its pixel and lies in front of it. Coarse, but it hides the right joints at the right moments: legs behind legs,
 * a whole body behind a torso.
 */
import { depthOf, projectPoint, type Camera } from '../geometry/camera';
import { JOINT, NUM_JOINTS } from '../keypoints/coco17';

/** Capsules of a body: [joint a, joint b, radius m]; −1 stands for the shoulder centre, −2 the hip centre. */
const CAPSULES: ReadonlyArray<readonly [number, number, number]> = [
  [-1, -2, 0.16],
  [JOINT.nose, JOINT.nose, 0.11],
  [JOINT.left_shoulder, JOINT.left_elbow, 0.055],
  [JOINT.left_elbow, JOINT.left_wrist, 0.045],
  [JOINT.right_shoulder, JOINT.right_elbow, 0.055],
  [JOINT.right_elbow, JOINT.right_wrist, 0.045],
  [JOINT.left_hip, JOINT.left_knee, 0.075],
  [JOINT.left_knee, JOINT.left_ankle, 0.06],
  [JOINT.right_hip, JOINT.right_knee, 0.075],
  [JOINT.right_knee, JOINT.right_ankle, 0.06],
];

/** A figure seen by one camera: pixels and depths of its joints and of the two torso centres. */
export interface Projected {
  /** u, v × 19 (17 joints, shoulder centre, hip centre); NaN behind the camera. */
  uv: Float64Array;
  depth: Float64Array;
}

export function projectFigure(cam: Camera, joints: Float64Array): Projected {
  const pts = new Float64Array(19 * 3);
  pts.set(joints.subarray(0, NUM_JOINTS * 3));
  for (let a = 0; a < 3; a++) {
    pts[3 * 17 + a] = 0.5 * (joints[3 * JOINT.left_shoulder + a] + joints[3 * JOINT.right_shoulder + a]);
    pts[3 * 18 + a] = 0.5 * (joints[3 * JOINT.left_hip + a] + joints[3 * JOINT.right_hip + a]);
  }
  const uv = new Float64Array(19 * 2), depth = new Float64Array(19);
  for (let i = 0; i < 19; i++) {
    projectPoint(cam, pts[3 * i], pts[3 * i + 1], pts[3 * i + 2], uv, 2 * i);
    depth[i] = depthOf(cam, pts[3 * i], pts[3 * i + 1], pts[3 * i + 2]);
  }
  return { uv, depth };
}

const idx = (j: number) => (j === -1 ? 17 : j === -2 ? 18 : j);

/**
 * Marks in `hidden` (per joint of `far`) the joints that `near`'s capsules cover in this camera, and returns the
 * occluder's nearest joint in `grabbed` (−1 where not hidden or nearest to a torso centre) and `nearIndex` in
 * `owner`, for a detector that grabs the occluder's body part.
 */
export function occludedJoints(cam: Camera, near: Projected, far: Projected, hidden: Uint8Array, grabbed: Int32Array, owner: Int32Array, nearIndex: number): void {
  const f = cam.K[0];
  for (let j = 0; j < NUM_JOINTS; j++) {
    const px = far.uv[2 * j], py = far.uv[2 * j + 1], zj = far.depth[j];
    if (!Number.isFinite(px) || !(zj > 0) || hidden[j]) continue;
    for (const [a0, b0, r] of CAPSULES) {
      const a = idx(a0), b = idx(b0);
      const ax = near.uv[2 * a], ay = near.uv[2 * a + 1], bx = near.uv[2 * b], by = near.uv[2 * b + 1];
      if (!Number.isFinite(ax) || !Number.isFinite(bx)) continue;
      const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
      const s = len2 > 0 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
      const z = near.depth[a] + s * (near.depth[b] - near.depth[a]);
      // In front by more than the body's own thickness, and covering the pixel.
      if (!(z > 0) || z > zj - 0.15) continue;
      const rpx = (r * f) / z;
      if (Math.hypot(px - (ax + s * dx), py - (ay + s * dy)) > rpx) continue;
      hidden[j] = 1;
      const k = s < 0.5 ? a : b;
      grabbed[j] = k < NUM_JOINTS ? k : -1;
      owner[j] = nearIndex;
      break;
    }
  }
}
