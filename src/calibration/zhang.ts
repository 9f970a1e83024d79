/**
 * Closed-form intrinsics from plane homographies (Zhang 2000, zero skew imposed), with a fallback that fixes
 * the principal point at the image centre and solves only the focal length (few or near-parallel views).
 */
import { symmetricEigen } from '../geometry/linalg';

export interface PinholeGuess { fx: number; fy: number; cx: number; cy: number }

const v = (H: Float64Array, i: number, j: number) => {
  // Columns hi, hj of H (row-major): h_i = (H[i], H[3+i], H[6+i]).
  const a = [H[i], H[3 + i], H[6 + i]], b = [H[j], H[3 + j], H[6 + j]];
  return [a[0] * b[0], a[0] * b[1] + a[1] * b[0], a[1] * b[1], a[2] * b[0] + a[0] * b[2], a[2] * b[1] + a[1] * b[2], a[2] * b[2]];
};

export function zhangIntrinsics(Hs: Float64Array[], width: number, height: number): PinholeGuess | null {
  const fallback = focalOnly(Hs, width, height);
  if (Hs.length < 3) return fallback;
  // Rows: v12ᵀ b = 0, (v11 − v22)ᵀ b = 0, plus a weighted zero-skew row. Pixel coordinates are pre-scaled for conditioning.
  const S = 1 / Math.max(width, height);
  const M = new Float64Array(36);
  const addRow = (r: number[], w = 1) => {
    for (let a = 0; a < 6; a++) for (let b = 0; b < 6; b++) M[a * 6 + b] += w * r[a] * r[b];
  };
  for (const H0 of Hs) {
    const H = Float64Array.from(H0);
    for (let j = 0; j < 3; j++) { H[j] *= S; H[3 + j] *= S; }
    const n = Math.hypot(...H);
    for (let k = 0; k < 9; k++) H[k] /= n;
    const v12 = v(H, 0, 1), v11 = v(H, 0, 0), v22 = v(H, 1, 1);
    addRow(v12);
    addRow(v11.map((x, k) => x - v22[k]));
  }
  addRow([0, 1, 0, 0, 0, 0], Hs.length);
  const { vectors } = symmetricEigen(M, 6);
  const b = [0, 1, 2, 3, 4, 5].map((k) => vectors[k * 6]);
  const [B11, B12, B22, B13, B23, B33] = b;
  const den = B11 * B22 - B12 * B12;
  const v0 = (B12 * B13 - B11 * B23) / den;
  const lambda = B33 - (B13 * B13 + v0 * (B12 * B13 - B11 * B23)) / B11;
  const alpha = Math.sqrt(lambda / B11);
  const beta = Math.sqrt((lambda * B11) / den);
  const u0 = -(B13 * alpha * alpha) / lambda;
  const g: PinholeGuess = { fx: alpha / S, fy: beta / S, cx: u0 / S, cy: v0 / S };
  const ok = Object.values(g).every(Number.isFinite) && g.cx > 0 && g.cx < width && g.cy > 0 && g.cy < height &&
    (!fallback || (g.fx / fallback.fx > 0.7 && g.fx / fallback.fx < 1.4 && g.fy / g.fx > 0.8 && g.fy / g.fx < 1.25));
  return ok ? g : fallback;
}

/** f with cx, cy at the image centre: the orthogonality and equal-norm constraints are linear in 1/f². */
export function focalOnly(Hs: Float64Array[], width: number, height: number): PinholeGuess | null {
  const cx = (width - 1) / 2, cy = (height - 1) / 2;
  let num = 0, den = 0;
  for (const H0 of Hs) {
    // Remove the principal point: H' = T H with T = [1 0 −cx; 0 1 −cy; 0 0 1].
    const H = Float64Array.from(H0);
    for (let j = 0; j < 3; j++) { H[j] -= cx * H[6 + j]; H[3 + j] -= cy * H[6 + j]; }
    // ω = diag(w, w, 1), w = 1/f²: h1ᵀωh2 = 0 and h1ᵀωh1 − h2ᵀωh2 = 0 → a·w + c = 0
    const eqs: Array<[number, number]> = [
      [H[0] * H[1] + H[3] * H[4], H[6] * H[7]],
      [H[0] * H[0] + H[3] * H[3] - H[1] * H[1] - H[4] * H[4], H[6] * H[6] - H[7] * H[7]],
    ];
    for (const [a, c] of eqs) {
      num += -a * c;
      den += a * a;
    }
  }
  const w = num / den;
  if (!(w > 0)) return null;
  const f = 1 / Math.sqrt(w);
  return Number.isFinite(f) ? { fx: f, fy: f, cx, cy } : null;
}
