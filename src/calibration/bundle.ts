/**
 * Bundle adjustment of a camera rig against board poses, with a robust loss.
 *
 * The block-sparse Levenberg–Marquardt of schur-lm.ts: each board pose couples only with the cameras that saw it,
 * so the 6×6 board blocks are eliminated (Schur complement) and only a (cameras × 6 or 15)² system is factorised.
 * Rotations are updated on the manifold (R ← exp([δ]×) R), which keeps the Jacobians simple and exact.
 */
import { makeCamera, projectCameraPointJacobian, type Camera } from '../geometry/camera';
import { type RobustLoss } from '../geometry/lm';
import { rodriguesToMatrix } from '../geometry/rotation';
import { boardObjectPoints, type BoardSpec } from './board';
import type { RigidPose } from './pose';
import { schurLevenbergMarquardt, schurRms, type SchurProblem } from './schur-lm';

export interface BoardObservation {
  camera: number;
  /** Index of the board pose (one snapshot of the board, seen by one or more cameras at once). */
  frame: number;
  /** Detected corners, pixels, board order. */
  corners: Float64Array;
}

export interface BundleOptions {
  optimizeIntrinsics: boolean;
  loss: RobustLoss;
  /** Where the robust loss starts to bend, pixels. */
  lossScale: number;
  maxIterations: number;
  /**
   * Converged when an accepted step lowers the robust cost by less than this fraction (1e-6 moves the RMS by
   * well under 1e-6 px) or when the step itself is negligible (below stepTolerance, in radians / metres / pixels).
   */
  costTolerance: number;
  stepTolerance: number;
  /** The camera whose pose is held fixed (the gauge); the board's size fixes the scale. */
  fixedCamera: number;
}

export const defaultBundleOptions: BundleOptions = {
  optimizeIntrinsics: false, loss: 'huber', lossScale: 2, maxIterations: 60, costTolerance: 1e-6, stepTolerance: 1e-10, fixedCamera: 0,
};

export interface BundleResult {
  cameras: Camera[];
  /** Board → world per frame (null where no camera saw it). */
  boardPoses: Array<RigidPose | null>;
  /** Per-point reprojection RMS over all observations, pixels, before and after. */
  initialRms: number;
  rms: number;
  perCameraRms: number[];
  /** Accepted LM steps. */
  iterations: number;
  /** Why it stopped: a tolerance, no damping left that lowers the cost (a minimum at float precision), or the cap. */
  stop: 'cost' | 'step' | 'no-decrease' | 'max-iterations';
  timeMs: number;
}

interface State {
  R: Float64Array[]; t: Float64Array[]; intr: Float64Array[]; // cameras: fx fy cx cy k1 k2 p1 p2 k3
  BR: Float64Array[]; Bt: Float64Array[];
}

function cloneState(s: State): State {
  const c = (a: Float64Array[]) => a.map((x) => Float64Array.from(x));
  return { R: c(s.R), t: c(s.t), intr: c(s.intr), BR: c(s.BR), Bt: c(s.Bt) };
}

/** R ← exp([w]×) R, with w at w[offset..offset+2]. */
export function leftRotate(R: Float64Array, w: ArrayLike<number>, offset: number): void {
  const E = rodriguesToMatrix(w[offset], w[offset + 1], w[offset + 2]);
  const o = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) o[i * 3 + j] = E[i * 3] * R[j] + E[i * 3 + 1] * R[3 + j] + E[i * 3 + 2] * R[6 + j];
  R.set(o);
}

export function bundleAdjust(
  board: BoardSpec, cameras: readonly Camera[], boardPoses: ReadonlyArray<RigidPose | null>,
  observations: readonly BoardObservation[], options: Partial<BundleOptions> = {},
): BundleResult {
  const start = performance.now();
  const o = { ...defaultBundleOptions, ...options };
  const nc = cameras.length, nb = boardPoses.length;
  const pc = o.optimizeIntrinsics ? 15 : 6;
  const obj = boardObjectPoints(board);
  const nPts = board.cols * board.rows;
  const obs = observations.filter((ob) => boardPoses[ob.frame] && ob.camera < nc);
  let st: State = {
    R: cameras.map((c) => Float64Array.from(c.R)), t: cameras.map((c) => Float64Array.from(c.t)),
    intr: cameras.map((c) => new Float64Array([c.K[0], c.K[4], c.K[2], c.K[5], ...c.dist])),
    BR: boardPoses.map((b) => (b ? Float64Array.from(b.R) : new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]))),
    Bt: boardPoses.map((b) => (b ? Float64Array.from(b.t) : new Float64Array(3))),
  };
  // One 2D residual per corner of each board observation.
  const obsCamera = new Int32Array(obs.length * nPts), obsLandmark = new Int32Array(obs.length * nPts);
  obs.forEach((ob, i) => { obsCamera.fill(ob.camera, i * nPts, (i + 1) * nPts); obsLandmark.fill(ob.frame, i * nPts, (i + 1) * nPts); });
  const fixed = new Uint8Array(nc * pc);
  if (o.fixedCamera >= 0 && o.fixedCamera < nc) fixed.fill(1, o.fixedCamera * pc, o.fixedCamera * pc + 6);
  const Ks = () => st.intr.map((I) => new Float64Array([I[0], 0, I[2], 0, I[1], I[3], 0, 0, 1]));
  let K = Ks();
  const uv = new Float64Array(2), dX = new Float64Array(6), dI = new Float64Array(18);
  const problem: SchurProblem = {
    nCameras: nc, cameraParams: pc, nLandmarks: nb, landmarkParams: 6, obsCamera, obsLandmark, fixed,
    residual(i, r, Jc, Jb) {
      const ob = obs[Math.floor(i / nPts)], k = i % nPts;
      const c = ob.camera, b = ob.frame;
      const R = st.R[c], t = st.t[c], BR = st.BR[b], Bt = st.Bt[b];
      const X = obj[3 * k], Y = obj[3 * k + 1];
      // a = R_b X (board offset in world axes), y = a + t_b, q = R_c y, x_c = q + t_c
      const ax = BR[0] * X + BR[1] * Y, ay = BR[3] * X + BR[4] * Y, az = BR[6] * X + BR[7] * Y;
      const yx = ax + Bt[0], yy = ay + Bt[1], yz = az + Bt[2];
      const qx = R[0] * yx + R[1] * yy + R[2] * yz, qy = R[3] * yx + R[4] * yy + R[5] * yz, qz = R[6] * yx + R[7] * yy + R[8] * yz;
      if (!projectCameraPointJacobian(K[c], st.intr[c].subarray(4, 9), qx + t[0], qy + t[1], qz + t[2], uv, dX, Jc && pc === 15 ? dI : undefined)) return false;
      r[0] = uv[0] - ob.corners[2 * k];
      r[1] = uv[1] - ob.corners[2 * k + 1];
      if (!Jc || !Jb) return true;
      for (let q = 0; q < 2; q++) {
        const d0 = dX[q * 3], d1 = dX[q * 3 + 1], d2 = dX[q * 3 + 2];
        // camera rotation: d x_c/dδ = −[q]×, so row · (−[q]×) = (d2 qy − d1 qz, d0 qz − d2 qx, d1 qx − d0 qy)
        Jc[q * pc] = d2 * qy - d1 * qz; Jc[q * pc + 1] = d0 * qz - d2 * qx; Jc[q * pc + 2] = d1 * qx - d0 * qy;
        Jc[q * pc + 3] = d0; Jc[q * pc + 4] = d1; Jc[q * pc + 5] = d2;
        if (pc === 15) for (let j = 0; j < 9; j++) Jc[q * pc + 6 + j] = dI[q * 9 + j];
        // board: d x_c/d t_b = R_c, d x_c/dδ_b = −R_c [a]×
        const m0 = d0 * R[0] + d1 * R[3] + d2 * R[6], m1 = d0 * R[1] + d1 * R[4] + d2 * R[7], m2 = d0 * R[2] + d1 * R[5] + d2 * R[8];
        Jb[q * 6] = m2 * ay - m1 * az; Jb[q * 6 + 1] = m0 * az - m2 * ax; Jb[q * 6 + 2] = m1 * ax - m0 * ay;
        Jb[q * 6 + 3] = m0; Jb[q * 6 + 4] = m1; Jb[q * 6 + 5] = m2;
      }
      return true;
    },
    applyStep(dc, db) {
      for (let c = 0; c < nc; c++) {
        leftRotate(st.R[c], dc, c * pc);
        for (let i = 0; i < 3; i++) st.t[c][i] += dc[c * pc + 3 + i];
        if (pc === 15) for (let i = 0; i < 9; i++) st.intr[c][i] += dc[c * pc + 6 + i];
      }
      for (let b = 0; b < nb; b++) {
        leftRotate(st.BR[b], db, b * 6);
        for (let i = 0; i < 3; i++) st.Bt[b][i] += db[b * 6 + 3 + i];
      }
      K = Ks();
    },
    save: () => cloneState(st),
    restore(saved) { st = cloneState(saved as State); K = Ks(); },
  };
  const initialRms = schurRms(problem).rms;
  const res = schurLevenbergMarquardt(problem, {
    loss: o.loss, lossScale: o.lossScale, maxIterations: o.maxIterations, costTolerance: o.costTolerance, stepTolerance: o.stepTolerance,
  });
  const final = schurRms(problem);
  const outCams = cameras.map((c, i) =>
    makeCamera({
      name: c.name, width: c.width, height: c.height,
      K: [st.intr[i][0], c.K[1], st.intr[i][2], 0, st.intr[i][1], st.intr[i][3], 0, 0, 1],
      dist: st.intr[i].subarray(4, 9), R: st.R[i], t: st.t[i],
    }),
  );
  return {
    cameras: outCams,
    boardPoses: boardPoses.map((b, i) => (b ? { R: st.BR[i], t: st.Bt[i] } : null)),
    initialRms, rms: final.rms, perCameraRms: final.perCamera,
    iterations: res.iterations, stop: res.stop === 'aborted' ? 'max-iterations' : res.stop, timeMs: performance.now() - start,
  };
}
