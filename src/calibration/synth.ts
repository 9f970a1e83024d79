/**
 * A small anti-aliased rasteriser of a checkerboard seen through the project's camera model (lens distortion
 * included), for tests and benchmarks: every sub-sample is undistorted once per camera and intersected with the
 * board plane. Board squares (i, j), i ∈ [−1, cols−1], j ∈ [−1, rows−1], are black when i + j is even, so the
 * detector's ordering rule puts corner 0 at board (0, 0).
 */
import { pixelToNormalized, projectPoint, type Camera } from '../geometry/camera';
import { invert3, mul3, type Mat3 } from '../geometry/linalg';
import type { BoardSpec } from './board';
import { gaussianBlur, makeGray, type GrayImage } from './image';
import { makeRng } from '../util/random';

export interface Pose {
  /** Board → world rotation (row-major 3x3) and translation (metres). */
  R: Mat3;
  t: Float64Array;
}

export interface RenderOptions {
  /** Sub-samples per pixel side. */
  supersample: number;
  /** Gaussian blur sigma in pixels after rendering (optics). */
  blurSigma: number;
  /** Sensor noise sigma (grey levels), from a seeded generator. */
  noise: number;
  seed: number;
  black: number;
  white: number;
  background: number;
  /** White margin around the squares, in squares. */
  margin: number;
  /** Multiplicative light gradient across the image: factor goes from 1 − g to 1 + g left to right. */
  lightGradient: number;
}

export const defaultRenderOptions: RenderOptions = {
  supersample: 3, blurSigma: 0.6, noise: 2, seed: 1, black: 35, white: 215, background: 110, margin: 0.7, lightGradient: 0,
};

const rayCache = new WeakMap<Camera, { ss: number; xy: Float32Array }>();

function rays(cam: Camera, ss: number): Float32Array {
  const hit = rayCache.get(cam);
  if (hit && hit.ss === ss) return hit.xy;
  const n = cam.width * cam.height * ss * ss;
  const xy = new Float32Array(n * 2);
  const tmp = new Float64Array(2);
  let k = 0;
  for (let y = 0; y < cam.height; y++)
    for (let x = 0; x < cam.width; x++)
      for (let sy = 0; sy < ss; sy++)
        for (let sx = 0; sx < ss; sx++) {
          const ok = pixelToNormalized(cam, x + (sx + 0.5) / ss - 0.5, y + (sy + 0.5) / ss - 0.5, tmp);
          xy[k++] = ok ? tmp[0] : NaN;
          xy[k++] = ok ? tmp[1] : NaN;
        }
  rayCache.set(cam, { ss, xy });
  return xy;
}

/** A deterministic standard-normal generator (the project's seeded RNG). */
export function seededNormal(seed: number): () => number {
  return makeRng(seed).normal;
}

export function renderBoard(cam: Camera, board: BoardSpec, pose: Pose, options: Partial<RenderOptions> = {}): GrayImage {
  const o = { ...defaultRenderOptions, ...options };
  const ss = o.supersample;
  const xy = rays(cam, ss);
  // Board plane → normalised image: H = [r1 r2 t] of the board-to-camera transform.
  const Rcb = mul3(new Float64Array(9), cam.R, pose.R);
  const tcb = [0, 1, 2].map((i) => cam.R[i * 3] * pose.t[0] + cam.R[i * 3 + 1] * pose.t[1] + cam.R[i * 3 + 2] * pose.t[2] + cam.t[i]);
  const H = new Float64Array([Rcb[0], Rcb[1], tcb[0], Rcb[3], Rcb[4], tcb[1], Rcb[6], Rcb[7], tcb[2]]);
  const Hi = invert3(new Float64Array(9), H);
  const img = makeGray(cam.width, cam.height);
  if (!Hi) return img;
  const s = board.squareMm / 1000;
  const lo = -(1 + o.margin) * s, hiX = (board.cols + o.margin) * s, hiY = (board.rows + o.margin) * s;
  const inv = 1 / (ss * ss);
  // Only pixels near the board's image need the per-sample intersection: bound it by projecting its outline.
  const box = boardImageBox(cam, Rcb, tcb, lo, hiX, hiY);
  let k = 0;
  for (let y = 0; y < cam.height; y++)
    for (let x = 0; x < cam.width; x++) {
      if (box && (x < box[0] || x > box[2] || y < box[1] || y > box[3])) {
        k += 2 * ss * ss;
        img.data[y * cam.width + x] = o.background * (1 + o.lightGradient * (2 * x / cam.width - 1));
        continue;
      }
      let acc = 0;
      for (let j = 0; j < ss * ss; j++, k += 2) {
        const nx = xy[k], ny = xy[k + 1];
        let v = o.background;
        if (nx === nx) {
          const w = Hi[6] * nx + Hi[7] * ny + Hi[8];
          if (w > 0) {
            const bu = (Hi[0] * nx + Hi[1] * ny + Hi[2]) / w, bv = (Hi[3] * nx + Hi[4] * ny + Hi[5]) / w;
            if (bu > lo && bv > lo && bu < hiX && bv < hiY) {
              const i = Math.floor(bu / s), jj = Math.floor(bv / s);
              const inSquares = i >= -1 && jj >= -1 && i < board.cols && jj < board.rows;
              v = inSquares && ((i + jj) & 1) === 0 ? o.black : o.white;
            }
          }
        }
        acc += v;
      }
      img.data[y * cam.width + x] = acc * inv * (1 + o.lightGradient * (2 * x / cam.width - 1));
    }
  const out = gaussianBlur(img, o.blurSigma);
  if (o.noise > 0) {
    const rnd = seededNormal(o.seed);
    for (let i = 0; i < out.data.length; i++) out.data[i] = Math.min(255, Math.max(0, out.data[i] + o.noise * rnd()));
  }
  return out;
}

/** Pixel bounding box of the board (margin included), padded; null when any outline point is behind the camera. */
function boardImageBox(cam: Camera, Rcb: Float64Array, tcb: number[], lo: number, hiX: number, hiY: number): number[] | null {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const uv = new Float64Array(2);
  const steps = 16;
  for (let i = 0; i <= steps; i++)
    for (const [bu, bv] of [[lo + ((hiX - lo) * i) / steps, lo], [lo + ((hiX - lo) * i) / steps, hiY], [lo, lo + ((hiY - lo) * i) / steps], [hiX, lo + ((hiY - lo) * i) / steps]]) {
      const X = [0, 1, 2].map((r) => Rcb[r * 3] * bu + Rcb[r * 3 + 1] * bv + tcb[r]);
      if (!(X[2] > 1e-6)) return null;
      // Identity pose: X is already in camera coordinates.
      const probe = { ...cam, R: new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]), t: new Float64Array(3) };
      if (!projectPoint(probe, X[0], X[1], X[2], uv)) return null;
      x0 = Math.min(x0, uv[0]); y0 = Math.min(y0, uv[1]); x1 = Math.max(x1, uv[0]); y1 = Math.max(y1, uv[1]);
    }
  const pad = 4;
  return [x0 - pad, y0 - pad, x1 + pad, y1 + pad];
}

/** Ground-truth pixel positions of the board's inner corners (NaN behind the camera). */
export function projectBoardCorners(cam: Camera, board: BoardSpec, pose: Pose, project: (cam: Camera, pts: ArrayLike<number>) => Float64Array): Float64Array {
  const s = board.squareMm / 1000;
  const pts = new Float64Array(board.cols * board.rows * 3);
  for (let r = 0; r < board.rows; r++)
    for (let c = 0; c < board.cols; c++) {
      const k = r * board.cols + c;
      const bx = c * s, by = r * s;
      for (let i = 0; i < 3; i++) pts[3 * k + i] = pose.R[i * 3] * bx + pose.R[i * 3 + 1] * by + pose.t[i];
    }
  return project(cam, pts);
}
