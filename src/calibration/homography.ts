/** Plane-to-image homographies by the normalised DLT (Hartley), the seed of Zhang's method and of planar PnP. */
import { symmetricEigen } from '../geometry/linalg';

/** Similarity that moves points to zero mean and √2 mean distance: [s 0 −s·mx; 0 s −s·my; 0 0 1]. */
function normaliser(pts: ArrayLike<number>, n: number, stride: number): Float64Array {
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += pts[i * stride]; my += pts[i * stride + 1]; }
  mx /= n; my /= n;
  let d = 0;
  for (let i = 0; i < n; i++) d += Math.hypot(pts[i * stride] - mx, pts[i * stride + 1] - my);
  const s = Math.SQRT2 / Math.max(d / n, 1e-12);
  return new Float64Array([s, 0, -s * mx, 0, s, -s * my, 0, 0, 1]);
}

/**
 * H (3x3 row-major, H[8] = 1) with dst ~ H · src, from n ≥ 4 correspondences: src (x, y) with the given stride
 * (2 for planar points, 3 to read x y of board points), dst (u, v) interleaved. Null when degenerate.
 */
export function findHomography(src: ArrayLike<number>, srcStride: number, dst: ArrayLike<number>, n: number): Float64Array | null {
  if (n < 4) return null;
  const Ts = normaliser(src, n, srcStride), Td = normaliser(dst, n, 2);
  const AtA = new Float64Array(81);
  const row = new Float64Array(9);
  const add = () => {
    for (let a = 0; a < 9; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = a; b < 9; b++) AtA[a * 9 + b] += ra * row[b];
    }
  };
  for (let i = 0; i < n; i++) {
    const x = Ts[0] * src[i * srcStride] + Ts[2], y = Ts[4] * src[i * srcStride + 1] + Ts[5];
    const u = Td[0] * dst[2 * i] + Td[2], v = Td[4] * dst[2 * i + 1] + Td[5];
    row.set([x, y, 1, 0, 0, 0, -u * x, -u * y, -u]);
    add();
    row.set([0, 0, 0, x, y, 1, -v * x, -v * y, -v]);
    add();
  }
  for (let a = 0; a < 9; a++) for (let b = 0; b < a; b++) AtA[a * 9 + b] = AtA[b * 9 + a];
  const { values, vectors } = symmetricEigen(AtA, 9);
  if (!(values[1] > 1e-12 * Math.max(values[8], 1e-300))) return null;
  const Hn = new Float64Array(9);
  for (let k = 0; k < 9; k++) Hn[k] = vectors[k * 9];
  // H = Td⁻¹ Hn Ts
  const Tdi = new Float64Array([1 / Td[0], 0, -Td[2] / Td[0], 0, 1 / Td[4], -Td[5] / Td[4], 0, 0, 1]);
  const tmp = mul(Hn, Ts);
  const H = mul(Tdi, tmp);
  if (Math.abs(H[8]) < 1e-300) return null;
  for (let k = 0; k < 9; k++) H[k] /= H[8];
  return H.every(Number.isFinite) ? H : null;
}

function mul(a: Float64Array, b: Float64Array): Float64Array {
  const o = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) o[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  return o;
}
