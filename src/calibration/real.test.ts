import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandImages, readGray } from '../../cli/images';
import { detectCheckerboard } from './detect';
import { calibrateIntrinsics, type IntrinsicsResult } from './intrinsics';
import { parseQca } from './io';

const DIR = '../shared/data/pose2sim-demo/calibration';
const board = { cols: 4, rows: 7, squareMm: 60 };

/** OpenCV 5 findChessboardCorners + cornerSubPix(11x11) on the same photos, made by cli/opencv_corners.py --fixture. */
interface OracleFixture {
  images: Record<string, { corners: number[]; unrefined: number[] } | null>;
}
const oracle = JSON.parse(readFileSync(new URL('./__fixtures__/pose2sim-opencv-corners.json', import.meta.url), 'utf8')) as OracleFixture;

interface Photo { file: string; camera: number; view: number; corners: Float64Array | null }
const photos: Photo[] = [];
const intrinsics: IntrinsicsResult[] = [];

// Decoding the 28 JPEGs dominates the cost, so every test here shares one decode + detection pass.
beforeAll(() => {
  for (let c = 1; c <= 4; c++) {
    const views: Float64Array[] = [];
    let w = 0, h = 0;
    for (const f of expandImages(`${DIR}/intrinsics/int_cam0${c}_img`)) {
      const img = readGray(f);
      w = img.width;
      h = img.height;
      const corners = detectCheckerboard(img, board.cols, board.rows);
      photos.push({ file: basename(f), camera: c, view: corners ? views.length : -1, corners });
      if (corners) views.push(corners);
    }
    intrinsics.push(calibrateIntrinsics(board, views, w, h)!);
  }
}, 180_000);

/** Our index → OpenCV's index if every corner of ours lies within tol of a distinct OpenCV corner, else null. */
function matchCorners(ours: Float64Array, theirs: number[], tol: number, skip: Set<number>): number[] | null {
  const n = ours.length / 2;
  const map: number[] = [];
  const used = new Set<number>();
  for (let k = 0; k < n; k++) {
    let best = Infinity, bj = -1;
    for (let j = 0; j < n; j++) {
      const d = Math.hypot(ours[2 * k] - theirs[2 * j], ours[2 * k + 1] - theirs[2 * j + 1]);
      if (d < best) { best = d; bj = j; }
    }
    // OpenCV's unrefined corners are only its coarse guess: match them by grid position instead (checked below).
    if (best > tol && !skip.has(bj)) return null;
    if (used.has(bj)) return null;
    used.add(bj);
    map.push(bj);
  }
  return map;
}

describe('real photos: the Pose2Sim demo intrinsics (4 x 7 inner corners, 60 mm, 1088x1920)', () => {
  it('fx and fy of each camera within 1.5 % of the Qualisys calibration', () => {
    const reference = parseQca(readFileSync(`${DIR}/Calib.qca.txt`, 'utf8'));
    for (let c = 1; c <= 4; c++) {
      const r = intrinsics[c - 1];
      const ref = reference[c - 1];
      expect(ref.name).toBe(`cam0${c}`);
      expect(r.kept.filter(Boolean).length).toBeGreaterThanOrEqual(3);
      expect(Math.abs(r.K[0] / ref.K[0] - 1)).toBeLessThan(0.015);
      expect(Math.abs(r.K[4] / ref.K[4] - 1)).toBeLessThan(0.015);
      expect(r.rms).toBeLessThan(0.5);
    }
  });

  it('finds every board OpenCV finds (and more), never a wrong or mis-ordered grid', () => {
    expect(Object.keys(oracle.images).sort()).toEqual(photos.map((p) => p.file).sort());
    const found = photos.filter((p) => p.corners).length;
    const opencvFound = photos.filter((p) => oracle.images[p.file]).length;
    expect(opencvFound).toBe(24);
    // 26 = every photo whose 28 inner corners are all in the image (cam02_06 shows the board edge-on, cam04_04 cuts it).
    expect(found).toBeGreaterThanOrEqual(26);
    let sum = 0, count = 0;
    for (const p of photos) {
      const cv = oracle.images[p.file];
      if (cv) expect(p.corners, `${p.file}: OpenCV found the board, we did not`).not.toBeNull();
      if (!p.corners) continue;
      if (cv) {
        const skip = new Set(cv.unrefined);
        const map = matchCorners(p.corners, cv.corners, 1, skip);
        expect(map, `${p.file}: a corner more than 1 px from OpenCV's`).not.toBeNull();
        // Same grid: our order is OpenCV's up to the symmetries of a 4 x 7 grid (identity, flips, 180°).
        const idx = (c: number, r: number) => r * board.cols + c;
        const symmetries = [
          (c: number, r: number) => idx(c, r),
          (c: number, r: number) => idx(board.cols - 1 - c, r),
          (c: number, r: number) => idx(c, board.rows - 1 - r),
          (c: number, r: number) => idx(board.cols - 1 - c, board.rows - 1 - r),
        ];
        const grid = symmetries.some((s) => map!.every((j, k) => j === s(k % board.cols, Math.floor(k / board.cols))));
        expect(grid, `${p.file}: corners in a different grid order`).toBe(true);
        map!.forEach((j, k) => {
          if (skip.has(j)) return;
          sum += Math.hypot(p.corners![2 * k] - cv.corners[2 * j], p.corners![2 * k + 1] - cv.corners[2 * j + 1]);
          count++;
        });
      } else {
        // No oracle: the grid must be explained by the camera's own calibration (a wrong or mis-ordered grid is not).
        const r = intrinsics[p.camera - 1];
        expect(r.kept[p.view], `${p.file}: dropped as an outlier view`).toBe(true);
        expect(r.perViewRms[p.view]).toBeLessThan(0.5);
      }
    }
    expect(sum / count).toBeLessThan(0.1);
  });
});
