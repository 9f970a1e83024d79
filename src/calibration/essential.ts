/**
 * Relative pose of two calibrated cameras from point correspondences (ideal normalised coordinates): the linear
 * eight-point estimate of the essential matrix inside RANSAC (Sampson distance), the best hypotheses refined on
 * every correspondence by the project's LM loop (Sampson residuals, Cauchy loss: eight noisy body keypoints give a
 * poor linear estimate, and the inliers of a poor estimate keep it poor), its four decompositions, and the one that
 * puts the triangulated points in front of both cameras. Used to start a rig from body keypoints when
 * only the intrinsics are known (person.ts); bundle adjustment does the rest.
 */
import { symmetricEigen } from '../geometry/linalg';
import { levenbergMarquardt } from '../geometry/lm';
import { rodriguesToMatrix } from '../geometry/rotation';
import { makeRng } from '../util/random';
import { dltPoint, type Observation, type PreparedRig } from '../triangulation/triangulate';
import { defaultTriangulationOptions } from '../triangulation/triangulate';
import type { RigidPose } from './pose';

/** Correspondences: x1[2i], x1[2i+1] in camera 1 ↔ x2[2i], x2[2i+1] in camera 2 (normalised, undistorted). */
export interface Correspondences {
  x1: Float64Array;
  x2: Float64Array;
}

/** Least-squares E (3x3 row-major, up to scale) through the given correspondences, with singular values (1, 1, 0). */
export function eightPoint(c: Correspondences, idx: ArrayLike<number>): Float64Array | null {
  if (idx.length < 8) return null;
  const AtA = new Float64Array(81), row = new Float64Array(9);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    const a = c.x1[2 * i], b = c.x1[2 * i + 1], u = c.x2[2 * i], v = c.x2[2 * i + 1];
    row.set([u * a, u * b, u, v * a, v * b, v, a, b, 1]);
    for (let p = 0; p < 9; p++) for (let q = p; q < 9; q++) AtA[p * 9 + q] += row[p] * row[q];
  }
  for (let p = 0; p < 9; p++) for (let q = 0; q < p; q++) AtA[p * 9 + q] = AtA[q * 9 + p];
  const { vectors } = symmetricEigen(AtA, 9);
  const E = new Float64Array(9);
  for (let p = 0; p < 9; p++) E[p] = vectors[p * 9];
  return projectToEssential(E);
}

/** SVD of a 3x3 matrix through the eigenvectors of MᵀM: U, singular values (descending), V, columns as rows here. */
function svd3(M: Float64Array): { U: number[][]; s: number[]; V: number[][] } | null {
  const MtM = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) MtM[i * 3 + j] = M[i] * M[j] + M[3 + i] * M[3 + j] + M[6 + i] * M[6 + j];
  const { values, vectors } = symmetricEigen(MtM, 3);
  const col = (k: number) => [vectors[k], vectors[3 + k], vectors[6 + k]];
  const v1 = col(2), v2 = col(1);
  const v3 = cross(v1, v2);
  const s = [Math.sqrt(Math.max(values[2], 0)), Math.sqrt(Math.max(values[1], 0)), Math.sqrt(Math.max(values[0], 0))];
  if (!(s[1] > 1e-12)) return null;
  const mul = (v: number[]) => [0, 1, 2].map((i) => M[i * 3] * v[0] + M[i * 3 + 1] * v[1] + M[i * 3 + 2] * v[2]);
  const u1 = mul(v1).map((x) => x / s[0]), u2 = mul(v2).map((x) => x / s[1]);
  return { U: [u1, u2, cross(u1, u2)], s, V: [v1, v2, v3] };
}

function cross(a: number[], b: number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** U diag(1, 1, 0) Vᵀ: the nearest essential matrix (up to scale). */
function projectToEssential(E: Float64Array): Float64Array | null {
  const d = svd3(E);
  if (!d) return null;
  const out = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[i * 3 + j] = d.U[0][i] * d.V[0][j] + d.U[1][i] * d.V[1][j];
  return out;
}

/** Sampson distance² of correspondence i to the epipolar geometry E (normalised units²). */
export function sampson(E: Float64Array, c: Correspondences, i: number): number {
  const a = c.x1[2 * i], b = c.x1[2 * i + 1], u = c.x2[2 * i], v = c.x2[2 * i + 1];
  const e0 = E[0] * a + E[1] * b + E[2], e1 = E[3] * a + E[4] * b + E[5], e2 = E[6] * a + E[7] * b + E[8];
  const f0 = E[0] * u + E[3] * v + E[6], f1 = E[1] * u + E[4] * v + E[7];
  const num = u * e0 + v * e1 + e2;
  const den = e0 * e0 + e1 * e1 + f0 * f0 + f1 * f1;
  return den > 0 ? (num * num) / den : Infinity;
}

export interface RelativePose {
  /** Camera 1 → camera 2: x₂ = R x₁ + t, |t| = 1. */
  pose: RigidPose;
  inliers: number[];
  /** Points of the inliers triangulated in camera 1's frame (unit baseline); NaN where it failed. */
  points: Float64Array;
}

/** The two-camera rig [I | 0], [R | t] in the form the project's DLT takes. */
function pairRig(R: ArrayLike<number>, t: ArrayLike<number>): PreparedRig {
  const P1 = new Float64Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
  const P2 = new Float64Array([R[0], R[1], R[2], t[0], R[3], R[4], R[5], t[1], R[6], R[7], R[8], t[2]]);
  return { cameras: [], P: [P1, P2], options: defaultTriangulationOptions };
}

/** Triangulates the inliers with (R, t); returns the points and how many are in front of both cameras. */
function triangulatePair(c: Correspondences, idx: readonly number[], R: ArrayLike<number>, t: ArrayLike<number>): { points: Float64Array; front: number } {
  const rig = pairRig(R, t);
  const obs: Observation[] = [0, 1].map((view) => ({ view, u: 0, v: 0, x: 0, y: 0, weight: 1, scale: 1, threshold: 1 }));
  const X = new Float64Array(3), points = new Float64Array(idx.length * 3).fill(NaN);
  let front = 0;
  idx.forEach((i, k) => {
    obs[0].x = c.x1[2 * i]; obs[0].y = c.x1[2 * i + 1]; obs[1].x = c.x2[2 * i]; obs[1].y = c.x2[2 * i + 1];
    if (!dltPoint(rig, obs, X)) return;
    const z2 = R[6] * X[0] + R[7] * X[1] + R[8] * X[2] + t[2];
    if (X[2] > 0 && z2 > 0) front++;
    points.set(X, 3 * k);
  });
  return { points, front };
}

/** E = [t]× R. */
export function essentialFrom(R: ArrayLike<number>, t: ArrayLike<number>): Float64Array {
  const E = new Float64Array(9);
  for (let j = 0; j < 3; j++) {
    E[j] = -t[2] * R[3 + j] + t[1] * R[6 + j];
    E[3 + j] = t[2] * R[j] - t[0] * R[6 + j];
    E[6 + j] = -t[1] * R[j] + t[0] * R[3 + j];
  }
  return E;
}

/**
 * E minimising the Cauchy-weighted Sampson residuals of every correspondence, from E0: parameters a rotation
 * update (Rodrigues, applied on the left) and a tangent step of the unit baseline. Returns the refined E and cost.
 */
export function refineEssential(c: Correspondences, E0: Float64Array, lossScale: number, maxIterations = 30): { E: Float64Array; cost: number } | null {
  const d = svd3(E0);
  if (!d) return null;
  const W = [[0, -1, 0], [1, 0, 0], [0, 0, 1]];
  const R0 = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += d.U[a][i] * W[a][b] * d.V[b][j];
      R0[i * 3 + j] = s;
    }
  const t0 = d.U[2];
  // Two directions perpendicular to t0.
  const seed = Math.abs(t0[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  let e1 = cross(t0, seed);
  const n1 = Math.hypot(e1[0], e1[1], e1[2]);
  e1 = e1.map((v) => v / n1);
  const e2 = cross(t0, e1);
  const n = c.x1.length / 2;
  const model = (p: Float64Array) => {
    const dR = rodriguesToMatrix(p[0], p[1], p[2]);
    const R = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) R[i * 3 + j] = dR[i * 3] * R0[j] + dR[i * 3 + 1] * R0[3 + j] + dR[i * 3 + 2] * R0[6 + j];
    const t = [0, 1, 2].map((k) => t0[k] + p[3] * e1[k] + p[4] * e2[k]);
    const nt = Math.hypot(t[0], t[1], t[2]);
    return essentialFrom(R, t.map((v) => v / nt));
  };
  const res = levenbergMarquardt(
    {
      nParams: 5,
      nResiduals: n,
      residuals(p, r) {
        const E = model(p);
        for (let i = 0; i < n; i++) {
          const s2 = sampson(E, c, i);
          r[i] = Number.isFinite(s2) ? Math.sqrt(s2) : 1;
        }
      },
    },
    new Float64Array(5),
    { maxIterations, loss: 'cauchy', lossScale, costTolerance: 1e-9 },
  );
  return { E: model(res.params), cost: res.cost };
}

/**
 * Relative pose by RANSAC over eight-point samples. `threshold`: Sampson distance for an inlier, normalised units
 * (pixels / focal length). Null with fewer than 8 correspondences or no consistent geometry.
 */
export function relativePose(c: Correspondences, threshold: number, iterations = 250, seed = 1, refineCandidates = 20, maxSearch = 600): RelativePose | null {
  if (c.x1.length / 2 < 8) return null;
  const all = c;
  // The search runs on an evenly spread subset (cost); the winner is refined on everything.
  c = subset(all, maxSearch);
  const n = c.x1.length / 2;
  const rng = makeRng(seed);
  const t2 = threshold * threshold;
  const hyps: { E: Float64Array; count: number }[] = [];
  const sample = new Int32Array(8);
  for (let it = 0; it < iterations; it++) {
    for (let k = 0; k < 8; k++) {
      let i: number;
      do i = Math.floor(rng.uniform() * n); while (sample.subarray(0, k).includes(i));
      sample[k] = i;
    }
    const E = eightPoint(c, sample);
    if (!E) continue;
    let count = 0;
    for (let i = 0; i < n; i++) if (sampson(E, c, i) < t2) count++;
    hyps.push({ E, count });
  }
  hyps.sort((a, b) => b.count - a.count);
  if (hyps.length === 0 || hyps[0].count < 8) return null;
  // The few best hypotheses, each refined on every correspondence and decomposed. A wrong essential matrix can fit
  // the epipolar constraint well yet put many points behind a camera, so the winner is the lowest robust cost among
  // those with nearly every inlier in front of both cameras (else the most points in front).
  let bestE: Float64Array | null = null, bestKey = [-1, Infinity];
  for (const h of hyps.slice(0, refineCandidates)) {
    const r = refineEssential(c, h.E, threshold / 2, 20);
    if (!r) continue;
    const pose = decompose(c, r.E, t2, 100);
    if (!pose) continue;
    const ok = pose.front >= 0.95 * pose.rel.inliers.length ? 1 : 0;
    const key = [ok, ok ? r.cost : -pose.front];
    if (key[0] > bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) { bestKey = key; bestE = r.E; }
  }
  if (!bestE) return null;
  const final = c === all ? { E: bestE } : refineEssential(all, bestE, threshold / 2);
  return final ? decompose(all, final.E, t2)?.rel ?? null : null;
}

/** At most `max` correspondences, evenly spread (all of them when there are fewer). */
function subset(c: Correspondences, max: number): Correspondences {
  const n = c.x1.length / 2;
  if (n <= max) return c;
  const x1 = new Float64Array(2 * max), x2 = new Float64Array(2 * max);
  for (let k = 0; k < max; k++) {
    const i = Math.floor(((k + 0.5) * n) / max);
    x1[2 * k] = c.x1[2 * i]; x1[2 * k + 1] = c.x1[2 * i + 1]; x2[2 * k] = c.x2[2 * i]; x2[2 * k + 1] = c.x2[2 * i + 1];
  }
  return { x1, x2 };
}

/**
 * The decomposition of E whose triangulated inliers lie in front of both cameras (most of them), or null. With
 * `maxPoints`, only that many inliers (evenly spread) are triangulated: enough to tell the four solutions apart.
 */
function decompose(c: Correspondences, E: Float64Array, t2: number, maxPoints = Infinity): { rel: RelativePose; front: number } | null {
  const n = c.x1.length / 2;
  let inliers: number[] = [];
  for (let i = 0; i < n; i++) if (sampson(E, c, i) < t2) inliers.push(i);
  if (inliers.length > maxPoints) inliers = Array.from({ length: maxPoints }, (_, k) => inliers[Math.floor(((k + 0.5) * inliers.length) / maxPoints)]);
  const d = svd3(E);
  if (!d || inliers.length < 8) return null;
  const W = [[0, -1, 0], [1, 0, 0], [0, 0, 1]];
  const rot = (transposeW: boolean) => {
    const R = new Float64Array(9);
    // R = U W Vᵀ (or U Wᵀ Vᵀ); U's columns are d.U[k], V's columns d.V[k].
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += d.U[a][i] * (transposeW ? W[b][a] : W[a][b]) * d.V[b][j];
        R[i * 3 + j] = s;
      }
    const det = R[0] * (R[4] * R[8] - R[5] * R[7]) - R[1] * (R[3] * R[8] - R[5] * R[6]) + R[2] * (R[3] * R[7] - R[4] * R[6]);
    if (det < 0) for (let k = 0; k < 9; k++) R[k] = -R[k];
    return R;
  };
  let best: RelativePose | null = null, bestFront = -1;
  for (const R of [rot(false), rot(true)])
    for (const sign of [1, -1]) {
      const t = new Float64Array(d.U[2].map((x) => sign * x));
      const { points, front } = triangulatePair(c, inliers, R, t);
      if (front > bestFront) { bestFront = front; best = { pose: { R, t }, inliers, points }; }
    }
  return best && bestFront >= 0.5 * inliers.length ? { rel: best, front: bestFront } : null;
}
