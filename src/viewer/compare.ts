/** Pure per-joint comparisons between poses (no three.js), used by the view, the numbers panel and tests. */
import type { Pose3D } from '../fusion/types';
import { NUM_JOINTS } from '../keypoints';

/** Distance in metres per joint between two poses; NaN where either has no estimate. */
export function jointDistances(a: Pose3D, b: { joints: Float64Array; valid: Uint8Array }, out = new Float64Array(NUM_JOINTS)): Float64Array {
  for (let j = 0; j < NUM_JOINTS; j++) {
    out[j] = a.valid[j] && b.valid[j]
      ? Math.hypot(a.joints[3 * j] - b.joints[3 * j], a.joints[3 * j + 1] - b.joints[3 * j + 1], a.joints[3 * j + 2] - b.joints[3 * j + 2])
      : NaN;
  }
  return out;
}

/** Mean per-joint distance in metres over joints valid in both (MPJPE when b is the truth); NaN if none. */
export function meanJointDistance(a: Pose3D | null | undefined, b: { joints: Float64Array; valid: Uint8Array } | null | undefined): number {
  if (!a || !b) return NaN;
  const d = jointDistances(a, b);
  let s = 0, n = 0;
  for (let j = 0; j < NUM_JOINTS; j++) if (!Number.isNaN(d[j])) { s += d[j]; n++; }
  return n ? s / n : NaN;
}

/** Centre of the valid hips (or of all valid joints when no hip is valid); null for an empty pose. */
export function poseCentre(p: Pose3D, out = new Float64Array(3)): Float64Array | null {
  const pick = p.valid[11] || p.valid[12] ? [11, 12] : Array.from({ length: NUM_JOINTS }, (_, j) => j);
  let n = 0;
  out.fill(0);
  for (const j of pick) if (p.valid[j]) { out[0] += p.joints[3 * j]; out[1] += p.joints[3 * j + 1]; out[2] += p.joints[3 * j + 2]; n++; }
  if (!n) return null;
  out[0] /= n; out[1] /= n; out[2] /= n;
  return out;
}
