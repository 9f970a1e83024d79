import { describe, expect, it } from 'vitest';
import { projectCameraPointJacobian } from '../geometry/camera';
import { rodriguesPointJacobian, rodriguesToMatrix } from '../geometry/rotation';

describe('analytic Jacobians used by calibration agree with finite differences', () => {
  const K = new Float64Array([800, 0.5, 320, 0, 790, 240, 0, 0, 1]);
  const dist = new Float64Array([-0.2, 0.05, 0.001, -0.002, 0.01]);
  const X = [0.3, -0.2, 1.7];

  it('projectCameraPointJacobian: d(u,v)/d(point) and d(u,v)/d(fx fy cx cy k1 k2 p1 p2 k3)', () => {
    const uv = new Float64Array(2), dX = new Float64Array(6), dI = new Float64Array(18);
    projectCameraPointJacobian(K, dist, X[0], X[1], X[2], uv, dX, dI);
    const at = (Kp: Float64Array, dp: Float64Array, P: number[]) => {
      const o = new Float64Array(2);
      projectCameraPointJacobian(Kp, dp, P[0], P[1], P[2], o, new Float64Array(6));
      return o;
    };
    const h = 1e-6;
    for (let j = 0; j < 3; j++) {
      const P = [...X];
      P[j] += h;
      const o = at(K, dist, P);
      for (let r = 0; r < 2; r++) expect(dX[r * 3 + j]).toBeCloseTo((o[r] - uv[r]) / h, 2);
    }
    const kIdx = [0, 4, 2, 5];
    for (let j = 0; j < 9; j++) {
      const Kp = Float64Array.from(K), dp = Float64Array.from(dist);
      const step = j < 4 ? 1e-4 : 1e-7;
      if (j < 4) Kp[kIdx[j]] += step; else dp[j - 4] += step;
      const o = at(Kp, dp, X);
      for (let r = 0; r < 2; r++) expect(dI[r * 9 + j]).toBeCloseTo((o[r] - uv[r]) / step, 1);
    }
  });

  it('rodriguesPointJacobian: d(R(r)·X)/dr', () => {
    for (const r of [[0.3, -0.5, 1.2], [1e-8, 0, 0], [2.9, 0.2, -0.4]]) {
      const J = rodriguesPointJacobian(r[0], r[1], r[2], X);
      const base = rodriguesToMatrix(r[0], r[1], r[2]);
      const h = 1e-7;
      for (let j = 0; j < 3; j++) {
        const q = [...r];
        q[j] += h;
        const Rq = rodriguesToMatrix(q[0], q[1], q[2]);
        for (let i = 0; i < 3; i++) {
          const fd = (Rq[i * 3] * X[0] + Rq[i * 3 + 1] * X[1] + Rq[i * 3 + 2] * X[2] - (base[i * 3] * X[0] + base[i * 3 + 1] * X[1] + base[i * 3 + 2] * X[2])) / h;
          expect(J[i * 3 + j]).toBeCloseTo(fd, 4);
        }
      }
    }
  });
});
