import { describe, expect, it } from 'vitest';
import { closestPointToRays } from './rays';

/** Rays from centres C towards X (unit directions), packed xyz. */
function raysTo(X: number[], centres: number[][]) {
  const C = new Float64Array(centres.flat());
  const d = new Float64Array(3 * centres.length);
  centres.forEach((c, i) => {
    const v = [X[0] - c[0], X[1] - c[1], X[2] - c[2]];
    const n = Math.hypot(v[0], v[1], v[2]);
    d.set(v.map((x) => x / n), 3 * i);
  });
  return { C, d, w: new Float64Array(centres.length).fill(1) };
}

describe('closestPointToRays', () => {
  const X = [0.3, 1.2, -0.4];
  const centres = [[3, 1, 0], [0, 1.5, 3], [-3, 2, 0.5], [0.5, 2, -3]];

  it('finds where rays meet, and where they nearly meet with one off by a few cm', () => {
    const { C, d, w } = raysTo(X, centres);
    const r = closestPointToRays(d, C, w, 4, 0, 0.1, 1e-3);
    expect(r.ok).toBe(true);
    r.X.forEach((v, k) => expect(v).toBeCloseTo(X[k], 9));
    C[0] += 0.03; // one centre moved: its ray misses by ~3 cm
    const plain = closestPointToRays(d, C, w, 4, 0, 0.05, 1e-3).X;
    const robust = closestPointToRays(d, C, w, 4, 10, 0.005, 1e-3).X;
    const err = (P: Float64Array) => Math.hypot(P[0] - X[0], P[1] - X[1], P[2] - X[2]);
    expect(err(robust)).toBeLessThan(err(plain)); // the Cauchy reweighting pulls away from the bad ray
  });

  it('says not ok for parallel rays (no depth), and ignores rays of weight 0', () => {
    const C = new Float64Array([0, 0, 0, 0.1, 0, 0]);
    const d = new Float64Array([0, 0, 1, 0, 0, 1]);
    expect(closestPointToRays(d, C, new Float64Array([1, 1]), 2, 0, 0.1, 1e-3).ok).toBe(false);
    const { C: C2, d: d2 } = raysTo(X, centres.slice(0, 2));
    const C3 = new Float64Array([...C2, 9, 9, 9]), d3 = new Float64Array([...d2, 1, 0, 0]);
    const r = closestPointToRays(d3, C3, new Float64Array([1, 1, 0]), 3, 0, 0.1, 1e-3);
    r.X.forEach((v, k) => expect(v).toBeCloseTo(X[k], 9));
  });
});
