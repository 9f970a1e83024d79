/**
 * Triangulation of COCO-17 joints from N ≥ 2 calibrated views.
 *
 * - DLT: the linear estimate, each view's two equations weighted by the detector's score.
 * - Robust: hypotheses from every pair of views, the one with the largest score-weighted inlier support wins
 *   (inlier = reprojection error below a threshold), re-estimated on its inliers and refined by minimising the
 *   score-weighted reprojection error (Levenberg–Marquardt with a Huber loss), then any view still beyond the
 *   threshold is dropped while ≥ 2 remain. Last, with 3+ views, every view comes back in a final refinement
 *   with a redescending (Cauchy) loss started from that consensus (`softRefine`): views far beyond the threshold
 *   keep almost no weight, while a good view that the hard threshold cut on a noisy frame still counts for part of
 *   its weight. Its scale follows the frame's own residuals (4 × their median, as a fraction of the box), capped:
 *   precise detections get a tight loss, so a gross outlier cannot pull them.
 *
 * Errors are measured relative to the person's size in each view (the diagonal of the box around that view's
 * detected joints): a 2D detector works on a crop resized to a fixed input, so its error grows with the person's
 * image size, and a near camera's 20 px can be as good as a far camera's 5 px. MoveNet's measured residuals on a
 * real 4-camera recording have their 99th percentile near 0.1 of the box (docs/benchmarks.md), which sets the
 * default inlier gate.
 *
 * A joint seen by fewer than 2 usable views, whose rays meet at less than `minRayAngleDeg` (the views cannot see its
 * depth: cameras at one place, or too far for their baseline; geometry/ray-angle.ts), or whose estimate lies behind
 * a camera, gets no estimate; `status` says which.
 */
import { depthOf, normalizedRay, pixelToNormalized, projectPoint, type Camera } from '../geometry/camera';
import { levenbergMarquardt } from '../geometry/lm';
import { symmetricEigen } from '../geometry/linalg';
import { maxRayAngleDeg, MIN_RAY_ANGLE_DEG } from '../geometry/ray-angle';
import { NUM_JOINTS } from '../keypoints/coco17';
import type { FrameViews, Pose3D } from '../fusion/types';

export interface TriangulationOptions {
  /** Views whose joint score is below this are ignored. */
  minScore: number;
  /** Inlier threshold as a fraction of the person's box diagonal in the view … */
  inlierFraction: number;
  /** … but never below this many pixels. */
  inlierMinPx: number;
  /** Refine the robust estimate by minimising reprojection error. */
  refine: boolean;
  /** Largest scale of the final all-views Cauchy refinement, as a fraction of the box diagonal (0: none). */
  softFraction: number;
  /** A joint whose used views' rays meet at less than this (degrees) gets no estimate. */
  minRayAngleDeg: number;
}

export const defaultTriangulationOptions: TriangulationOptions = {
  minScore: 0.05,
  inlierFraction: 0.1,
  inlierMinPx: 4,
  refine: true,
  // Chosen on the development set (bench-out/dev, held-out "val" subjects, never the benchmark's): fixed scales of
  // 0.03 / 0.06 / 0.10 / 0.15 were tried; 0.06 made robust no worse than DLT on light-tailed noise at 3+ views (it
  // was 2–8 % worse with the hard threshold alone) and better on outlier views.
  softFraction: 0.06,
  minRayAngleDeg: MIN_RAY_ANGLE_DEG,
};

/** Why a joint has, or has not, an estimate (TriangulatedPose.status). */
export const JointStatus = { ok: 0, fewViews: 1, narrowRays: 2, noSolution: 3 } as const;
export const JOINT_STATUS_REASONS = [
  'estimated',
  'fewer than 2 usable views',
  `the rays meet at less than ${MIN_RAY_ANGLE_DEG}° (by default): the views cannot see its depth`,
  'no intersection in front of the cameras',
] as const;

const rayDirs = new Float64Array(3 * 32);

/** Largest angle (degrees) between the rays of the observations whose view bit is set in mask. */
export function observationRayAngle(rig: PreparedRig, obs: readonly Observation[], mask: number): number {
  let n = 0;
  for (const o of obs) if (mask & (1 << o.view)) normalizedRay(rig.cameras[o.view], o.x, o.y, rayDirs, 3 * n++);
  return maxRayAngleDeg(rayDirs, n);
}

/** Per-camera quantities reused for every joint of every frame. */
export interface PreparedRig {
  cameras: readonly Camera[];
  /** [R | t] per camera, 3x4 row-major. */
  P: Float64Array[];
  options: TriangulationOptions;
}

export function prepareRig(cameras: readonly Camera[], opts: TriangulationOptions = defaultTriangulationOptions): PreparedRig {
  return {
    cameras,
    P: cameras.map((c) => {
      const P = new Float64Array(12);
      for (let i = 0; i < 3; i++) {
        P[4 * i] = c.R[3 * i]; P[4 * i + 1] = c.R[3 * i + 1]; P[4 * i + 2] = c.R[3 * i + 2]; P[4 * i + 3] = c.t[i];
      }
      return P;
    }),
    options: opts,
  };
}

/** One view's observation of a joint. */
export interface Observation {
  view: number;
  /** Raw (distorted) pixel. */
  u: number;
  v: number;
  /** Ideal normalised coordinates. */
  x: number;
  y: number;
  weight: number;
  /** The person's size in this view (box diagonal, px): the unit of this view's errors. */
  scale: number;
  /** Reprojection error (px) beyond which this view is an outlier for the joint. */
  threshold: number;
}

const ata = new Float64Array(16);
const row = new Float64Array(4);

function addRow(w: number): void {
  const n = Math.hypot(row[0], row[1], row[2], row[3]);
  if (n === 0) return;
  const s = w / n;
  for (let a = 0; a < 4; a++) {
    const ra = row[a] * s;
    for (let b = a; b < 4; b++) ata[4 * a + b] += ra * row[b] * s;
  }
}

/**
 * Weighted linear triangulation of one joint from the observations at the given indices. Writes the point to
 * out and returns true, or false when the system is degenerate or the point lies at infinity.
 */
export function dltPoint(rig: PreparedRig, obs: readonly Observation[], out: Float64Array, subset?: readonly number[]): boolean {
  ata.fill(0);
  const idx = subset ?? obs.map((_, i) => i);
  if (idx.length < 2) return false;
  for (const i of idx) {
    const o = obs[i];
    const P = rig.P[o.view];
    for (let k = 0; k < 4; k++) row[k] = o.x * P[8 + k] - P[k];
    addRow(o.weight);
    for (let k = 0; k < 4; k++) row[k] = o.y * P[8 + k] - P[4 + k];
    addRow(o.weight);
  }
  for (let a = 0; a < 4; a++) for (let b = 0; b < a; b++) ata[4 * a + b] = ata[4 * b + a];
  const { values, vectors } = symmetricEigen(ata, 4);
  // A well-posed joint has a one-dimensional null space; a second tiny eigenvalue means parallel rays.
  if (values[1] <= 1e-12 * Math.max(values[3], 1e-300)) return false;
  const w = vectors[12];
  if (Math.abs(w) < 1e-12) return false;
  out[0] = vectors[0] / w;
  out[1] = vectors[4] / w;
  out[2] = vectors[8] / w;
  return Number.isFinite(out[0]) && Number.isFinite(out[1]) && Number.isFinite(out[2]);
}

const proj = new Float64Array(2);

/** Pixel reprojection error of a point in one observation's view; Infinity when behind the camera. */
export function reprojectionError(rig: PreparedRig, o: Observation, X: ArrayLike<number>): number {
  if (!projectPoint(rig.cameras[o.view], X[0], X[1], X[2], proj)) return Infinity;
  return Math.hypot(proj[0] - o.u, proj[1] - o.v);
}

function inFrontOfAll(rig: PreparedRig, obs: readonly Observation[], subset: readonly number[], X: Float64Array): boolean {
  for (const i of subset) if (!(depthOf(rig.cameras[obs[i].view], X[0], X[1], X[2]) > 0)) return false;
  return true;
}

/** Minimises the score-weighted pixel reprojection error over the subset, starting from X (in place). */
function refinePoint(rig: PreparedRig, obs: readonly Observation[], subset: readonly number[], X: Float64Array, lossScale: number, loss: 'huber' | 'cauchy' = 'huber'): void {
  const res = levenbergMarquardt(
    {
      nParams: 3,
      nResiduals: 2 * subset.length,
      residuals(p, r) {
        subset.forEach((i, k) => {
          const o = obs[i];
          const sw = Math.sqrt(o.weight) / o.scale;
          if (!projectPoint(rig.cameras[o.view], p[0], p[1], p[2], proj)) {
            r[2 * k] = r[2 * k + 1] = 1e6;
            return;
          }
          r[2 * k] = sw * (proj[0] - o.u);
          r[2 * k + 1] = sw * (proj[1] - o.v);
        });
      },
    },
    X,
    { maxIterations: 10, loss, lossScale, costTolerance: 1e-10 },
  );
  if (res.params.every(Number.isFinite)) X.set(res.params);
}

export interface JointEstimate {
  ok: boolean;
  /** Views used in the final estimate (bit i = view i). */
  inlierMask: number;
  /** Mean pixel reprojection error over the used views. */
  meanErrorPx: number;
}

const cand = new Float64Array(3);

/** Robust estimate of one joint; see the file comment. */
export function robustPoint(rig: PreparedRig, obs: readonly Observation[], out: Float64Array, opts: TriangulationOptions): JointEstimate {
  const n = obs.length;
  const fail: JointEstimate = { ok: false, inlierMask: 0, meanErrorPx: NaN };
  if (n < 2) return fail;
  let best: number[] = [];
  if (n === 2) {
    best = [0, 1];
  } else {
    let bestSupport = -1, bestErr = Infinity;
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        if (!dltPoint(rig, obs, cand, [a, b])) continue;
        if (!inFrontOfAll(rig, obs, [a, b], cand)) continue;
        const inl: number[] = [];
        let support = 0, err = 0;
        for (let i = 0; i < n; i++) {
          const e = reprojectionError(rig, obs[i], cand);
          if (e < obs[i].threshold) {
            inl.push(i);
            support += obs[i].weight;
            err += e * obs[i].weight;
          }
        }
        if (inl.length < 2) continue;
        if (support > bestSupport + 1e-9 || (Math.abs(support - bestSupport) <= 1e-9 && err < bestErr)) {
          bestSupport = support;
          bestErr = err;
          best = inl;
        }
      }
    }
    if (best.length < 2) return fail;
  }
  if (!dltPoint(rig, obs, out, best) || !inFrontOfAll(rig, obs, best, out)) return fail;
  let used = best;
  if (opts.refine) refinePoint(rig, obs, used, out, 0.5 * opts.inlierFraction);
  // The pair hypothesis may have missed views that agree with the refined point: take every view within its
  // gate, once, and refine again.
  const regathered: number[] = [];
  for (let i = 0; i < n; i++) if (reprojectionError(rig, obs[i], out) < obs[i].threshold) regathered.push(i);
  if (regathered.length >= 2 && regathered.join() !== used.join()) {
    const prev = Float64Array.from(out);
    if (dltPoint(rig, obs, out, regathered) && inFrontOfAll(rig, obs, regathered, out)) {
      used = regathered;
      if (opts.refine) refinePoint(rig, obs, used, out, 0.5 * opts.inlierFraction);
    } else {
      out.set(prev);
    }
  }
  for (let pass = 0; pass < 3 && used.length > 2; pass++) {
    // Drop the worst view while it is beyond its gate and more than two remain.
    let worst = -1, worstRatio = 1;
    for (const i of used) {
      const ratio = reprojectionError(rig, obs[i], out) / obs[i].threshold;
      if (ratio > worstRatio) {
        worstRatio = ratio;
        worst = i;
      }
    }
    if (worst < 0) break;
    used = used.filter((i) => i !== worst);
    if (!dltPoint(rig, obs, out, used)) return fail;
    if (opts.refine) refinePoint(rig, obs, used, out, 0.5 * opts.inlierFraction);
  }
  if (!inFrontOfAll(rig, obs, used, out)) return fail;
  let mask = 0, errSum = 0;
  for (const i of used) {
    mask |= 1 << obs[i].view;
    errSum += reprojectionError(rig, obs[i], out);
  }
  return { ok: true, inlierMask: mask, meanErrorPx: errSum / used.length };
}

/** Below this the soft refinement's scale does not go (fraction of the box): sub-pixel residuals say little. */
const SOFT_MIN_FRACTION = 0.01;

/**
 * The final step of the robust estimate, in place: every view of the joint, Cauchy loss of `fraction` × each view's
 * box, from X. Keeps X if the result falls behind a camera of the consensus.
 */
export function softRefine(rig: PreparedRig, obs: readonly Observation[], X: Float64Array, fraction: number, consensusMask: number): void {
  const prev = Float64Array.from(X);
  const all = obs.map((_, i) => i);
  refinePoint(rig, obs, all, X, fraction, 'cauchy');
  const used = all.filter((i) => consensusMask & (1 << obs[i].view));
  if (!X.every(Number.isFinite) || !inFrontOfAll(rig, obs, used, X)) X.set(prev);
}

const normScratch = new Float64Array(2);

/**
 * The person's size in one view: the diagonal of the box around its joints scored ≥ minScore, in pixels. With
 * fewer than three such joints the box says little, and a fifth of the image diagonal stands in.
 */
export function personScale(cam: Camera, kp: ArrayLike<number>, minScore: number): number {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, n = 0;
  for (let j = 0; j < NUM_JOINTS; j++) {
    const x = kp[3 * j], y = kp[3 * j + 1];
    if (!(kp[3 * j + 2] >= minScore) || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    n++;
  }
  const fallback = 0.2 * Math.hypot(cam.width, cam.height);
  if (n < 3) return fallback;
  return Math.max(Math.hypot(maxX - minX, maxY - minY), 0.02 * fallback);
}

/** Per-view person scales of a frame set (0 for a missing view), computed once per frame set. */
export function viewScales(rig: PreparedRig, views: FrameViews, out = new Float64Array(rig.cameras.length)): Float64Array {
  for (let v = 0; v < rig.cameras.length; v++) {
    const kp = views[v];
    out[v] = kp ? personScale(rig.cameras[v], kp, rig.options.minScore) : 0;
  }
  return out;
}

/** The usable observations of joint j: views with a finite detection scored ≥ minScore that undistort. */
export function gatherObservations(
  rig: PreparedRig,
  views: FrameViews,
  scales: Float64Array,
  j: number,
  out: Observation[] = [],
): Observation[] {
  out.length = 0;
  const { minScore, inlierFraction, inlierMinPx } = rig.options;
  const nv = Math.min(views.length, rig.cameras.length);
  for (let v = 0; v < nv; v++) {
    const kp = views[v];
    if (!kp) continue;
    const u = kp[3 * j], w = kp[3 * j + 1], s = kp[3 * j + 2];
    if (!(s >= minScore) || !Number.isFinite(u) || !Number.isFinite(w)) continue;
    if (!pixelToNormalized(rig.cameras[v], u, w, normScratch)) continue;
    const scale = scales[v];
    out.push({ view: v, u, v: w, x: normScratch[0], y: normScratch[1], weight: Math.min(s, 1), scale, threshold: Math.max(inlierMinPx, inlierFraction * scale) });
  }
  return out;
}

export interface TriangulatedPose extends Pose3D {
  /** Per joint: views used (bitmask) and mean reprojection error in px (NaN-free: 0 where invalid). */
  inlierMask: Uint32Array;
  reprojErrorPx: Float64Array;
  /** Per joint: a JointStatus value (JOINT_STATUS_REASONS words it). */
  status: Uint8Array;
}

/**
 * Triangulates a whole COCO-17 pose. Returns null when no joint could be estimated. `method` 'dlt' is the plain
 * weighted linear estimate over all usable views; 'robust' is the outlier-rejecting, refined variant.
 */
export function triangulatePose(
  rig: PreparedRig,
  views: FrameViews,
  method: 'dlt' | 'robust',
  /** Filled with each joint's JointStatus, also when no joint could be estimated (the pose is then null). */
  status: Uint8Array = new Uint8Array(NUM_JOINTS),
): TriangulatedPose | null {
  const opts = rig.options;
  status.fill(JointStatus.fewViews);
  const joints = new Float64Array(NUM_JOINTS * 3);
  const valid = new Uint8Array(NUM_JOINTS);
  const inlierMask = new Uint32Array(NUM_JOINTS);
  const reprojErrorPx = new Float64Array(NUM_JOINTS);
  const obs: Observation[] = [];
  const X = new Float64Array(3);
  const scales = viewScales(rig, views);
  const soft: { j: number; obs: Observation[] }[] = [];
  const ratios: number[] = [];
  for (let j = 0; j < NUM_JOINTS; j++) {
    gatherObservations(rig, views, scales, j, obs);
    if (obs.length < 2) continue;
    // Even all the views together cannot see this joint's depth: no estimate, whatever the method.
    if (observationRayAngle(rig, obs, -1) < opts.minRayAngleDeg) {
      status[j] = JointStatus.narrowRays;
      continue;
    }
    status[j] = JointStatus.noSolution;
    if (method === 'dlt') {
      const all = obs.map((_, i) => i);
      if (!dltPoint(rig, obs, X) || !inFrontOfAll(rig, obs, all, X)) continue;
      let err = 0, mask = 0;
      for (const o of obs) {
        err += reprojectionError(rig, o, X);
        mask |= 1 << o.view;
      }
      inlierMask[j] = mask;
      reprojErrorPx[j] = err / obs.length;
    } else {
      const est = robustPoint(rig, obs, X, opts);
      if (!est.ok) continue;
      // The consensus may be a subset whose rays are nearly parallel even when all the views' are not.
      if (observationRayAngle(rig, obs, est.inlierMask) < opts.minRayAngleDeg) {
        status[j] = JointStatus.narrowRays;
        continue;
      }
      inlierMask[j] = est.inlierMask;
      reprojErrorPx[j] = est.meanErrorPx;
      for (const o of obs) if (est.inlierMask & (1 << o.view)) ratios.push(reprojectionError(rig, o, X) / o.scale);
      if (opts.refine && opts.softFraction > 0 && obs.length > 2) soft.push({ j, obs: obs.slice() });
    }
    joints.set(X, 3 * j);
    valid[j] = 1;
    status[j] = JointStatus.ok;
  }
  if (soft.length) {
    ratios.sort((a, b) => a - b);
    const fraction = Math.min(opts.softFraction, Math.max(SOFT_MIN_FRACTION, 4 * ratios[ratios.length >> 1]));
    for (const { j, obs: o } of soft) {
      const P = joints.subarray(3 * j, 3 * j + 3);
      softRefine(rig, o, P, fraction, inlierMask[j]);
      let mask = 0, err = 0, k = 0;
      for (const ob of o) {
        const e = reprojectionError(rig, ob, P);
        if (e < ob.threshold) {
          mask |= 1 << ob.view;
          err += e;
          k++;
        }
      }
      if (k >= 2) {
        inlierMask[j] = mask;
        reprojErrorPx[j] = err / k;
        if (observationRayAngle(rig, o, mask) < opts.minRayAngleDeg) {
          P.fill(0);
          valid[j] = 0;
          inlierMask[j] = 0;
          reprojErrorPx[j] = 0;
          status[j] = JointStatus.narrowRays;
        }
      }
    }
  }
  let narrow = 0;
  for (let j = 0; j < NUM_JOINTS; j++) if (status[j] === JointStatus.narrowRays) narrow++;
  if (!valid.some((v) => v === 1)) return null;
  const pose: TriangulatedPose = { joints, valid, inlierMask, reprojErrorPx, status };
  if (narrow) pose.info = { narrowRayJoints: narrow, noEstimateReason: `${narrow} joint${narrow > 1 ? 's' : ''}: the rays meet at less than ${opts.minRayAngleDeg}°, no depth` };
  return pose;
}
