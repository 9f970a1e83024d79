/** One joint from its observations: the weighted linear estimate (DLT) and the robust one (triangulate.ts says how). */
import { depthOf, projectPoint } from '../geometry/camera';
import { levenbergMarquardt } from '../geometry/lm';
import { symmetricEigen } from '../geometry/linalg';
import { reprojectionError, type Observation, type PreparedRig } from './observations';
import type { TriangulationOptions } from './options';

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

export function inFrontOfAll(rig: PreparedRig, obs: readonly Observation[], subset: readonly number[], X: Float64Array): boolean {
  for (const i of subset) if (!(depthOf(rig.cameras[obs[i].view], X[0], X[1], X[2]) > 0)) return false;
  return true;
}

const proj = new Float64Array(2);

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
export const SOFT_MIN_FRACTION = 0.01;

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
