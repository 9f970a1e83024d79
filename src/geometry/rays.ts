/** Rays in the world: where several of them (nearly) meet. */

/**
 * The one ray-intersection routine: the point closest, in weighted least squares, to n rays C_i + s d_i (unit d_i,
 * packed xyz in d and C), refined by `iters` IRLS steps with Cauchy weights (scale c metres) on the point-to-ray
 * distance. ok = false when the first solve is ill conditioned (det(M) ≤ minCondition · (tr M / 3)³: rays nearly
 * parallel). The solve of every later iteration that is well conditioned is kept. The lifter's features use it
 * with the same steps as training/parallax_train/features.py's closest_point (their parity is tested).
 */
export function closestPointToRays(
  d: Float64Array, C: Float64Array, w0: Float64Array, n: number, iters: number, c: number, minCondition: number,
): { X: Float64Array; ok: boolean } {
  const X = new Float64Array(3);
  const w = Float64Array.from(w0.subarray(0, n));
  let ok = false;
  const M = new Float64Array(9), b = new Float64Array(3);
  for (let it = 0; it <= iters; it++) {
    M.fill(0);
    b.fill(0);
    for (let i = 0; i < n; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      const dx = d[3 * i], dy = d[3 * i + 1], dz = d[3 * i + 2];
      const cx = C[3 * i], cy = C[3 * i + 1], cz = C[3 * i + 2];
      // P = I − d dᵀ; accumulate w P and w P C (P C = C − d (d·C)).
      const dc = dx * cx + dy * cy + dz * cz;
      M[0] += wi * (1 - dx * dx);
      M[1] -= wi * dx * dy;
      M[2] -= wi * dx * dz;
      M[4] += wi * (1 - dy * dy);
      M[5] -= wi * dy * dz;
      M[8] += wi * (1 - dz * dz);
      b[0] += wi * (cx - dx * dc);
      b[1] += wi * (cy - dy * dc);
      b[2] += wi * (cz - dz * dc);
    }
    M[3] = M[1];
    M[6] = M[2];
    M[7] = M[5];
    const tr = (M[0] + M[4] + M[8]) / 3;
    const det =
      M[0] * (M[4] * M[8] - M[5] * M[7]) - M[1] * (M[3] * M[8] - M[5] * M[6]) + M[2] * (M[3] * M[7] - M[4] * M[6]);
    const good = tr > 1e-12 && det > minCondition * Math.max(tr, 1e-12) ** 3;
    if (it === 0) ok = good;
    if (good) {
      // Cramer's rule: M is 3×3 and well conditioned here.
      const inv = 1 / det;
      X[0] = inv * (b[0] * (M[4] * M[8] - M[5] * M[7]) - M[1] * (b[1] * M[8] - M[5] * b[2]) + M[2] * (b[1] * M[7] - M[4] * b[2]));
      X[1] = inv * (M[0] * (b[1] * M[8] - M[5] * b[2]) - b[0] * (M[3] * M[8] - M[5] * M[6]) + M[2] * (M[3] * b[2] - b[1] * M[6]));
      X[2] = inv * (M[0] * (M[4] * b[2] - b[1] * M[7]) - M[1] * (M[3] * b[2] - b[1] * M[6]) + b[0] * (M[3] * M[7] - M[4] * M[6]));
    }
    if (it === iters) break;
    for (let i = 0; i < n; i++) {
      const dx = d[3 * i], dy = d[3 * i + 1], dz = d[3 * i + 2];
      const ex = X[0] - C[3 * i], ey = X[1] - C[3 * i + 1], ez = X[2] - C[3 * i + 2];
      const s = ex * dx + ey * dy + ez * dz;
      const rx = ex - s * dx, ry = ey - s * dy, rz = ez - s * dz;
      w[i] = w0[i] / (1 + (rx * rx + ry * ry + rz * rz) / (c * c));
    }
  }
  return { X, ok };
}
