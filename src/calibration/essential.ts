/**
 * Relative pose of two calibrated cameras from point correspondences (ideal normalised coordinates): the linear
 * eight-point estimate of the essential matrix inside RANSAC (Sampson distance), its four decompositions, and the
 * one that puts the triangulated points in front of both cameras. Used to start a rig from body keypoints when
 * only the intrinsics are known (person.ts); bundle adjustment does the rest.
 */
import { symmetricEigen } from '../geometry/linalg';
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

/**
 * Relative pose by RANSAC over eight-point samples. `threshold`: Sampson distance for an inlier, normalised units
 * (pixels / focal length). Null with fewer than 8 correspondences or no consistent geometry.
 */
export function relativePose(c: Correspondences, threshold: number, iterations = 300, seed = 1): RelativePose | null {
  const n = c.x1.length / 2;
  if (n < 8) return null;
  const rng = makeRng(seed);
  const t2 = threshold * threshold;
  let bestE: Float64Array | null = null, bestCount = -1;
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
    if (count > bestCount) { bestCount = count; bestE = E; }
  }
  if (!bestE || bestCount < 8) return null;
  // Refit on the inliers, twice (the inlier set grows as E improves).
  let inliers: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    inliers = [];
    for (let i = 0; i < n; i++) if (sampson(bestE, c, i) < t2) inliers.push(i);
    const E = eightPoint(c, inliers);
    if (!E) break;
    bestE = E;
  }
  inliers = [];
  for (let i = 0; i < n; i++) if (sampson(bestE, c, i) < t2) inliers.push(i);
  const d = svd3(bestE);
  if (!d) return null;
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
  return best && bestFront >= 0.5 * inliers.length ? best : null;
}
