/**
 * Bundle adjustment of a camera rig against board poses, with a robust loss.
 *
 * Same Levenberg–Marquardt scheme as src/geometry/lm.ts (Marquardt damping, IRLS weights from its robust losses),
 * but the normal equations are solved block-wise: each board pose couples only with the cameras that saw it, so
 * the 6×6 board blocks are eliminated (Schur complement) and only a (cameras × 6 or 15)² system is factorised.
 * Rotations are updated on the manifold (R ← exp([δ]×) R), which keeps the Jacobians simple and exact.
 */
import { makeCamera, projectCameraPointJacobian, type Camera } from '../geometry/camera';
import { solveSPD } from '../geometry/linalg';
import { lossValue, type RobustLoss } from '../geometry/lm';
import { rodriguesToMatrix } from '../geometry/rotation';
import { boardObjectPoints, type BoardSpec } from './board';
import type { RigidPose } from './pose';

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

function leftRotate(R: Float64Array, w: ArrayLike<number>, offset: number): void {
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
  const P = nc * pc;
  const obj = boardObjectPoints(board);
  const nPts = board.cols * board.rows;
  const obs = observations.filter((ob) => boardPoses[ob.frame] && ob.camera < nc);
  const byBoard: number[][] = Array.from({ length: nb }, () => []);
  obs.forEach((ob, i) => byBoard[ob.frame].push(i));
  const c2 = o.lossScale * o.lossScale;

  let st: State = {
    R: cameras.map((c) => Float64Array.from(c.R)), t: cameras.map((c) => Float64Array.from(c.t)),
    intr: cameras.map((c) => new Float64Array([c.K[0], c.K[4], c.K[2], c.K[5], ...c.dist])),
    BR: boardPoses.map((b) => (b ? Float64Array.from(b.R) : new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]))),
    Bt: boardPoses.map((b) => (b ? Float64Array.from(b.t) : new Float64Array(3))),
  };

  const U = new Float64Array(nc * pc * pc), gc = new Float64Array(P);
  const V = new Float64Array(nb * 36), gb = new Float64Array(nb * 6);
  const W = new Float64Array(obs.length * pc * 6);
  const uv = new Float64Array(2), dX = new Float64Array(6), dI = new Float64Array(18);
  const Jc = new Float64Array(2 * pc), Jb = new Float64Array(12);

  /** Cost (and, when `build`, the normal-equation blocks) at state s; also per-camera squared error sums. */
  const evaluate = (s: State, build: boolean, perCam?: { ss: Float64Array; n: Float64Array }): number => {
    if (build) { U.fill(0); gc.fill(0); V.fill(0); gb.fill(0); W.fill(0); }
    let cost = 0;
    for (let oi = 0; oi < obs.length; oi++) {
      const { camera: c, frame: b, corners } = obs[oi];
      const R = s.R[c], t = s.t[c], BR = s.BR[b], Bt = s.Bt[b], I = s.intr[c];
      const K = new Float64Array([I[0], 0, I[2], 0, I[1], I[3], 0, 0, 1]);
      const dist = I.subarray(4, 9);
      for (let k = 0; k < nPts; k++) {
        const X = obj[3 * k], Y = obj[3 * k + 1];
        // a = R_b X (board offset in world axes), y = a + t_b, q = R_c y, x_c = q + t_c
        const ax = BR[0] * X + BR[1] * Y, ay = BR[3] * X + BR[4] * Y, az = BR[6] * X + BR[7] * Y;
        const yx = ax + Bt[0], yy = ay + Bt[1], yz = az + Bt[2];
        const qx = R[0] * yx + R[1] * yy + R[2] * yz, qy = R[3] * yx + R[4] * yy + R[5] * yz, qz = R[6] * yx + R[7] * yy + R[8] * yz;
        if (!projectCameraPointJacobian(K, dist, qx + t[0], qy + t[1], qz + t[2], uv, dX, build ? dI : undefined)) {
          cost += 1e12;
          continue;
        }
        const ex = uv[0] - corners[2 * k], ey = uv[1] - corners[2 * k + 1];
        const e2 = ex * ex + ey * ey;
        const [rho, w] = lossValue(o.loss, e2, c2);
        cost += rho / 2;
        if (perCam) { perCam.ss[c] += e2; perCam.n[c]++; }
        if (!build) continue;
        for (let r = 0; r < 2; r++) {
          const d0 = dX[r * 3], d1 = dX[r * 3 + 1], d2 = dX[r * 3 + 2];
          // camera rotation: d x_c/dδ = −[q]×, so row · (−[q]×) = (d2 qy − d1 qz, d0 qz − d2 qx, d1 qx − d0 qy)
          Jc[r * pc] = d2 * qy - d1 * qz; Jc[r * pc + 1] = d0 * qz - d2 * qx; Jc[r * pc + 2] = d1 * qx - d0 * qy;
          Jc[r * pc + 3] = d0; Jc[r * pc + 4] = d1; Jc[r * pc + 5] = d2;
          if (pc === 15) for (let j = 0; j < 9; j++) Jc[r * pc + 6 + j] = dI[r * 9 + j];
          // board: d x_c/d t_b = R_c, d x_c/dδ_b = −R_c [a]×
          const m0 = d0 * R[0] + d1 * R[3] + d2 * R[6], m1 = d0 * R[1] + d1 * R[4] + d2 * R[7], m2 = d0 * R[2] + d1 * R[5] + d2 * R[8];
          Jb[r * 6] = m2 * ay - m1 * az; Jb[r * 6 + 1] = m0 * az - m2 * ax; Jb[r * 6 + 2] = m1 * ax - m0 * ay;
          Jb[r * 6 + 3] = m0; Jb[r * 6 + 4] = m1; Jb[r * 6 + 5] = m2;
        }
        const Ub = c * pc * pc, Vb = b * 36, Wb = oi * pc * 6;
        for (let i = 0; i < pc; i++) {
          const a0 = Jc[i] * w, a1 = Jc[pc + i] * w;
          gc[c * pc + i] += a0 * ex + a1 * ey;
          for (let j = i; j < pc; j++) U[Ub + i * pc + j] += a0 * Jc[j] + a1 * Jc[pc + j];
          for (let j = 0; j < 6; j++) W[Wb + i * 6 + j] += a0 * Jb[j] + a1 * Jb[6 + j];
        }
        for (let i = 0; i < 6; i++) {
          const a0 = Jb[i] * w, a1 = Jb[6 + i] * w;
          gb[b * 6 + i] += a0 * ex + a1 * ey;
          for (let j = i; j < 6; j++) V[Vb + i * 6 + j] += a0 * Jb[j] + a1 * Jb[6 + j];
        }
      }
    }
    if (build) {
      for (let c = 0; c < nc; c++) for (let i = 0; i < pc; i++) for (let j = 0; j < i; j++) U[c * pc * pc + i * pc + j] = U[c * pc * pc + j * pc + i];
      for (let b = 0; b < nb; b++) for (let i = 0; i < 6; i++) for (let j = 0; j < i; j++) V[b * 36 + i * 6 + j] = V[b * 36 + j * 6 + i];
    }
    return cost;
  };

  const rmsOf = (s: State) => {
    const perCam = { ss: new Float64Array(nc), n: new Float64Array(nc) };
    evaluate(s, false, perCam);
    const tot = perCam.ss.reduce((a, b) => a + b, 0), cnt = perCam.n.reduce((a, b) => a + b, 0);
    return { rms: Math.sqrt(tot / Math.max(cnt, 1)), perCamera: Array.from(perCam.ss, (v, c) => Math.sqrt(v / Math.max(perCam.n[c], 1))) };
  };

  const initialRms = rmsOf(st).rms;
  let lambda = 1e-3;
  let iterations = 0;
  let stop: BundleResult['stop'] = 'max-iterations';
  let cost = evaluate(st, true);
  const Vinv = new Float64Array(nb * 36);
  const S = new Float64Array(P * P), rhs = new Float64Array(P);
  const fixed = (c: number, i: number) => c === o.fixedCamera && i < 6;
  while (iterations < o.maxIterations && stop === 'max-iterations') {
    let accepted = false;
    for (let attempt = 0; attempt < 10 && !accepted; attempt++) {
      // Damped board blocks, inverted.
      let ok = true;
      for (let b = 0; b < nb && ok; b++) {
        if (byBoard[b].length === 0) continue;
        const A = V.slice(b * 36, b * 36 + 36);
        for (let i = 0; i < 6; i++) A[i * 7] += lambda * A[i * 7] + 1e-9;
        for (let j = 0; j < 6; j++) {
          const e = new Float64Array(6);
          e[j] = 1;
          const col = solveSPD(A, e, 6);
          if (!col) { ok = false; break; }
          for (let i = 0; i < 6; i++) Vinv[b * 36 + i * 6 + j] = col[i];
        }
      }
      if (!ok) { lambda *= 10; continue; }
      // Reduced camera system S δc = rhs.
      S.fill(0);
      for (let c = 0; c < nc; c++)
        for (let i = 0; i < pc; i++) {
          for (let j = 0; j < pc; j++) S[(c * pc + i) * P + c * pc + j] = U[c * pc * pc + i * pc + j];
          S[(c * pc + i) * P + c * pc + i] += lambda * U[c * pc * pc + i * pc + i] + 1e-9;
          rhs[c * pc + i] = -gc[c * pc + i];
        }
      const WV = new Float64Array(pc * 6);
      for (let b = 0; b < nb; b++) {
        const list = byBoard[b];
        for (const oi of list) {
          const ca = obs[oi].camera;
          // WV = W_o · V⁻¹_b
          for (let i = 0; i < pc; i++)
            for (let j = 0; j < 6; j++) {
              let s = 0;
              for (let k = 0; k < 6; k++) s += W[oi * pc * 6 + i * 6 + k] * Vinv[b * 36 + k * 6 + j];
              WV[i * 6 + j] = s;
            }
          for (let i = 0; i < pc; i++) {
            let s = 0;
            for (let k = 0; k < 6; k++) s += WV[i * 6 + k] * gb[b * 6 + k];
            rhs[ca * pc + i] += s;
          }
          for (const oj of list) {
            const cb = obs[oj].camera;
            for (let i = 0; i < pc; i++)
              for (let j = 0; j < pc; j++) {
                let s = 0;
                for (let k = 0; k < 6; k++) s += WV[i * 6 + k] * W[oj * pc * 6 + j * 6 + k];
                S[(ca * pc + i) * P + cb * pc + j] -= s;
              }
          }
        }
      }
      for (let c = 0; c < nc; c++)
        for (let i = 0; i < pc; i++) {
          if (!fixed(c, i)) continue;
          const r = c * pc + i;
          for (let k = 0; k < P; k++) { S[r * P + k] = 0; S[k * P + r] = 0; }
          S[r * P + r] = 1;
          rhs[r] = 0;
        }
      const dc = solveSPD(S, rhs, P);
      if (!dc) { lambda *= 10; continue; }
      const trial = cloneState(st);
      for (let c = 0; c < nc; c++) {
        leftRotate(trial.R[c], dc, c * pc);
        for (let i = 0; i < 3; i++) trial.t[c][i] += dc[c * pc + 3 + i];
        if (pc === 15) for (let i = 0; i < 9; i++) trial.intr[c][i] += dc[c * pc + 6 + i];
      }
      let stepNorm = 0;
      for (let b = 0; b < nb; b++) {
        const list = byBoard[b];
        if (list.length === 0) continue;
        const r = new Float64Array(6);
        for (let i = 0; i < 6; i++) r[i] = -gb[b * 6 + i];
        for (const oi of list) {
          const ca = obs[oi].camera;
          for (let i = 0; i < pc; i++) {
            const d = dc[ca * pc + i];
            for (let j = 0; j < 6; j++) r[j] -= W[oi * pc * 6 + i * 6 + j] * d;
          }
        }
        const db = new Float64Array(6);
        for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) db[i] += Vinv[b * 36 + i * 6 + j] * r[j];
        leftRotate(trial.BR[b], db, 0);
        for (let i = 0; i < 3; i++) trial.Bt[b][i] += db[3 + i];
        for (const v of db) stepNorm += v * v;
      }
      for (const v of dc) stepNorm += v * v;
      const trialCost = evaluate(trial, false);
      if (Number.isFinite(trialCost) && trialCost < cost) {
        const rel = (cost - trialCost) / Math.max(cost, 1e-300);
        st = trial;
        lambda = Math.max(lambda / 10, 1e-12);
        accepted = true;
        iterations++;
        cost = evaluate(st, true);
        if (rel < o.costTolerance) stop = 'cost';
        else if (Math.sqrt(stepNorm) < o.stepTolerance) stop = 'step';
      } else {
        lambda *= 10;
      }
    }
    if (!accepted) {
      stop = 'no-decrease';
      break;
    }
  }
  const final = rmsOf(st);
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
    iterations, stop, timeMs: performance.now() - start,
  };
}
