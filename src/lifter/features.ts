/**
 * The lifter's rig-agnostic inputs for one frame set: the TypeScript twin of training/parallax_train/features.py,
 * pinned to it by src/lifter/__fixtures__/parity-io.json (written by training/export_parity_fixture.py).
 *
 * Tokens are world rays and camera centres in a canonical frame made only from the rig and the detections: origin
 * at a robust anchor (the mean triangulated torso joint), z = up from the cameras (their image-right axes are
 * horizontal when mounted without roll), x = horizontal direction from the first usable camera to the anchor. A
 * rigid motion of the world frame leaves the tokens unchanged, so the lifter's world output moves with the world.
 */
import { cameraCenter, pixelToNormalized, type Camera } from '../geometry/camera';
import { closestPointToRays } from '../geometry/rays';
import { RIG_UP, rigUp } from '../geometry/rig-up';
import type { FrameViews } from '../fusion/types';
import { NUM_JOINTS } from '../keypoints/coco17';

export const N_FEATURES = 19;
export const FEATURE_CONSTANTS = {
  n_features: N_FEATURES,
  torso: [5, 6, 11, 12],
  anchor_iters: 10,
  anchor_cauchy_m: 0.3,
  tri_iters: 5,
  tri_cauchy_m: 0.05,
  min_condition: 1e-3,
  up_prior: RIG_UP.prior,
  up_spread: RIG_UP.spread,
  up_max_dev_deg: RIG_UP.maxDevDeg,
} as const;
const C_ = FEATURE_CONSTANTS;
const J = NUM_JOINTS;

export interface FrameFeatures {
  /** false: fewer than 2 usable views or no well-posed anchor; everything else is zero then. */
  ok: boolean;
  /** Why not ok, for the UI and the eval log. */
  reason?: string;
  /** V×J×F token features, zero where mask is 0. */
  tokens: Float64Array;
  /** V×J, 1 = usable token. */
  mask: Float64Array;
  /** J×3 canonical starting estimate. */
  base: Float64Array;
  /** World anchor (canonical origin). */
  anchor: Float64Array;
  /** Rows = canonical axes in world (x forward, y left, z up), row-major 3×3. */
  frame: Float64Array;
  nViews: number;
}

/** Features for one frame set; views[v] null = no detection in camera v. */
export function frameFeatures(cameras: readonly Camera[], views: FrameViews): FrameFeatures {
  const V = cameras.length;
  const F = N_FEATURES;
  const out: FrameFeatures = {
    ok: false,
    tokens: new Float64Array(V * J * F),
    mask: new Float64Array(V * J),
    base: new Float64Array(J * 3),
    anchor: new Float64Array(3),
    frame: new Float64Array(9),
    nViews: 0,
  };
  const d = new Float64Array(V * J * 3);
  const score = new Float64Array(V * J);
  const valid = new Uint8Array(V * J);
  const centres = new Float64Array(V * 3);
  const nrm = new Float64Array(2);
  const viewUsed = new Uint8Array(V);
  for (let v = 0; v < V; v++) {
    const cam = cameras[v];
    cameraCenter(cam, centres.subarray(3 * v, 3 * v + 3));
    const kp = v < views.length ? views[v] : null;
    if (!kp) continue;
    for (let j = 0; j < J; j++) {
      const u = kp[3 * j], vv = kp[3 * j + 1], sRaw = kp[3 * j + 2];
      if (!(Number.isFinite(u) && Number.isFinite(vv) && Number.isFinite(sRaw))) continue;
      const s = Math.min(1, Math.max(0, sRaw));
      if (!(s > 0)) continue;
      if (!pixelToNormalized(cam, u, vv, nrm) || !Number.isFinite(nrm[0]) || !Number.isFinite(nrm[1])) continue;
      const R = cam.R;
      const wx = R[0] * nrm[0] + R[3] * nrm[1] + R[6];
      const wy = R[1] * nrm[0] + R[4] * nrm[1] + R[7];
      const wz = R[2] * nrm[0] + R[5] * nrm[1] + R[8];
      const n = Math.hypot(wx, wy, wz);
      const k = v * J + j;
      d[3 * k] = wx / n;
      d[3 * k + 1] = wy / n;
      d[3 * k + 2] = wz / n;
      score[k] = s;
      valid[k] = 1;
      viewUsed[v] = 1;
    }
  }
  let nViews = 0;
  for (let v = 0; v < V; v++) nViews += viewUsed[v];
  out.nViews = nViews;

  // Per-joint triangulation across the views that see it.
  const tri = new Float64Array(J * 3);
  const triOk = new Uint8Array(J);
  const dj = new Float64Array(V * 3), cj = new Float64Array(V * 3), wj = new Float64Array(V);
  for (let j = 0; j < J; j++) {
    let seen = 0;
    for (let v = 0; v < V; v++) {
      const k = v * J + j;
      for (let a = 0; a < 3; a++) {
        dj[3 * v + a] = d[3 * k + a];
        cj[3 * v + a] = centres[3 * v + a];
      }
      wj[v] = valid[k] ? score[k] : 0;
      seen += valid[k];
    }
    const r = closestPointToRays(dj, cj, wj, V, C_.tri_iters, C_.tri_cauchy_m, C_.min_condition);
    tri.set(r.X, 3 * j);
    triOk[j] = r.ok && seen >= 2 ? 1 : 0;
  }

  // Anchor: mean triangulated torso joint, else the robust point closest to every ray.
  const A = new Float64Array(3);
  let nt = 0;
  for (const j of C_.torso) {
    if (!triOk[j]) continue;
    nt++;
    for (let a = 0; a < 3; a++) A[a] += tri[3 * j + a];
  }
  let anchorOk = nt > 0;
  if (nt > 0) {
    for (let a = 0; a < 3; a++) A[a] /= nt;
  } else {
    const call = new Float64Array(V * J * 3), wall = new Float64Array(V * J);
    for (let k = 0; k < V * J; k++) {
      const v = Math.floor(k / J);
      for (let a = 0; a < 3; a++) call[3 * k + a] = centres[3 * v + a];
      wall[k] = valid[k] ? score[k] : 0;
    }
    const r = closestPointToRays(d, call, wall, V * J, C_.anchor_iters, C_.anchor_cauchy_m, C_.min_condition);
    A.set(r.X);
    anchorOk = r.ok;
  }
  if (nViews < 2) {
    out.reason = `${nViews} usable view${nViews === 1 ? '' : 's'}: the lifter needs at least 2`;
    return out;
  }
  if (!anchorOk) {
    out.reason = 'the rays do not meet (views too close to parallel)';
    return out;
  }

  // Up from the rig, never the world axes (src/geometry/rig-up.ts).
  let first = 0;
  while (!viewUsed[first]) first++;
  const up = rigUp(cameras, viewUsed, { spread: C_.up_spread, prior: C_.up_prior, maxDevDeg: C_.up_max_dev_deg });
  const Rf = cameras[first].R;
  let fwd = [A[0] - centres[3 * first], A[1] - centres[3 * first + 1], A[2] - centres[3 * first + 2]];
  const orth = (x: number[]) => {
    const s = x[0] * up[0] + x[1] * up[1] + x[2] * up[2];
    return [x[0] - s * up[0], x[1] - s * up[1], x[2] - s * up[2]];
  };
  fwd = orth(fwd);
  if (!(Math.hypot(fwd[0], fwd[1], fwd[2]) > 1e-6)) fwd = orth([Rf[6], Rf[7], Rf[8]]);
  const fn = Math.max(Math.hypot(fwd[0], fwd[1], fwd[2]), 1e-300);
  const x = fwd.map((c) => c / fn);
  const y = [up[1] * x[2] - up[2] * x[1], up[2] * x[0] - up[0] * x[2], up[0] * x[1] - up[1] * x[0]];
  const Q = out.frame;
  Q.set([...x, ...y, ...up]);
  out.anchor.set(A);
  out.ok = true;

  const rot = (vx: number, vy: number, vz: number, o: Float64Array, off: number) => {
    o[off] = Q[0] * vx + Q[1] * vy + Q[2] * vz;
    o[off + 1] = Q[3] * vx + Q[4] * vy + Q[5] * vz;
    o[off + 2] = Q[6] * vx + Q[7] * vy + Q[8] * vz;
  };
  const triq = new Float64Array(J * 3);
  for (let j = 0; j < J; j++)
    if (triOk[j]) rot(tri[3 * j] - A[0], tri[3 * j + 1] - A[1], tri[3 * j + 2] - A[2], triq, 3 * j);

  const tmp = new Float64Array(3);
  const pSum = new Float64Array(J * 3), pCnt = new Float64Array(J);
  for (let v = 0; v < V; v++) {
    const cx = centres[3 * v], cy = centres[3 * v + 1], cz = centres[3 * v + 2];
    rot(cx - A[0], cy - A[1], cz - A[2], tmp, 0);
    const cn = Math.hypot(tmp[0], tmp[1], tmp[2]);
    const cdiv = Math.max(cn, 1e-300);
    const logC = Math.log(Math.max(cn, 1e-3));
    for (let j = 0; j < J; j++) {
      const k = v * J + j;
      if (!valid[k]) continue;
      const o = k * F;
      const T = out.tokens;
      const dx = d[3 * k], dy = d[3 * k + 1], dz = d[3 * k + 2];
      rot(dx, dy, dz, T, o);
      T[o + 3] = tmp[0] / cdiv;
      T[o + 4] = tmp[1] / cdiv;
      T[o + 5] = tmp[2] / cdiv;
      T[o + 6] = logC;
      const s = (A[0] - cx) * dx + (A[1] - cy) * dy + (A[2] - cz) * dz;
      rot(cx + s * dx - A[0], cy + s * dy - A[1], cz + s * dz - A[2], T, o + 7);
      pSum[3 * j] += T[o + 7];
      pSum[3 * j + 1] += T[o + 8];
      pSum[3 * j + 2] += T[o + 9];
      pCnt[j] += 1;
      if (triOk[j]) {
        T[o + 10] = triq[3 * j];
        T[o + 11] = triq[3 * j + 1];
        T[o + 12] = triq[3 * j + 2];
        T[o + 13] = 1;
        const ex = tri[3 * j] - cx, ey = tri[3 * j + 1] - cy, ez = tri[3 * j + 2] - cz;
        const st = ex * dx + ey * dy + ez * dz;
        rot(ex - st * dx, ey - st * dy, ez - st * dz, T, o + 14);
      }
      T[o + 17] = score[k];
      T[o + 18] = 1;
      out.mask[k] = 1;
    }
  }
  for (let j = 0; j < J; j++) {
    for (let a = 0; a < 3; a++) {
      out.base[3 * j + a] = triOk[j] ? triq[3 * j + a] : pCnt[j] > 0 ? pSum[3 * j + a] / pCnt[j] : 0;
    }
  }
  return out;
}

/** Canonical J×3 → world J×3 (X = Qᵀ p + A). */
export function canonicalToWorld(f: FrameFeatures, can: ArrayLike<number>, out = new Float64Array(J * 3)): Float64Array {
  const Q = f.frame, A = f.anchor;
  for (let j = 0; j < J; j++) {
    const px = can[3 * j], py = can[3 * j + 1], pz = can[3 * j + 2];
    out[3 * j] = Q[0] * px + Q[3] * py + Q[6] * pz + A[0];
    out[3 * j + 1] = Q[1] * px + Q[4] * py + Q[7] * pz + A[1];
    out[3 * j + 2] = Q[2] * px + Q[5] * py + Q[8] * pz + A[2];
  }
  return out;
}
