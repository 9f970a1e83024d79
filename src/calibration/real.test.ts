import { describe, expect, it } from 'vitest';
import { expandImages, readGray } from '../../cli/images';
import { readFileSync } from 'node:fs';
import { detectCheckerboard } from './detect';
import { calibrateIntrinsics } from './intrinsics';
import { parseQca } from './io';

const DIR = '../shared/data/pose2sim-demo/calibration';

describe('real photos: the Pose2Sim demo intrinsics (4 x 7 inner corners, 60 mm, 1088x1920)', () => {
  it('fx and fy of each camera within 1.5 % of the Qualisys calibration', () => {
    const reference = parseQca(readFileSync(`${DIR}/Calib.qca.txt`, 'utf8'));
    const board = { cols: 4, rows: 7, squareMm: 60 };
    for (let c = 1; c <= 4; c++) {
      const views: Float64Array[] = [];
      let w = 0, h = 0;
      for (const f of expandImages(`${DIR}/intrinsics/int_cam0${c}_img`)) {
        const img = readGray(f);
        w = img.width;
        h = img.height;
        const corners = detectCheckerboard(img, board.cols, board.rows);
        if (corners) views.push(corners);
      }
      expect(views.length).toBeGreaterThanOrEqual(3);
      const r = calibrateIntrinsics(board, views, w, h)!;
      const ref = reference[c - 1];
      expect(ref.name).toBe(`cam0${c}`);
      expect(Math.abs(r.K[0] / ref.K[0] - 1)).toBeLessThan(0.015);
      expect(Math.abs(r.K[4] / ref.K[4] - 1)).toBeLessThan(0.015);
      expect(r.rms).toBeLessThan(0.5);
    }
  }, 120_000);
});
