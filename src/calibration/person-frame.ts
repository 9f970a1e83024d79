/**
 * Scale and world frame for a rig calibrated from a person: the stature from limb lengths, the floor from the
 * feet's lowest points over time, and similarity alignments between rigs (to keep a prior calibration's frame, or
 * to compare a result with a reference).
 */
import { cameraCenter, transformCameraWorld, type Camera } from '../geometry/camera';
import { symmetricEigen } from '../geometry/linalg';
import { orthonormalize } from '../geometry/rotation';
import { JOINT, NUM_JOINTS } from '../keypoints/coco17';
import { median } from '../util/stats';

/** X_new = s · M · X + c (M a rotation, row-major). */
export interface Similarity {
  s: number;
  M: Float64Array;
  c: Float64Array;
}

/** The same physical cameras in the frame X_new = s M X + c. */
export function transformRig(cameras: readonly Camera[], T: Similarity): Camera[] {
  return cameras.map((cam) => transformCameraWorld({ ...cam, t: cam.t.map((v) => v * T.s) }, T.M, T.c));
}

export function transformPoints(points: Float64Array, T: Similarity): Float64Array {
  const out = new Float64Array(points.length), M = T.M;
  for (let i = 0; i < points.length; i += 3) {
    const x = points[i], y = points[i + 1], z = points[i + 2];
    for (let k = 0; k < 3; k++) out[i + k] = T.s * (M[3 * k] * x + M[3 * k + 1] * y + M[3 * k + 2] * z) + T.c[k];
  }
  return out;
}

/**
 * The similarity that best maps `rig` onto `target` (same cameras, same order): rotation from the cameras'
 * orientations (chordal mean), scale and offset from their centres by least squares. `withScale` false keeps s = 1.
 */
export function alignRig(rig: readonly Camera[], target: readonly Camera[], withScale = true): Similarity {
  // R_target ≈ R_rig Mᵀ  ⇒  M ≈ R_targetᵀ R_rig
  const S = new Float64Array(9);
  rig.forEach((cam, i) => {
    const A = target[i].R, B = cam.R;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) S[r * 3 + c] += A[r] * B[c] + A[3 + r] * B[3 + c] + A[6 + r] * B[6 + c];
  });
  const M = orthonormalize(S);
  const a = rig.map((c) => cameraCenter(c)), b = target.map((c) => cameraCenter(c));
  const mean = (ps: Float64Array[]) => [0, 1, 2].map((k) => ps.reduce((s, p) => s + p[k], 0) / ps.length);
  const ma = mean(a), mb = mean(b);
  const rot = (p: ArrayLike<number>) => [0, 1, 2].map((k) => M[3 * k] * p[0] + M[3 * k + 1] * p[1] + M[3 * k + 2] * p[2]);
  let num = 0, den = 0;
  a.forEach((p, i) => {
    const q = rot([p[0] - ma[0], p[1] - ma[1], p[2] - ma[2]]);
    for (let k = 0; k < 3; k++) { num += q[k] * (b[i][k] - mb[k]); den += q[k] * q[k]; }
  });
  const s = withScale && den > 1e-12 ? num / den : 1;
  const rm = rot(ma);
  return { s, M, c: new Float64Array([0, 1, 2].map((k) => mb[k] - s * rm[k])) };
}

/**
 * Limb segments and their share of stature (Drillis & Contini 1966, as tabulated by Winter, "Biomechanics and
 * Motor Control of Human Movement"): shank 0.246, thigh 0.245, upper arm 0.186, forearm 0.146 — the COCO joints
 * that bound them are the ones a 2D detector finds most reliably.
 */
const SEGMENTS: ReadonlyArray<readonly [number, number, number, number, number]> = [
  [JOINT.left_knee, JOINT.left_ankle, JOINT.right_knee, JOINT.right_ankle, 0.246],
  [JOINT.left_hip, JOINT.left_knee, JOINT.right_hip, JOINT.right_knee, 0.245],
  [JOINT.left_shoulder, JOINT.left_elbow, JOINT.right_shoulder, JOINT.right_elbow, 0.186],
  [JOINT.left_elbow, JOINT.left_wrist, JOINT.right_elbow, JOINT.right_wrist, 0.146],
];

/** A person's joints over frames: poses[f] holds x, y, z × 17, valid[f][j] = 1 where joint j has a point. */
export interface PersonTrack {
  poses: Float64Array[];
  valid: Uint8Array[];
}

/** Stature from the median limb lengths (model units), NaN when no segment was seen. */
export function estimateStature(track: PersonTrack): number {
  let len = 0, share = 0;
  for (const [a1, b1, a2, b2, frac] of SEGMENTS) {
    const ls: number[] = [];
    track.poses.forEach((P, f) => {
      const V = track.valid[f];
      for (const [a, b] of [[a1, b1], [a2, b2]])
        if (V[a] && V[b]) ls.push(Math.hypot(P[3 * a] - P[3 * b], P[3 * a + 1] - P[3 * b + 1], P[3 * a + 2] - P[3 * b + 2]));
    });
    if (ls.length === 0) continue;
    len += median(ls);
    share += frac;
  }
  return share > 0 ? len / share : NaN;
}

export interface FloorFrame extends Similarity {
  /** Up in the input frame (unit). */
  up: Float64Array;
  /** True when the up came from a plane through the feet; false when from the body's axis (feet did not spread). */
  fromFeet: boolean;
  /** Feet points used. */
  feet: number;
}

/**
 * The app's world frame (Y up, floor at y = 0, metres when the track is) from the person: up from a plane through
 * the lower ankle of every frame (a walking person's standing foot is on the floor), or from the mean hips→shoulders
 * axis when the feet did not cover an area; the floor `ankleHeight` below the ankles; origin under the person's
 * mean position; X along the reference camera's image right, laid on the floor.
 */
export function floorFromFeet(track: PersonTrack, reference: Camera, ankleHeight: number, minSpread = 0.3): FloorFrame | null {
  const axis = [0, 0, 0];
  track.poses.forEach((P, f) => {
    const V = track.valid[f];
    const ids = [JOINT.left_shoulder, JOINT.right_shoulder, JOINT.left_hip, JOINT.right_hip];
    if (!ids.every((j) => V[j])) return;
    for (let k = 0; k < 3; k++) axis[k] += (P[3 * ids[0] + k] + P[3 * ids[1] + k] - P[3 * ids[2] + k] - P[3 * ids[3] + k]) / 2;
  });
  const na = Math.hypot(axis[0], axis[1], axis[2]);
  if (!(na > 0)) return null;
  let up = axis.map((v) => v / na);
  const lowest = (): number[][] => {
    const out: number[][] = [];
    track.poses.forEach((P, f) => {
      let best: number[] | null = null, h = Infinity;
      for (const j of [JOINT.left_ankle, JOINT.right_ankle]) {
        if (!track.valid[f][j]) continue;
        const p = [P[3 * j], P[3 * j + 1], P[3 * j + 2]];
        const hj = p[0] * up[0] + p[1] * up[1] + p[2] * up[2];
        if (hj < h) { h = hj; best = p; }
      }
      if (best) out.push(best);
    });
    return out;
  };
  let feet = lowest();
  if (feet.length < 3) return null;
  const fit = (pts: number[][]) => {
    const m = [0, 1, 2].map((k) => pts.reduce((s, p) => s + p[k], 0) / pts.length);
    const C = new Float64Array(9);
    for (const p of pts) for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) C[a * 3 + b] += ((p[a] - m[a]) * (p[b] - m[b])) / pts.length;
    return { m, ...symmetricEigen(C, 3) };
  };
  let { m, values, vectors } = fit(feet);
  let fromFeet = false;
  if (values[1] > minSpread * minSpread) {
    let n = [vectors[0], vectors[3], vectors[6]];
    if (n[0] * up[0] + n[1] * up[1] + n[2] * up[2] < 0) n = n.map((v) => -v);
    // A plane far from the body's axis is not the floor (feet on stairs, a bad fit): keep the axis then.
    if (n[0] * up[0] + n[1] * up[1] + n[2] * up[2] > Math.cos((30 * Math.PI) / 180)) {
      up = n;
      fromFeet = true;
      // Again with the better up: the lower foot may differ, and a foot in swing must not tilt the plane.
      feet = lowest();
      const hs = feet.map((p) => p[0] * up[0] + p[1] * up[1] + p[2] * up[2]);
      const mh = median(hs);
      const cut = mh + 3 * 1.4826 * median(hs.map((h) => Math.abs(h - mh))) + 1e-9;
      const flat = feet.filter((_, i) => hs[i] <= cut);
      ({ m, values, vectors } = fit(flat));
      let n2 = [vectors[0], vectors[3], vectors[6]];
      if (n2[0] * up[0] + n2[1] * up[1] + n2[2] * up[2] < 0) n2 = n2.map((v) => -v);
      up = n2;
    }
  }
  // Origin: the feet's mean, lowered to the floor. X: the reference camera's image right, on the floor.
  const o = m.map((v, k) => v - ankleHeight * up[k]);
  const r = [reference.R[0], reference.R[1], reference.R[2]];
  const d = r[0] * up[0] + r[1] * up[1] + r[2] * up[2];
  let X = r.map((v, k) => v - d * up[k]);
  const nx = Math.hypot(X[0], X[1], X[2]);
  X = nx > 1e-9 ? X.map((v) => v / nx) : Math.abs(up[0]) < 0.9 ? [1, 0, 0] : [0, 0, 1];
  const Z = [X[1] * up[2] - X[2] * up[1], X[2] * up[0] - X[0] * up[2], X[0] * up[1] - X[1] * up[0]];
  const M = new Float64Array([...X, ...up, ...Z]);
  const c = new Float64Array([0, 1, 2].map((k) => -(M[3 * k] * o[0] + M[3 * k + 1] * o[1] + M[3 * k + 2] * o[2])));
  return { s: 1, M, c, up: Float64Array.from(up), fromFeet, feet: feet.length };
}

/** Per frame, the joints' points from a flat list of (frame, joint) points. */
export function personTrack(points: Float64Array, frameOf: Int32Array, jointOf: Int32Array, nFrames: number): PersonTrack {
  const poses = Array.from({ length: nFrames }, () => new Float64Array(NUM_JOINTS * 3));
  const valid = Array.from({ length: nFrames }, () => new Uint8Array(NUM_JOINTS));
  for (let p = 0; p < frameOf.length; p++) {
    const f = frameOf[p], j = jointOf[p];
    poses[f].set(points.subarray(3 * p, 3 * p + 3), 3 * j);
    valid[f][j] = 1;
  }
  return { poses, valid };
}
