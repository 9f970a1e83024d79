/**
 * One Levenberg–Marquardt loop over a problem interface, shared by triangulation refinement, camera
 * calibration, PnP and bundle adjustment. Dense normal equations: fine up to a few hundred parameters.
 */
import { solveSPD } from './linalg';

export interface LMProblem {
  readonly nParams: number;
  readonly nResiduals: number;
  /** Writes the residual vector for params p into r. */
  residuals(p: Float64Array, r: Float64Array): void;
  /** Writes the nResiduals × nParams Jacobian (row-major) into J. Omit to use forward differences. */
  jacobian?(p: Float64Array, J: Float64Array): void;
}

export type RobustLoss = 'linear' | 'huber' | 'cauchy';

export interface LMOptions {
  maxIterations: number;
  /** Stop when the relative cost decrease falls below this. */
  costTolerance: number;
  /** Stop when the step is this small relative to the parameters. */
  stepTolerance: number;
  initialLambda: number;
  loss: RobustLoss;
  /** Residual magnitude where the robust loss starts to bend (same unit as the residuals). */
  lossScale: number;
  /** Called after each accepted iteration, for progress reports. */
  onIteration?: (iteration: number, cost: number) => void;
}

export const defaultLMOptions: LMOptions = {
  maxIterations: 100,
  costTolerance: 1e-12,
  stepTolerance: 1e-12,
  initialLambda: 1e-3,
  loss: 'linear',
  lossScale: 1,
};

export interface LMResult {
  params: Float64Array;
  /** Final robust cost: ½ Σ ρ(r²). */
  cost: number;
  initialCost: number;
  iterations: number;
  converged: boolean;
  /** Root mean square of the final raw residuals. */
  rms: number;
}

/** ρ(s) for s = r², and its derivative ρ'(s), as used by IRLS-style weighting. Exported for block solvers. */
export function lossValue(loss: RobustLoss, s: number, c2: number): [number, number] {
  switch (loss) {
    case 'linear':
      return [s, 1];
    case 'huber':
      if (s <= c2) return [s, 1];
      {
        const r = Math.sqrt(s), c = Math.sqrt(c2);
        return [2 * c * r - c2, c / r];
      }
    case 'cauchy':
      return [c2 * Math.log1p(s / c2), 1 / (1 + s / c2)];
  }
}

function robustCost(r: Float64Array, loss: RobustLoss, c2: number): number {
  let cost = 0;
  for (let i = 0; i < r.length; i++) cost += lossValue(loss, r[i] * r[i], c2)[0];
  return cost / 2;
}

export function forwardDifferenceJacobian(problem: LMProblem, p: Float64Array, J: Float64Array, r0?: Float64Array): void {
  const n = problem.nParams, m = problem.nResiduals;
  const base = r0 ?? new Float64Array(m);
  if (!r0) problem.residuals(p, base);
  const r1 = new Float64Array(m);
  const q = Float64Array.from(p);
  for (let j = 0; j < n; j++) {
    const h = 1e-7 * Math.max(1, Math.abs(p[j]));
    q[j] = p[j] + h;
    problem.residuals(q, r1);
    q[j] = p[j];
    for (let i = 0; i < m; i++) J[i * n + j] = (r1[i] - base[i]) / h;
  }
}

export function levenbergMarquardt(problem: LMProblem, initial: ArrayLike<number>, options: Partial<LMOptions> = {}): LMResult {
  const o = { ...defaultLMOptions, ...options };
  const n = problem.nParams, m = problem.nResiduals;
  const c2 = o.lossScale * o.lossScale;
  let p = Float64Array.from(initial);
  const r = new Float64Array(m);
  const rTrial = new Float64Array(m);
  const J = new Float64Array(m * n);
  const JtJ = new Float64Array(n * n);
  const A = new Float64Array(n * n);
  const g = new Float64Array(n);
  const w = new Float64Array(m);
  const trial = new Float64Array(n);

  problem.residuals(p, r);
  let cost = robustCost(r, o.loss, c2);
  const initialCost = cost;
  let lambda = o.initialLambda;
  let converged = false;
  let iter = 0;
  if (!Number.isFinite(cost)) return { params: p, cost, initialCost, iterations: 0, converged: false, rms: NaN };

  for (iter = 0; iter < o.maxIterations; iter++) {
    if (problem.jacobian) problem.jacobian(p, J);
    else forwardDifferenceJacobian(problem, p, J, r);
    // IRLS weights: minimising ½Σρ(r²) ≈ weighted least squares with w = ρ'(r²).
    for (let i = 0; i < m; i++) w[i] = lossValue(o.loss, r[i] * r[i], c2)[1];
    JtJ.fill(0);
    g.fill(0);
    for (let i = 0; i < m; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      const row = i * n;
      const ri = r[i] * wi;
      for (let a = 0; a < n; a++) {
        const ja = J[row + a];
        if (ja === 0) continue;
        g[a] += ja * ri;
        const jaw = ja * wi;
        for (let b = a; b < n; b++) JtJ[a * n + b] += jaw * J[row + b];
      }
    }
    for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) JtJ[a * n + b] = JtJ[b * n + a];

    let improved = false;
    for (let attempt = 0; attempt < 12; attempt++) {
      A.set(JtJ);
      for (let a = 0; a < n; a++) A[a * n + a] += lambda * (JtJ[a * n + a] + 1e-12);
      const negG = g.map((v) => -v);
      const step = solveSPD(A, negG, n);
      if (!step) {
        lambda *= 10;
        continue;
      }
      let stepNorm = 0, pNorm = 0;
      for (let a = 0; a < n; a++) {
        trial[a] = p[a] + step[a];
        stepNorm += step[a] * step[a];
        pNorm += p[a] * p[a];
      }
      problem.residuals(trial, rTrial);
      const trialCost = robustCost(rTrial, o.loss, c2);
      if (Number.isFinite(trialCost) && trialCost < cost) {
        const rel = (cost - trialCost) / Math.max(cost, 1e-300);
        p = Float64Array.from(trial);
        r.set(rTrial);
        cost = trialCost;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = true;
        if (rel < o.costTolerance || Math.sqrt(stepNorm) < o.stepTolerance * (Math.sqrt(pNorm) + o.stepTolerance)) converged = true;
        break;
      }
      lambda *= 10;
      if (Math.sqrt(stepNorm) < o.stepTolerance * (Math.sqrt(pNorm) + o.stepTolerance)) {
        converged = true;
        break;
      }
    }
    o.onIteration?.(iter, cost);
    if (!improved || converged) {
      converged = true;
      break;
    }
  }
  let ss = 0;
  for (let i = 0; i < m; i++) ss += r[i] * r[i];
  return { params: p, cost, initialCost, iterations: iter + 1, converged, rms: Math.sqrt(ss / Math.max(m, 1)) };
}
