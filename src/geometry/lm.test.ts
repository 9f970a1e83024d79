import { describe, expect, it } from 'vitest';
import { forwardDifferenceJacobian, levenbergMarquardt, type LMProblem } from './lm';
import { symmetricEigen, solveSPD, solveLinear } from './linalg';

describe('Levenberg–Marquardt', () => {
  it('fits an exponential curve and reports convergence', () => {
    const xs = Array.from({ length: 30 }, (_, i) => i / 10);
    const ys = xs.map((x) => 2.5 * Math.exp(-1.3 * x) + 0.4);
    const problem: LMProblem = {
      nParams: 3,
      nResiduals: xs.length,
      residuals(p, r) {
        xs.forEach((x, i) => (r[i] = p[0] * Math.exp(-p[1] * x) + p[2] - ys[i]));
      },
    };
    const res = levenbergMarquardt(problem, [1, 0.5, 0]);
    expect(res.converged).toBe(true);
    expect(res.params[0]).toBeCloseTo(2.5, 6);
    expect(res.params[1]).toBeCloseTo(1.3, 6);
    expect(res.params[2]).toBeCloseTo(0.4, 6);
    expect(res.cost).toBeLessThan(res.initialCost);
  });

  it('a robust loss ignores a gross outlier that pulls least squares away', () => {
    const xs = Array.from({ length: 20 }, (_, i) => i);
    const ys = xs.map((x) => 3 * x + 1);
    ys[7] += 500;
    const problem: LMProblem = {
      nParams: 2,
      nResiduals: xs.length,
      residuals(p, r) {
        xs.forEach((x, i) => (r[i] = p[0] * x + p[1] - ys[i]));
      },
      jacobian(_p, J) {
        xs.forEach((x, i) => {
          J[2 * i] = x;
          J[2 * i + 1] = 1;
        });
      },
    };
    const plain = levenbergMarquardt(problem, [0, 0]);
    const robust = levenbergMarquardt(problem, [0, 0], { loss: 'cauchy', lossScale: 1, maxIterations: 200 });
    expect(Math.abs(plain.params[1] - 1)).toBeGreaterThan(5);
    expect(robust.params[0]).toBeCloseTo(3, 3);
    expect(robust.params[1]).toBeCloseTo(1, 2);
  });

  it('forward differences match an analytic Jacobian', () => {
    const problem: LMProblem = {
      nParams: 2,
      nResiduals: 2,
      residuals(p, r) {
        r[0] = Math.sin(p[0]) * p[1];
        r[1] = p[0] * p[0] - p[1];
      },
    };
    const J = new Float64Array(4);
    forwardDifferenceJacobian(problem, new Float64Array([0.3, 2]), J);
    expect(J[0]).toBeCloseTo(Math.cos(0.3) * 2, 5);
    expect(J[1]).toBeCloseTo(Math.sin(0.3), 5);
    expect(J[2]).toBeCloseTo(0.6, 5);
    expect(J[3]).toBeCloseTo(-1, 5);
  });
});

describe('linear algebra', () => {
  it('symmetric eigen decomposition reconstructs the matrix', () => {
    const A = new Float64Array([4, 1, 2, 0.5, 1, 3, 0, 1, 2, 0, 5, 1, 0.5, 1, 1, 2]);
    const { values, vectors } = symmetricEigen(A, 4);
    for (let i = 0; i < 3; i++) expect(values[i]).toBeLessThanOrEqual(values[i + 1]);
    for (let r = 0; r < 4; r++)
      for (let c = 0; c < 4; c++) {
        let s = 0;
        for (let k = 0; k < 4; k++) s += vectors[r * 4 + k] * values[k] * vectors[c * 4 + k];
        expect(s).toBeCloseTo(A[r * 4 + c], 10);
      }
  });

  it('solvers agree and report singular systems', () => {
    const A = new Float64Array([4, 1, 0, 1, 3, 1, 0, 1, 2]);
    const b = new Float64Array([1, 2, 3]);
    const x1 = solveSPD(A, b, 3)!;
    const x2 = solveLinear(A, b, 3)!;
    for (let i = 0; i < 3; i++) expect(x1[i]).toBeCloseTo(x2[i], 12);
    expect(solveSPD(new Float64Array([1, 2, 2, 1]), new Float64Array([1, 1]), 2)).toBeNull();
    expect(solveLinear(new Float64Array([1, 2, 2, 4]), new Float64Array([1, 1]), 2)).toBeNull();
  });
});
