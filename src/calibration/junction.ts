/**
 * Junction tests and corner estimates for the checkerboard detector (detect.ts): where the quad graph alone cannot
 * say whether a lattice position is an inner corner (its far square cut by the image border, or too thin a blob
 * to become a quad), the full-resolution image around it decides.
 */
import { sampleBilinear, type GrayImage } from './image';

export interface Quad {
  /** 4 corners, x y interleaved, working-image pixels, clockwise on screen. */
  p: Float64Array;
  cx: number;
  cy: number;
  side: number;
  /** Linked (quad index, corner index) per corner, −1 when unlinked. */
  linkQ: Int32Array;
  linkC: Int8Array;
}

/** A lattice corner: x, y sums (working pixels), count, lattice i, j. */
export type LatticeCorner = [number, number, number, number, number];

/**
 * Positions for lattice corners no quad provides, predicted from the grid around them (parallelogram rule, else
 * straight extrapolation) and kept only when the full-resolution image there is an X-junction whose dark pair of
 * quadrants is the one the lattice's colour parity expects. Null when any of them fails.
 */
export function predictCorners(
  img: GrayImage, factor: number, missing: Array<[number, number]>,
  sums: Map<string, LatticeCorner>, loose: Map<string, LatticeCorner>,
): Map<string, LatticeCorner> | null {
  const filled = new Map<string, LatticeCorner>();
  const at = (i: number, j: number): [number, number] | null => {
    const e = sums.get(`${i},${j}`) ?? loose.get(`${i},${j}`) ?? filled.get(`${i},${j}`);
    return e ? [e[0] / e[2], e[1] / e[2]] : null;
  };
  let todo = missing;
  // Corners next to each other (e.g. a row along the border) fill in from the grid inwards over a few passes.
  for (let pass = 0; pass < 3 && todo.length; pass++) {
    const left: Array<[number, number]> = [];
    for (const [i, j] of todo) {
      let p: [number, number] | null = null;
      for (const [di, dj] of [[1, 1], [1, -1], [-1, 1], [-1, -1]]) {
        const a = at(i + di, j), b = at(i, j + dj), c = at(i + di, j + dj);
        if (a && b && c) { p = [a[0] + b[0] - c[0], a[1] + b[1] - c[1]]; break; }
      }
      for (const [di, dj] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
        if (p) break;
        const a = at(i + di, j + dj), b = at(i + 2 * di, j + 2 * dj);
        if (a && b) p = [2 * a[0] - b[0], 2 * a[1] - b[1]];
      }
      if (!p) { left.push([i, j]); continue; }
      // Grid steps along +i and +j at p, from whichever neighbours exist.
      const step = (di: number, dj: number): [number, number] | null => {
        const f = at(i + di, j + dj), b = at(i - di, j - dj);
        if (f) return [f[0] - p![0], f[1] - p![1]];
        if (b) return [p![0] - b[0], p![1] - b[1]];
        return null;
      };
      const u = step(1, 0), v = step(0, 1);
      if (!u || !v || !isPredictedXJunction(img, factor, p, u, v, (((i + j) % 2) + 2) % 2 === 0)) return null;
      filled.set(`${i},${j}`, [p[0], p[1], 1, i, j]);
    }
    todo = left;
  }
  return todo.length ? null : filled;
}

/**
 * X-junction test at a predicted corner p with grid steps u (+i) and v (+j), working pixels: the four cells'
 * centres are p ± (u ± v)/2; cells (i, j) and (i − 1, j − 1) are black when `evenDark`, the other two otherwise.
 * Samples shrink toward p to stay inside the full-resolution image, down to a third of the way to the centres.
 */
export function isPredictedXJunction(img: GrayImage, factor: number, p: [number, number], u: [number, number], v: [number, number], evenDark: boolean): boolean {
  const toFull = (x: number) => x * factor + (factor - 1) / 2;
  const cx = toFull(p[0]), cy = toFull(p[1]);
  const dirs: Array<[number, number]> = [
    [(u[0] + v[0]) / 2, (u[1] + v[1]) / 2], [-(u[0] + v[0]) / 2, -(u[1] + v[1]) / 2],
    [(u[0] - v[0]) / 2, (u[1] - v[1]) / 2], [(v[0] - u[0]) / 2, (v[1] - u[1]) / 2],
  ].map(([x, y]) => [x * factor, y * factor] as [number, number]);
  let s = 0.8;
  for (const [dx, dy] of dirs) {
    if (cx + s * dx < 1) s = (1 - cx) / dx;
    if (cx + s * dx > img.width - 2) s = (img.width - 2 - cx) / dx;
    if (cy + s * dy < 1) s = (1 - cy) / dy;
    if (cy + s * dy > img.height - 2) s = (img.height - 2 - cy) / dy;
  }
  if (!(cx >= 1 && cy >= 1 && cx <= img.width - 2 && cy <= img.height - 2)) return false;
  const minLen = Math.min(...dirs.map(([x, y]) => Math.hypot(x, y)));
  if (!(s >= 1 / 3) || s * minLen < 3) return false;
  const mean = ([dx, dy]: [number, number]) => (sampleBilinear(img, cx + 0.6 * s * dx, cy + 0.6 * s * dy) + sampleBilinear(img, cx + s * dx, cy + s * dy)) / 2;
  const q = dirs.map(mean);
  const dark = evenDark ? [q[0], q[1]] : [q[2], q[3]], light = evenDark ? [q[2], q[3]] : [q[0], q[1]];
  const darkMax = Math.max(...dark), lightMin = Math.min(...light);
  return lightMin - darkMax >= Math.max(20, 0.5 * (Math.max(...light) - Math.min(...dark)));
}

/**
 * Where an unlinked quad corner was before erosion and thresholding shrank the blob: moved outward along its
 * bisector by (erosion + ½) / sin(θ/2) for interior angle θ. A linked corner needs none (the two quads shrink in
 * opposite directions and their mean stays put), but a lone acute corner of a foreshortened square starts
 * several pixels short, beyond what the sub-pixel step may move.
 */
export function restoreCorner(q: Quad, k: number, erosion: number): [number, number] {
  const p = q.p;
  const cx = p[2 * k], cy = p[2 * k + 1];
  const a = ((k + 3) % 4) * 2, b = ((k + 1) % 4) * 2;
  const ax = p[a] - cx, ay = p[a + 1] - cy, bx = p[b] - cx, by = p[b + 1] - cy;
  const la = Math.hypot(ax, ay), lb = Math.hypot(bx, by);
  if (!(la > 0 && lb > 0)) return [cx, cy];
  const ux = ax / la + bx / lb, uy = ay / la + by / lb;
  const lu = Math.hypot(ux, uy);
  const cos = Math.max(-1, Math.min(1, (ax * bx + ay * by) / (la * lb)));
  const sinHalf = Math.sqrt((1 - cos) / 2);
  if (!(lu > 1e-9) || sinHalf < 0.2) return [cx, cy];
  const d = (erosion + 0.5) / sinHalf;
  return [cx - (d * ux) / lu, cy - (d * uy) / lu];
}

/**
 * Is quad corner k an X-junction: the square diagonally beyond it as dark as the quad, the two beside it light?
 * Sampled on the full-resolution image along the corner's four quadrant bisectors, at a radius that shrinks so
 * every sample stays inside the image: an inner corner next to an outer square cut by the image border still
 * counts, while an outer L-corner (white margin beyond) never does.
 */
export function isXJunction(img: GrayImage, factor: number, q: Quad, k: number): boolean {
  const p = q.p;
  const toFull = (v: number) => v * factor + (factor - 1) / 2;
  const cx = toFull(p[2 * k]), cy = toFull(p[2 * k + 1]);
  const a = ((k + 3) % 4) * 2, b = ((k + 1) % 4) * 2;
  const unit = (x: number, y: number): [number, number] => {
    const n = Math.hypot(x, y) || 1;
    return [x / n, y / n];
  };
  const ea = unit(toFull(p[a]) - cx, toFull(p[a + 1]) - cy);
  const eb = unit(toFull(p[b]) - cx, toFull(p[b + 1]) - cy);
  // Directions into the quad, diagonally away from it, and into the two neighbouring (white) squares.
  const dirs = [unit(ea[0] + eb[0], ea[1] + eb[1]), unit(-ea[0] - eb[0], -ea[1] - eb[1]), unit(eb[0] - ea[0], eb[1] - ea[1]), unit(ea[0] - eb[0], ea[1] - eb[1])];
  const side = q.side * factor;
  let rho = 0.6 * side;
  for (const [dx, dy] of dirs) {
    if (dx < 0) rho = Math.min(rho, (cx - 1) / -dx);
    if (dx > 0) rho = Math.min(rho, (img.width - 2 - cx) / dx);
    if (dy < 0) rho = Math.min(rho, (cy - 1) / -dy);
    if (dy > 0) rho = Math.min(rho, (img.height - 2 - cy) / dy);
  }
  // Too close to the border to see the quadrants apart from the corner's own blur.
  if (!(rho >= Math.max(5, 0.1 * side))) return false;
  // Profiles along each bisector. The diagonal square may be much narrower than this quad under perspective, so
  // only its two nearest samples are asked to be dark (the lighter of them counts): further out the profile may
  // leave a narrow square, and past an outer L-corner it crosses the white rim into a dark background.
  const profile = ([dx, dy]: [number, number]) => [0.3, 0.45, 0.6, 0.8, 1].map((f) => sampleBilinear(img, cx + f * rho * dx, cy + f * rho * dy));
  const inner = profile(dirs[0]);
  const dark = inner.reduce((s, v) => s + v, 0) / inner.length;
  const along = profile(dirs[1]);
  const diag = Math.max(along[2], along[3]);
  const light = Math.min(Math.max(...profile(dirs[2])), Math.max(...profile(dirs[3])));
  if (light - dark < 20) return false;
  return diag < dark + 0.35 * (light - dark);
}
