/**
 * Bundle adjustment over a moving person's body keypoints: camera poses (intrinsics held: they come from a board
 * or the file) and one 3D point per (frame, joint), through the one camera model and the block-sparse LM of
 * schur-lm.ts. One camera's pose is held (the gauge); the scale and the world frame are fixed afterwards
 * (person.ts), so this file knows nothing about floors or heights.
 */
import { makeCamera, projectCameraPointJacobian, type Camera } from '../geometry/camera';
import type { RobustLoss } from '../geometry/lm';
import { leftRotate } from './bundle';
import { schurLevenbergMarquardt, schurRms, type SchurProblem, type SchurResult } from './schur-lm';

/** Observations of 3D points: point p seen by camera c at pixel (u, v). */
export interface PointObservations {
  camera: Int32Array;
  point: Int32Array;
  /** u, v per observation (raw, distorted pixels). */
  pixels: Float64Array;
}

export interface PointBundleOptions {
  loss: RobustLoss;
  lossScale: number;
  maxIterations: number;
  fixedCamera: number;
  abortSignal?: AbortSignal;
  onIteration?: (iteration: number, cost: number) => void;
}

export interface PointBundleResult {
  cameras: Camera[];
  points: Float64Array;
  rmsBefore: number[];
  rmsAfter: number[];
  iterations: number;
  stop: SchurResult['stop'];
}

export function bundleAdjustPoints(
  cameras: readonly Camera[], points: Float64Array, obs: PointObservations, o: PointBundleOptions,
): PointBundleResult {
  const nc = cameras.length, np = points.length / 3;
  let R = cameras.map((c) => Float64Array.from(c.R)), t = cameras.map((c) => Float64Array.from(c.t));
  let X = Float64Array.from(points);
  const fixed = new Uint8Array(nc * 6);
  fixed.fill(1, o.fixedCamera * 6, o.fixedCamera * 6 + 6);
  const uv = new Float64Array(2), dX = new Float64Array(6);
  const problem: SchurProblem = {
    nCameras: nc, cameraParams: 6, nLandmarks: np, landmarkParams: 3, obsCamera: obs.camera, obsLandmark: obs.point, fixed,
    residual(i, r, jc, jl) {
      const c = obs.camera[i], p = obs.point[i];
      const Rc = R[c], tc = t[c];
      const x = X[3 * p], y = X[3 * p + 1], z = X[3 * p + 2];
      const qx = Rc[0] * x + Rc[1] * y + Rc[2] * z, qy = Rc[3] * x + Rc[4] * y + Rc[5] * z, qz = Rc[6] * x + Rc[7] * y + Rc[8] * z;
      if (!projectCameraPointJacobian(cameras[c].K, cameras[c].dist, qx + tc[0], qy + tc[1], qz + tc[2], uv, dX)) return false;
      r[0] = uv[0] - obs.pixels[2 * i];
      r[1] = uv[1] - obs.pixels[2 * i + 1];
      if (!jc || !jl) return true;
      for (let q = 0; q < 2; q++) {
        const d0 = dX[q * 3], d1 = dX[q * 3 + 1], d2 = dX[q * 3 + 2];
        // rotation: d x_c/dδ = −[q]×; translation: identity; point: d x_c/dX = R_c
        jc[q * 6] = d2 * qy - d1 * qz; jc[q * 6 + 1] = d0 * qz - d2 * qx; jc[q * 6 + 2] = d1 * qx - d0 * qy;
        jc[q * 6 + 3] = d0; jc[q * 6 + 4] = d1; jc[q * 6 + 5] = d2;
        jl[q * 3] = d0 * Rc[0] + d1 * Rc[3] + d2 * Rc[6];
        jl[q * 3 + 1] = d0 * Rc[1] + d1 * Rc[4] + d2 * Rc[7];
        jl[q * 3 + 2] = d0 * Rc[2] + d1 * Rc[5] + d2 * Rc[8];
      }
      return true;
    },
    applyStep(dc, dl) {
      for (let c = 0; c < nc; c++) {
        leftRotate(R[c], dc, c * 6);
        for (let k = 0; k < 3; k++) t[c][k] += dc[c * 6 + 3 + k];
      }
      for (let k = 0; k < X.length; k++) X[k] += dl[k];
    },
    save: () => ({ R: R.map((m) => Float64Array.from(m)), t: t.map((v) => Float64Array.from(v)), X: Float64Array.from(X) }),
    restore(s) {
      const st = s as { R: Float64Array[]; t: Float64Array[]; X: Float64Array };
      R = st.R.map((m) => Float64Array.from(m)); t = st.t.map((v) => Float64Array.from(v)); X = Float64Array.from(st.X);
    },
  };
  const before = schurRms(problem).perCamera;
  const res = schurLevenbergMarquardt(problem, {
    loss: o.loss, lossScale: o.lossScale, maxIterations: o.maxIterations, costTolerance: 1e-6, stepTolerance: 1e-10,
    abortSignal: o.abortSignal, onIteration: o.onIteration,
  });
  const after = schurRms(problem).perCamera;
  return {
    cameras: cameras.map((c, i) => makeCamera({ name: c.name, width: c.width, height: c.height, K: c.K, dist: c.dist, R: R[i], t: t[i] })),
    points: X, rmsBefore: before, rmsAfter: after, iterations: res.iterations, stop: res.stop,
  };
}
