/**
 * Checkerboard detector of our own (the OpenCV.js builds have no findChessboardCorners).
 *
 * 1. Adaptive threshold on a downscaled copy (local mean over a window wider than a square: robust to uneven light).
 * 2. Erode the black mask so diagonally touching black squares separate, then 4-connected components.
 * 3. Keep components shaped like convex quadrilaterals; link quads whose corners, restored to where they were
 *    before erosion, nearly meet (diagonal neighbours).
 * 4. Breadth-first labelling of the quad graph on an integer lattice: two quads that share a corner are diagonal
 *    squares, and image orientation is preserved, so every inner corner gets a lattice coordinate. A corner with
 *    no quad beyond it (that square cut by the image border, or too thin a blob) still counts when the image
 *    around it is an X-junction; an outer L-corner of the board never is.
 * 5. Accept only an exact cols × rows lattice (a cut or different board is "not found"), order it with the
 *    colour rule below, refine every corner to sub-pixel on the full-resolution image (window kept inside the
 *    image and inside the corner's four cells), and check the grid is smooth.
 *
 * Ordering rule (resolves the 180° symmetry): corner 0 is the corner whose outer diagonal square is black and the
 * board's x axis runs along `cols`. When cols + rows is even both ends look alike; then corner 0 is the one nearest
 * the image's top-left.
 */
import { downscale, type GrayImage } from './image';
import { isXJunction, predictCorners, restoreCorner, type LatticeCorner, type Quad } from './junction';
import { refineCorner } from './subpix';

export interface DetectOptions {
  /** The downscaled working copy's longer side stays at or below this (pixels). */
  maxWorkingSide: number;
  /** Largest half-window of the sub-pixel refinement, full-resolution pixels (OpenCV's winSize). */
  maxRefineHalfWindow: number;
  /** Stop after the first threshold/erosion attempt (live preview: cheapest on frames without a board). */
  fast: boolean;
  /** Diagnostics hook: each attempt's quads (working-image pixels) and whether it formed the lattice. */
  onAttempt?: (info: { attempt: number; factor: number; quads: Array<{ p: Float64Array; links: number }>; lattice: boolean }) => void;
}

export const defaultDetectOptions: DetectOptions = { maxWorkingSide: 1000, maxRefineHalfWindow: 11, fast: false };


/** Corners (x, y interleaved, full-resolution pixels, index r·cols + c) or null when the board is not found. */
export function detectCheckerboard(img: GrayImage, cols: number, rows: number, options: Partial<DetectOptions> = {}): Float64Array | null {
  const o = { ...defaultDetectOptions, ...options };
  const factor = Math.max(1, Math.ceil(Math.max(img.width, img.height) / o.maxWorkingSide));
  const work = downscale(img, factor);
  const w = work.width, h = work.height;
  const scratch = scratchFor(w, h);
  const { black, eroded } = scratch;
  const integral = integralImage(work, false, scratch.integral);
  const integralSq = integralImage(work, true, scratch.integralSq);
  const minSide = Math.min(w, h);
  const blackNeeded = expectedBlackSquares(cols, rows);
  // [window half-size, erosion radius, threshold offset in local standard deviations]
  const big = Math.max(5, Math.round(minSide / 6)), small = Math.max(4, Math.round(minSide / 14));
  const attempts: Array<[number, number, number]> = [
    [big, 1, 0.25],
    [big, 0, 0.45],
    [big, 2, 0.1],
    [small, 1, 0.25],
    [big, 1, 0.6],
    [big, 3, 0],
    [small, 2, 0.1],
  ];
  for (let a = 0; a < (o.fast ? 2 : attempts.length); a++) {
    const [half, erosion, kStd] = attempts[a];
    adaptiveThreshold(work, integral, integralSq, half, kStd, black);
    erode(black, w, h, erosion, eroded, scratch.tmp);
    const quads = findQuads(eroded, w, h, erosion, scratch);
    if (quads.length >= blackNeeded) linkQuads(quads, erosion);
    const lattice = quads.length >= blackNeeded ? labelLattice(img, factor, quads, cols, rows, erosion) : null;
    o.onAttempt?.({ attempt: a, factor, lattice: !!lattice, quads: quads.map((q) => ({ p: q.p, links: q.linkQ.filter((v) => v >= 0).length })) });
    if (!lattice) continue;
    const corners = new Float64Array(cols * rows * 2);
    for (let k = 0; k < cols * rows; k++) {
      corners[2 * k] = lattice[2 * k] * factor + (factor - 1) / 2;
      corners[2 * k + 1] = lattice[2 * k + 1] * factor + (factor - 1) / 2;
    }
    if (refineAndCheck(img, corners, cols, rows, o.maxRefineHalfWindow)) return corners;
  }
  return null;
}

/** Black squares of a board with cols × rows inner corners that take part in at least one inner corner. */
function expectedBlackSquares(cols: number, rows: number): number {
  return Math.floor(((cols + 1) * (rows + 1)) / 2) - 2;
}

function integralImage(img: GrayImage, squared: boolean, s: Float64Array): Float64Array {
  const w = img.width, h = img.height, W = w + 1;
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      const v = img.data[y * w + x];
      row += squared ? v * v : v;
      s[(y + 1) * W + x + 1] = s[y * W + x + 1] + row;
    }
  }
  return s;
}

function adaptiveThreshold(img: GrayImage, s: Float64Array, s2: Float64Array, half: number, kStd: number, out: Uint8Array): void {
  const w = img.width, h = img.height, W = w + 1;
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - half), y1 = Math.min(h, y + half + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - half), x1 = Math.min(w, x + half + 1);
      const a = y1 * W + x1, b = y0 * W + x1, c = y1 * W + x0, d = y0 * W + x0;
      const inv = 1 / ((y1 - y0) * (x1 - x0));
      const mean = (s[a] - s[b] - s[c] + s[d]) * inv;
      const variance = (s2[a] - s2[b] - s2[c] + s2[d]) * inv - mean * mean;
      const std = variance > 0 ? Math.sqrt(variance) : 0;
      out[y * w + x] = img.data[y * w + x] < mean - 2 - kStd * std ? 1 : 0;
    }
  }
}

/** Square-window binary erosion of the black mask (outside the image counts as white). */
function erode(src: Uint8Array, w: number, h: number, r: number, out: Uint8Array, tmp: Uint8Array): void {
  if (r === 0) {
    out.set(src);
    return;
  }
  // run = length of the black run ending at x; a pixel stays black when the window [x−r, x+r] is all black.
  const runs = new Int32Array(Math.max(w, h));
  for (let y = 0; y < h; y++) {
    let run = 0;
    const row = y * w;
    for (let x = 0; x < w; x++) runs[x] = run = src[row + x] ? run + 1 : 0;
    for (let x = 0; x < w; x++) tmp[row + x] = x + r < w && runs[x + r] >= 2 * r + 1 ? 1 : 0;
  }
  for (let x = 0; x < w; x++) {
    let run = 0;
    for (let y = 0; y < h; y++) runs[y] = run = tmp[y * w + x] ? run + 1 : 0;
    for (let y = 0; y < h; y++) out[y * w + x] = y + r < h && runs[y + r] >= 2 * r + 1 ? 1 : 0;
  }
}

/**
 * Working buffers, reused by every attempt and by the next frame of the same size: a live camera would otherwise
 * allocate several megabytes per frame, and the browser's garbage collector showed up in the frame time.
 */
interface Scratch {
  w: number; h: number;
  label: Int32Array; stack: Int32Array; pixels: Int32Array; tmp: Uint8Array; black: Uint8Array; eroded: Uint8Array;
  integral: Float64Array; integralSq: Float64Array;
}
let scratchCache: Scratch | null = null;

function scratchFor(w: number, h: number): Scratch {
  if (scratchCache?.w !== w || scratchCache.h !== h) {
    const n = w * h, m = (w + 1) * (h + 1);
    scratchCache = {
      w, h, label: new Int32Array(n), stack: new Int32Array(n), pixels: new Int32Array(n),
      tmp: new Uint8Array(n), black: new Uint8Array(n), eroded: new Uint8Array(n),
      integral: new Float64Array(m), integralSq: new Float64Array(m),
    };
  }
  return scratchCache;
}

function findQuads(mask: Uint8Array, w: number, h: number, erosion: number, scratch: Scratch): Quad[] {
  const { label, stack, pixels } = scratch;
  label.fill(0);
  const quads: Quad[] = [];
  const maxArea = (w * h) / 6;
  const margin = erosion + 1;
  let next = 0;
  for (let start = 0; start < w * h; start++) {
    if (!mask[start] || label[start]) continue;
    next++;
    let sp = 0, n = 0, touches = false;
    stack[sp++] = start;
    label[start] = next;
    while (sp > 0) {
      const i = stack[--sp];
      pixels[n++] = i;
      const x = i % w, y = (i - x) / w;
      if (x < margin || y < margin || x >= w - margin || y >= h - margin) touches = true;
      if (x > 0 && mask[i - 1] && !label[i - 1]) { label[i - 1] = next; stack[sp++] = i - 1; }
      if (x < w - 1 && mask[i + 1] && !label[i + 1]) { label[i + 1] = next; stack[sp++] = i + 1; }
      if (y > 0 && mask[i - w] && !label[i - w]) { label[i - w] = next; stack[sp++] = i - w; }
      if (y < h - 1 && mask[i + w] && !label[i + w]) { label[i + w] = next; stack[sp++] = i + w; }
    }
    if (touches || n < 9 || n > maxArea) continue;
    const q = fitQuad(pixels, n, w);
    if (q) quads.push(q);
  }
  return quads;
}

/** The quadrilateral through a blob's extreme points, or null when the blob is not quad-shaped. */
function fitQuad(pixels: Int32Array, n: number, w: number): Quad | null {
  let cx = 0, cy = 0;
  for (let k = 0; k < n; k++) {
    const i = pixels[k];
    cx += i % w;
    cy += Math.floor(i / w);
  }
  cx /= n;
  cy /= n;
  const far = (fx: number, fy: number): number => {
    let best = -1, bi = 0;
    for (let k = 0; k < n; k++) {
      const i = pixels[k];
      const dx = (i % w) - fx, dy = Math.floor(i / w) - fy;
      const d = dx * dx + dy * dy;
      if (d > best) { best = d; bi = i; }
    }
    return bi;
  };
  const i0 = far(cx, cy);
  const x0 = i0 % w, y0 = Math.floor(i0 / w);
  const i2 = far(x0, y0);
  const x2 = i2 % w, y2 = Math.floor(i2 / w);
  // Extreme points on each side of the diagonal p0–p2.
  let maxPos = 0, maxNeg = 0, i1 = -1, i3 = -1;
  const ux = x2 - x0, uy = y2 - y0;
  for (let k = 0; k < n; k++) {
    const i = pixels[k];
    const d = ux * (Math.floor(i / w) - y0) - uy * ((i % w) - x0);
    if (d > maxPos) { maxPos = d; i1 = i; }
    if (d < maxNeg) { maxNeg = d; i3 = i; }
  }
  if (i1 < 0 || i3 < 0) return null;
  // d > 0 is clockwise on screen (y down) after p0 when walking p0 → p1 → p2 → p3? Order so the shoelace area is positive.
  const p = new Float64Array([x0, y0, i3 % w, Math.floor(i3 / w), x2, y2, i1 % w, Math.floor(i1 / w)]);
  let area2 = 0, perim = 0, minSide = Infinity, maxSide = 0;
  for (let k = 0; k < 4; k++) {
    const a = k * 2, b = ((k + 1) % 4) * 2;
    area2 += p[a] * p[b + 1] - p[b] * p[a + 1];
    const s = Math.hypot(p[b] - p[a], p[b + 1] - p[a + 1]);
    perim += s;
    minSide = Math.min(minSide, s);
    maxSide = Math.max(maxSide, s);
  }
  if (area2 < 0) {
    // swap p1 and p3
    const t0 = p[2], t1 = p[3];
    p[2] = p[6]; p[3] = p[7]; p[6] = t0; p[7] = t1;
    area2 = -area2;
  }
  const area = area2 / 2;
  if (minSide < 2.5 || maxSide > 8 * minSide) return null;
  // Pixel count vs the polygon through pixel centres grown by half a pixel.
  const ratio = n / (area + perim / 2 + 1);
  if (ratio < 0.8 || ratio > 1.2) return null;
  // Convexity: every corner turns the same way.
  for (let k = 0; k < 4; k++) {
    const a = k * 2, b = ((k + 1) % 4) * 2, c = ((k + 2) % 4) * 2;
    const cross = (p[b] - p[a]) * (p[c + 1] - p[b + 1]) - (p[b + 1] - p[a + 1]) * (p[c] - p[b]);
    if (cross <= 0) return null;
  }
  return { p, cx, cy, side: Math.sqrt(area), linkQ: new Int32Array([-1, -1, -1, -1]), linkC: new Int8Array(4) };
}

/** Mutual-nearest links between corners of different quads that nearly touch and face each other. */
function linkQuads(quads: Quad[], erosion: number): void {
  const cell = 16;
  // Compare corners where they were before erosion: two acute corners of thin foreshortened squares retract
  // far apart, restored they nearly meet again.
  const rp = new Float64Array(quads.length * 8);
  quads.forEach((q, qi) => {
    for (let c = 0; c < 4; c++) {
      const [x, y] = restoreCorner(q, c, erosion);
      rp[qi * 8 + 2 * c] = x;
      rp[qi * 8 + 2 * c + 1] = y;
    }
  });
  const grid = new Map<number, number[]>();
  const key = (gx: number, gy: number) => gx * 65536 + gy;
  quads.forEach((q, qi) => {
    for (let c = 0; c < 4; c++) {
      const k = key(Math.floor(rp[qi * 8 + 2 * c] / cell), Math.floor(rp[qi * 8 + 2 * c + 1] / cell));
      let list = grid.get(k);
      if (!list) grid.set(k, (list = []));
      list.push(qi * 4 + c);
    }
  });
  const nearest = new Int32Array(quads.length * 4).fill(-1);
  quads.forEach((q, qi) => {
    for (let c = 0; c < 4; c++) {
      const x = rp[qi * 8 + 2 * c], y = rp[qi * 8 + 2 * c + 1];
      let best = Infinity, bestId = -1;
      const gx = Math.floor(x / cell), gy = Math.floor(y / cell);
      for (let dx = -1; dx <= 1; dx++)
        for (let dy = -1; dy <= 1; dy++) {
          const list = grid.get(key(gx + dx, gy + dy));
          if (!list) continue;
          for (const id of list) {
            const qj = id >> 2, cj = id & 3;
            if (qj === qi) continue;
            const o = quads[qj];
            const ox = rp[qj * 8 + 2 * cj], oy = rp[qj * 8 + 2 * cj + 1];
            const d = Math.hypot(ox - x, oy - y);
            const thr = Math.min(1.2 * Math.min(q.side, o.side), 3 * erosion + 8);
            if (d > thr || d >= best) continue;
            // Diagonal neighbours lie on opposite sides of the shared corner.
            if ((x - q.cx) * (ox - o.cx) + (y - q.cy) * (oy - o.cy) >= 0) continue;
            best = d;
            bestId = id;
          }
        }
      nearest[qi * 4 + c] = bestId;
    }
  });
  quads.forEach((q, qi) => {
    for (let c = 0; c < 4; c++) {
      const id = nearest[qi * 4 + c];
      if (id >= 0 && nearest[id] === qi * 4 + c) {
        q.linkQ[c] = id >> 2;
        q.linkC[c] = id & 3;
      }
    }
  });
}

// Lattice offsets of a square's corners, clockwise on screen from its origin corner.
const OX = [0, 1, 1, 0];
const OY = [0, 0, 1, 1];

/**
 * Labels quads on the integer lattice and returns the cols × rows corners (working-image pixels, ordered by the
 * board rule), or null unless exactly one connected group forms a complete cols × rows grid.
 */
function labelLattice(img: GrayImage, factor: number, quads: Quad[], cols: number, rows: number, erosion: number): Float64Array | null {
  const nq = quads.length;
  const si = new Int32Array(nq), sj = new Int32Array(nq), rot = new Int8Array(nq);
  const group = new Int32Array(nq).fill(-1);
  let result: Float64Array | null = null;
  let groups = 0;
  for (let seed = 0; seed < nq; seed++) {
    if (group[seed] >= 0) continue;
    const g = groups++;
    group[seed] = g;
    si[seed] = 0; sj[seed] = 0; rot[seed] = 0;
    const members = [seed];
    let consistent = true;
    for (let m = 0; m < members.length; m++) {
      const a = members[m];
      const qa = quads[a];
      for (let k = 0; k < 4; k++) {
        const b = qa.linkQ[k];
        if (b < 0) continue;
        const off = (k - rot[a] + 4) % 4;
        const pi = si[a] + OX[off], pj = sj[a] + OY[off];
        const offB = (off + 2) % 4;
        const rotB = (qa.linkC[k] - offB + 4) % 4;
        const bi = pi - OX[offB], bj = pj - OY[offB];
        if (group[b] < 0) {
          group[b] = g;
          si[b] = bi; sj[b] = bj; rot[b] = rotB;
          members.push(b);
        } else if (si[b] !== bi || sj[b] !== bj || rot[b] !== rotB) {
          consistent = false;
        }
      }
    }
    if (members.length < 2) continue;
    if (!consistent) continue;
    // Inner corners: linked quad corners (two black squares meet), keyed by lattice position. Unlinked corners
    // count too when the image shows an X-junction there (the diagonal square exists but was not a clean quad,
    // e.g. cut by the image border); an L-corner at the board's outer edge never does.
    const sums = new Map<string, LatticeCorner>();
    const loose = new Map<string, LatticeCorner>();
    for (const a of members) {
      const q = quads[a];
      for (let k = 0; k < 4; k++) {
        const off = (k - rot[a] + 4) % 4;
        const pi = si[a] + OX[off], pj = sj[a] + OY[off];
        const key = `${pi},${pj}`;
        if (q.linkQ[k] < 0) {
          if (!loose.has(key) && isXJunction(img, factor, q, k)) loose.set(key, [...restoreCorner(q, k, erosion), 1, pi, pj]);
          continue;
        }
        const s = sums.get(key);
        if (s) { s[0] += q.p[2 * k]; s[1] += q.p[2 * k + 1]; s[2]++; }
        else sums.set(key, [q.p[2 * k], q.p[2 * k + 1], 1, pi, pj]);
      }
    }
    if (sums.size < 2) continue;
    let i0 = Infinity, j0 = Infinity, i1 = -Infinity, j1 = -Infinity;
    for (const s of sums.values()) {
      i0 = Math.min(i0, s[3]); i1 = Math.max(i1, s[3]);
      j0 = Math.min(j0, s[4]); j1 = Math.max(j1, s[4]);
    }
    // Every cols × rows window (either orientation) that holds all linked corners and is filled by linked or
    // X-junction corners, or by a few corners predicted from the grid and confirmed as X-junctions in the image
    // (both squares at such a corner cut by the image border); exactly one window must exist.
    const windows: Array<[number, number, number, number, Map<string, LatticeCorner>]> = [];
    for (const [A, B] of cols === rows ? [[cols, rows]] : [[cols, rows], [rows, cols]]) {
      if (i1 - i0 + 1 > A || j1 - j0 + 1 > B) continue;
      for (let wi = i1 - A + 1; wi <= i0; wi++)
        for (let wj = j1 - B + 1; wj <= j0; wj++) {
          const missing: Array<[number, number]> = [];
          for (let i = wi; i < wi + A && missing.length <= Math.max(A, B); i++)
            for (let j = wj; j < wj + B; j++) if (!sums.has(`${i},${j}`) && !loose.has(`${i},${j}`)) missing.push([i, j]);
          if (missing.length > Math.max(A, B)) continue;
          const filled = missing.length ? predictCorners(img, factor, missing, sums, loose) : new Map<string, LatticeCorner>();
          if (filled) windows.push([wi, wj, A, B, filled]);
        }
    }
    if (windows.length === 0) continue;
    if (windows.length > 1 || result) return null; // ambiguous: a larger or second board
    const [wi, wj, A, B, filled] = windows[0];
    for (const [key, v] of loose) if (!sums.has(key)) sums.set(key, v);
    for (const [key, v] of filled) sums.set(key, v);
    result = orderCorners(sums, wi, wj, A, B, cols, rows);
  }
  return result;
}

function orderCorners(
  sums: Map<string, [number, number, number, number, number]>,
  i0: number, j0: number, A: number, B: number, cols: number, rows: number,
): Float64Array | null {
  // Board (c, r) → lattice (i, j) for the four in-plane rotations (no mirror: the image keeps orientation).
  const maps: Array<(c: number, r: number) => [number, number]> = [];
  if (A === cols && B === rows) {
    maps.push((c, r) => [i0 + c, j0 + r]);
    maps.push((c, r) => [i0 + A - 1 - c, j0 + B - 1 - r]);
  }
  if (A === rows && B === cols) {
    maps.push((c, r) => [i0 + A - 1 - r, j0 + c]);
    maps.push((c, r) => [i0 + r, j0 + B - 1 - c]);
  }
  const pos = (i: number, j: number) => {
    const s = sums.get(`${i},${j}`)!;
    return [s[0] / s[2], s[1] / s[2]];
  };
  const black = maps.filter((m) => {
    const [pi, pj] = m(0, 0);
    const [qi, qj] = m(1, 1);
    const oi = pi + (qi > pi ? -1 : 0), oj = pj + (qj > pj ? -1 : 0);
    return (((oi + oj) % 2) + 2) % 2 === 0;
  });
  const candidates = black.length > 0 ? black : maps;
  let best = candidates[0], bestScore = Infinity;
  for (const m of candidates) {
    const [x, y] = pos(...m(0, 0));
    if (x + y < bestScore) { bestScore = x + y; best = m; }
  }
  const out = new Float64Array(cols * rows * 2);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const [x, y] = pos(...best(c, r));
      out[2 * (r * cols + c)] = x;
      out[2 * (r * cols + c) + 1] = y;
    }
  return out;
}

const NEIGHBOURS = [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, -1], [1, -1], [-1, 1]];

/** Sub-pixel refinement, then sanity checks that reject anything that is not a smooth grid. */
function refineAndCheck(img: GrayImage, pts: Float64Array, cols: number, rows: number, maxHalf: number): boolean {
  const n = cols * rows;
  const before = Float64Array.from(pts);
  for (let k = 0; k < n; k++) {
    const c = k % cols, r = (k - c) / cols;
    let sq = Infinity;
    const x = pts[2 * k], y = pts[2 * k + 1];
    // Diagonal neighbours too: under strong perspective a sheared cell's short diagonal is its tightest spacing.
    for (const [dc, dr] of NEIGHBOURS) {
      const c2 = c + dc, r2 = r + dr;
      if (c2 < 0 || r2 < 0 || c2 >= cols || r2 >= rows) continue;
      const j = r2 * cols + c2;
      sq = Math.min(sq, Math.hypot(before[2 * j] - x, before[2 * j + 1] - y));
    }
    // Nor the far edges of the four cells around the corner: a foreshortened cell is a thin parallelogram whose
    // height (area / longest side) is far below its corner spacing, and an edge inside the window (for an outer
    // corner, the board's own rim) pulls the solution off the junction.
    let height = Infinity;
    for (const [dc, dr] of [[1, 1], [1, -1], [-1, 1], [-1, -1]]) {
      const c2 = c + dc, r2 = r + dr;
      if (c2 < 0 || r2 < 0 || c2 >= cols || r2 >= rows) continue;
      const ux = before[2 * (r * cols + c2)] - x, uy = before[2 * (r * cols + c2) + 1] - y;
      const vx = before[2 * (r2 * cols + c)] - x, vy = before[2 * (r2 * cols + c) + 1] - y;
      height = Math.min(height, Math.abs(ux * vy - uy * vx) / Math.max(Math.hypot(ux, uy), Math.hypot(vx, vy)));
    }
    // The window must not reach the next corner; when the largest one still walks off (narrow foreshortened
    // squares, blur), a smaller one gets a chance before the board is given up.
    let half = Math.max(2, Math.min(maxHalf, Math.floor(Math.min(sq, height) * 0.5)));
    // Near the image border the window shrinks to fit (an outer square cut by the border leaves the corner itself
    // in view); with less than 2 px of room the corner cannot be localised.
    half = Math.min(half, Math.floor(Math.min(x - 2, y - 2, img.width - 3 - x, img.height - 3 - y)));
    if (half < 2) return false;
    while (!refineCorner(img, pts, k, half)) {
      if (half <= 3) return false;
      half = Math.max(3, Math.floor(half * 0.6));
    }
    if (Math.hypot(pts[2 * k] - x, pts[2 * k + 1] - y) > Math.max(2, 0.35 * sq)) return false;
  }
  // Smoothness along rows and columns: the midpoint of two neighbours stays near the middle corner.
  const check = (a: number, b: number, m: number) => {
    const mx = (pts[2 * a] + pts[2 * b]) / 2 - pts[2 * m], my = (pts[2 * a + 1] + pts[2 * b + 1]) / 2 - pts[2 * m + 1];
    const span = Math.hypot(pts[2 * a] - pts[2 * b], pts[2 * a + 1] - pts[2 * b + 1]);
    return Math.hypot(mx, my) <= 0.2 * span;
  };
  for (let r = 0; r < rows; r++) for (let c = 1; c < cols - 1; c++) if (!check(r * cols + c - 1, r * cols + c + 1, r * cols + c)) return false;
  for (let c = 0; c < cols; c++) for (let r = 1; r < rows - 1; r++) if (!check((r - 1) * cols + c, (r + 1) * cols + c, r * cols + c)) return false;
  return true;
}
