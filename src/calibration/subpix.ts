/**
 * Sub-pixel corner refinement by gradient orthogonality (the principle behind OpenCV's cornerSubPix, written
 * from its description): at the true X-junction q, every image gradient g at a nearby point p is orthogonal to
 * p − q, so q solves Σ w g gᵀ (p − q) = 0. Iterated on a bilinearly resampled patch.
 */
import { sampleBilinear, type GrayImage } from './image';

const patchCache = new Map<number, Float32Array>();

/**
 * Refines (x, y) in place in `pts` at index 2k with a (2h+1)² window. Returns false when the system is
 * degenerate or the corner walks off further than h (then the point is left where it was).
 */
export function refineCorner(img: GrayImage, pts: Float64Array, k: number, h: number, maxIter = 30, eps = 0.005): boolean {
  const x0 = pts[2 * k], y0 = pts[2 * k + 1];
  let x = x0, y = y0;
  const n = 2 * h + 3;
  let patch = patchCache.get(n);
  if (!patch) patchCache.set(n, (patch = new Float32Array(n * n)));
  const inv = 1 / (h * h);
  for (let it = 0; it < maxIter; it++) {
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) patch[j * n + i] = sampleBilinear(img, x + i - h - 1, y + j - h - 1);
    let a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
    for (let dy = -h; dy <= h; dy++) {
      const row = (dy + h + 1) * n;
      for (let dx = -h; dx <= h; dx++) {
        const c = row + dx + h + 1;
        const gx = (patch[c + 1] - patch[c - 1]) * 0.5;
        const gy = (patch[c + n] - patch[c - n]) * 0.5;
        const w = Math.exp(-(dx * dx + dy * dy) * inv);
        const gxx = gx * gx * w, gxy = gx * gy * w, gyy = gy * gy * w;
        a11 += gxx; a12 += gxy; a22 += gyy;
        b1 += gxx * dx + gxy * dy;
        b2 += gxy * dx + gyy * dy;
      }
    }
    const det = a11 * a22 - a12 * a12;
    if (!(Math.abs(det) > 1e-9 * (a11 + a22) * (a11 + a22))) return false;
    const sx = (a22 * b1 - a12 * b2) / det;
    const sy = (a11 * b2 - a12 * b1) / det;
    x += sx;
    y += sy;
    if (Math.hypot(x - x0, y - y0) > h) return false;
    if (sx * sx + sy * sy < eps * eps) break;
  }
  pts[2 * k] = x;
  pts[2 * k + 1] = y;
  return true;
}
