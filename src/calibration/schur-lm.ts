/**
 * The block-sparse form of the project's Levenberg–Marquardt loop (src/geometry/lm.ts), for bundle adjustment:
 * cameras × landmarks, every residual a 2D reprojection that couples one camera with one landmark. Same scheme as
 * the dense loop (Marquardt damping of the diagonal, IRLS weights from its robust losses, applied to each 2D
 * error's squared norm), but the landmark blocks are eliminated (Schur complement), so only the cameras' system is
 * factorised. Landmarks are board poses (6 parameters, bundle.ts) or body keypoints (3, person.ts).
 */
import { solveSPD } from '../geometry/linalg';
import { lossValue, type RobustLoss } from '../geometry/lm';

export interface SchurProblem {
  readonly nCameras: number;
  readonly cameraParams: number;
  readonly nLandmarks: number;
  readonly landmarkParams: number;
  /** Per 2D residual: its camera and its landmark. */
  readonly obsCamera: Int32Array;
  readonly obsLandmark: Int32Array;
  /** Camera parameters held fixed (the gauge), 1 per held parameter, nCameras × cameraParams; absent = none. */
  readonly fixed?: Uint8Array;
  /**
   * Residual (projection − observation, 2) of observation i at the current state; with jc / jl also its
   * derivatives (2 × cameraParams and 2 × landmarkParams, row-major). False when the point cannot be projected.
   */
  residual(i: number, r: Float64Array, jc?: Float64Array, jl?: Float64Array): boolean;
  /** Moves the current state by a step (cameras' parameters, then landmarks', each block contiguous). */
  applyStep(dc: Float64Array, dl: Float64Array): void;
  /** A copy of the current state, and putting one back (a rejected step). */
  save(): unknown;
  restore(state: unknown): void;
}

export interface SchurOptions {
  loss: RobustLoss;
  /** Where the robust loss starts to bend, in the residuals' unit (pixels). */
  lossScale: number;
  maxIterations: number;
  /** Converged when an accepted step lowers the robust cost by less than this fraction … */
  costTolerance: number;
  /** … or when the step's norm is below this. */
  stepTolerance: number;
  onIteration?: (iteration: number, cost: number) => void;
  /** Checked between iterations: stops with the state reached so far. */
  abortSignal?: AbortSignal;
}

export interface SchurResult {
  cost: number;
  initialCost: number;
  /** Accepted steps. */
  iterations: number;
  stop: 'cost' | 'step' | 'no-decrease' | 'max-iterations' | 'aborted';
}

/** Penalty of a point that cannot be projected: large and finite, so the bookkeeping stays sane. */
const INVALID_COST = 1e12;

/** Robust cost ½ Σ ρ(|e|²) at the current state. */
export function schurCost(p: SchurProblem, loss: RobustLoss, lossScale: number): number {
  const r = new Float64Array(2), c2 = lossScale * lossScale;
  let cost = 0;
  for (let i = 0; i < p.obsCamera.length; i++) {
    if (!p.residual(i, r)) { cost += INVALID_COST; continue; }
    cost += lossValue(loss, r[0] * r[0] + r[1] * r[1], c2)[0] / 2;
  }
  return cost;
}

/** Root-mean-square reprojection error (per 2D point) per camera, and over all, at the current state. */
export function schurRms(p: SchurProblem): { rms: number; perCamera: number[] } {
  const r = new Float64Array(2), ss = new Float64Array(p.nCameras), n = new Float64Array(p.nCameras);
  for (let i = 0; i < p.obsCamera.length; i++) {
    if (!p.residual(i, r)) continue;
    ss[p.obsCamera[i]] += r[0] * r[0] + r[1] * r[1];
    n[p.obsCamera[i]]++;
  }
  const tot = ss.reduce((a, b) => a + b, 0), cnt = n.reduce((a, b) => a + b, 0);
  return { rms: Math.sqrt(tot / Math.max(cnt, 1)), perCamera: Array.from(ss, (v, c) => (n[c] > 0 ? Math.sqrt(v / n[c]) : NaN)) };
}

export function schurLevenbergMarquardt(p: SchurProblem, options: SchurOptions): SchurResult {
  const o = options;
  const nc = p.nCameras, pc = p.cameraParams, nl = p.nLandmarks, pl = p.landmarkParams;
  const P = nc * pc, nObs = p.obsCamera.length;
  const c2 = o.lossScale * o.lossScale;
  // One W block per (camera, landmark) pair that has observations.
  const pairOf = new Int32Array(nObs);
  const pairCamera: number[] = [], byLandmark: number[][] = Array.from({ length: nl }, () => []);
  {
    const key = new Map<number, number>();
    for (let i = 0; i < nObs; i++) {
      const k = p.obsLandmark[i] * nc + p.obsCamera[i];
      let id = key.get(k);
      if (id === undefined) {
        id = pairCamera.length;
        key.set(k, id);
        pairCamera.push(p.obsCamera[i]);
        byLandmark[p.obsLandmark[i]].push(id);
      }
      pairOf[i] = id;
    }
  }
  const nPairs = pairCamera.length;
  const U = new Float64Array(nc * pc * pc), gc = new Float64Array(P);
  const V = new Float64Array(nl * pl * pl), gl = new Float64Array(nl * pl);
  const W = new Float64Array(nPairs * pc * pl);
  const r = new Float64Array(2), jc = new Float64Array(2 * pc), jl = new Float64Array(2 * pl);

  /** Cost at the current state, and the normal-equation blocks. */
  const linearize = (): number => {
    U.fill(0); gc.fill(0); V.fill(0); gl.fill(0); W.fill(0);
    let cost = 0;
    for (let i = 0; i < nObs; i++) {
      if (!p.residual(i, r, jc, jl)) { cost += INVALID_COST; continue; }
      const c = p.obsCamera[i], l = p.obsLandmark[i];
      const [rho, w] = lossValue(o.loss, r[0] * r[0] + r[1] * r[1], c2);
      cost += rho / 2;
      const Ub = c * pc * pc, Vb = l * pl * pl, Wb = pairOf[i] * pc * pl;
      for (let a = 0; a < pc; a++) {
        const a0 = jc[a] * w, a1 = jc[pc + a] * w;
        gc[c * pc + a] += a0 * r[0] + a1 * r[1];
        for (let b = a; b < pc; b++) U[Ub + a * pc + b] += a0 * jc[b] + a1 * jc[pc + b];
        for (let b = 0; b < pl; b++) W[Wb + a * pl + b] += a0 * jl[b] + a1 * jl[pl + b];
      }
      for (let a = 0; a < pl; a++) {
        const a0 = jl[a] * w, a1 = jl[pl + a] * w;
        gl[l * pl + a] += a0 * r[0] + a1 * r[1];
        for (let b = a; b < pl; b++) V[Vb + a * pl + b] += a0 * jl[b] + a1 * jl[pl + b];
      }
    }
    for (let c = 0; c < nc; c++) for (let a = 0; a < pc; a++) for (let b = 0; b < a; b++) U[c * pc * pc + a * pc + b] = U[c * pc * pc + b * pc + a];
    for (let l = 0; l < nl; l++) for (let a = 0; a < pl; a++) for (let b = 0; b < a; b++) V[l * pl * pl + a * pl + b] = V[l * pl * pl + b * pl + a];
    return cost;
  };

  const initialCost = schurCost(p, o.loss, o.lossScale);
  let cost = linearize();
  let lambda = 1e-3, iterations = 0;
  let stop: SchurResult['stop'] = 'max-iterations';
  const Vinv = new Float64Array(nl * pl * pl), S = new Float64Array(P * P), rhs = new Float64Array(P);
  const WV = new Float64Array(pc * pl), e = new Float64Array(pl), A = new Float64Array(pl * pl);
  const dl = new Float64Array(nl * pl), rl = new Float64Array(pl);
  while (iterations < o.maxIterations && stop === 'max-iterations') {
    if (o.abortSignal?.aborted) { stop = 'aborted'; break; }
    let accepted = false;
    for (let attempt = 0; attempt < 10 && !accepted; attempt++) {
      let ok = true;
      for (let l = 0; l < nl && ok; l++) {
        if (byLandmark[l].length === 0) continue;
        A.set(V.subarray(l * pl * pl, (l + 1) * pl * pl));
        for (let a = 0; a < pl; a++) A[a * (pl + 1)] += lambda * A[a * (pl + 1)] + 1e-9;
        for (let b = 0; b < pl; b++) {
          e.fill(0);
          e[b] = 1;
          const col = solveSPD(A, e, pl);
          if (!col) { ok = false; break; }
          for (let a = 0; a < pl; a++) Vinv[l * pl * pl + a * pl + b] = col[a];
        }
      }
      if (!ok) { lambda *= 10; continue; }
      S.fill(0);
      for (let c = 0; c < nc; c++)
        for (let a = 0; a < pc; a++) {
          for (let b = 0; b < pc; b++) S[(c * pc + a) * P + c * pc + b] = U[c * pc * pc + a * pc + b];
          S[(c * pc + a) * P + c * pc + a] += lambda * U[c * pc * pc + a * pc + a] + 1e-9;
          rhs[c * pc + a] = -gc[c * pc + a];
        }
      for (let l = 0; l < nl; l++) {
        const Vl = l * pl * pl;
        for (const pa of byLandmark[l]) {
          const ca = pairCamera[pa], Wa = pa * pc * pl;
          for (let a = 0; a < pc; a++)
            for (let b = 0; b < pl; b++) {
              let s = 0;
              for (let k = 0; k < pl; k++) s += W[Wa + a * pl + k] * Vinv[Vl + k * pl + b];
              WV[a * pl + b] = s;
            }
          for (let a = 0; a < pc; a++) {
            let s = 0;
            for (let k = 0; k < pl; k++) s += WV[a * pl + k] * gl[l * pl + k];
            rhs[ca * pc + a] += s;
          }
          // S is symmetric: the blocks of pairs (pa, pb ≥ pa), mirrored.
          for (const pb of byLandmark[l]) {
            if (pb < pa) continue;
            const cb = pairCamera[pb], Wb = pb * pc * pl;
            for (let a = 0; a < pc; a++)
              for (let b = 0; b < pc; b++) {
                let s = 0;
                for (let k = 0; k < pl; k++) s += WV[a * pl + k] * W[Wb + b * pl + k];
                S[(ca * pc + a) * P + cb * pc + b] -= s;
                if (pb !== pa) S[(cb * pc + b) * P + ca * pc + a] -= s;
              }
          }
        }
      }
      if (p.fixed)
        for (let q = 0; q < P; q++) {
          if (!p.fixed[q]) continue;
          for (let k = 0; k < P; k++) { S[q * P + k] = 0; S[k * P + q] = 0; }
          S[q * P + q] = 1;
          rhs[q] = 0;
        }
      const dc = solveSPD(S, rhs, P);
      if (!dc) { lambda *= 10; continue; }
      let stepNorm = 0;
      for (let l = 0; l < nl; l++) {
        if (byLandmark[l].length === 0) continue;
        for (let a = 0; a < pl; a++) rl[a] = -gl[l * pl + a];
        for (const pa of byLandmark[l]) {
          const ca = pairCamera[pa], Wa = pa * pc * pl;
          for (let a = 0; a < pc; a++) {
            const d = dc[ca * pc + a];
            for (let b = 0; b < pl; b++) rl[b] -= W[Wa + a * pl + b] * d;
          }
        }
        for (let a = 0; a < pl; a++) {
          let s = 0;
          for (let b = 0; b < pl; b++) s += Vinv[l * pl * pl + a * pl + b] * rl[b];
          dl[l * pl + a] = s;
          stepNorm += s * s;
        }
      }
      for (const v of dc) stepNorm += v * v;
      const saved = p.save();
      p.applyStep(dc, dl);
      const trialCost = schurCost(p, o.loss, o.lossScale);
      if (Number.isFinite(trialCost) && trialCost < cost) {
        const rel = (cost - trialCost) / Math.max(cost, 1e-300);
        lambda = Math.max(lambda / 10, 1e-12);
        accepted = true;
        iterations++;
        cost = linearize();
        o.onIteration?.(iterations, cost);
        if (rel < o.costTolerance) stop = 'cost';
        else if (Math.sqrt(stepNorm) < o.stepTolerance) stop = 'step';
      } else {
        p.restore(saved);
        lambda *= 10;
      }
    }
    if (!accepted && stop === 'max-iterations') stop = 'no-decrease';
  }
  return { cost, initialCost, iterations, stop };
}
