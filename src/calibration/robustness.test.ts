import { describe, expect, it } from 'vitest';
import { lookAtCamera, projectPoints } from '../geometry/camera';
import { detectCheckerboard } from './detect';
import { gaussianBlur, makeGray } from './image';
import { projectBoardCorners, renderBoard, seededNormal } from './synth';
import { heldBoardPose } from './synthRig';

const board = { cols: 9, rows: 6, squareMm: 40 };
const cam = lookAtCamera({ name: 'c', width: 640, height: 480, hfovDeg: 60, eye: [0, 1, 1.2], target: [0, 1, 0], dist: [-0.15, 0.03, 0, 0, 0] });
const truthOf = (pose: ReturnType<typeof heldBoardPose>) => projectBoardCorners(cam, board, pose, (c, p) => projectPoints(c, p));

/** Null, or every corner on its own true corner: never a wrong or mis-ordered grid. */
function neverWrong(found: Float64Array | null, truth: Float64Array): void {
  if (!found) return;
  let worst = 0;
  for (let k = 0; k < found.length; k++) worst = Math.max(worst, Math.abs(found[k] - truth[k]));
  expect(worst).toBeLessThan(1);
}

describe('checkerboard detector robustness', () => {
  it('finds a well-lit tilted board with sub-pixel corners in board order', () => {
    const pose = heldBoardPose(board, [0, 1, 0], -0.3, 0.5, 0.2);
    const found = detectCheckerboard(renderBoard(cam, board, pose, { lightGradient: 0.4, blurSigma: 1 }), board.cols, board.rows);
    expect(found).not.toBeNull();
    const truth = truthOf(pose);
    let sum = 0;
    for (let k = 0; k < found!.length / 2; k++) sum += Math.hypot(found![2 * k] - truth[2 * k], found![2 * k + 1] - truth[2 * k + 1]);
    expect(sum / (found!.length / 2)).toBeLessThan(0.1);
  });

  it('orders corners consistently when the board is turned upside down (180° rule)', () => {
    const pose = heldBoardPose(board, [0, 1, 0], 0.1, -0.2, Math.PI - 0.1);
    const found = detectCheckerboard(renderBoard(cam, board, pose), board.cols, board.rows);
    expect(found).not.toBeNull();
    neverWrong(found, truthOf(pose));
  });

  it('finds a board whose outer squares are cut by the image border while every inner corner is inside', () => {
    // Big squares with the first corner column 11–17 px from the left edge: the squares beyond it are cut off, so
    // those corners are X-junctions only the image around them can confirm; in the second pose one corner has
    // both its black squares cut, so no quad gives it at all and it is predicted from the grid.
    const big = { cols: 7, rows: 5, squareMm: 60 };
    const near = lookAtCamera({ name: 'n', width: 640, height: 480, hfovDeg: 60, eye: [0, 1, 0.8], target: [0, 1, 0], dist: [-0.15, 0.03, 0, 0, 0] });
    for (const [x, spin] of [[-0.25, 0.1], [-0.22, 0.5]]) {
      const pose = heldBoardPose(big, [x, 1, 0], -0.2, 0.2, spin);
      const truth = projectBoardCorners(near, big, pose, (c, p) => projectPoints(c, p));
      // The squares left of corner column 0 reach past the image border.
      const s = big.squareMm / 1000;
      const outer = new Float64Array(3 * big.rows);
      for (let r = 0; r < big.rows; r++)
        for (let i = 0; i < 3; i++) outer[3 * r + i] = pose.R[i * 3] * -s + pose.R[i * 3 + 1] * r * s + pose.t[i];
      const outerUv = projectPoints(near, outer);
      expect(Math.min(...Array.from({ length: big.rows }, (_, r) => outerUv[2 * r]))).toBeLessThan(0);
      const minX = Math.min(...Array.from({ length: truth.length / 2 }, (_, k) => truth[2 * k]));
      expect(minX).toBeGreaterThan(5);
      expect(minX).toBeLessThan(20);
      const found = detectCheckerboard(renderBoard(near, big, pose), big.cols, big.rows);
      expect(found, `pose x ${x}, spin ${spin}`).not.toBeNull();
      let worst = 0;
      for (let k = 0; k < truth.length; k++) worst = Math.max(worst, Math.abs(found![k] - truth[k]));
      expect(worst).toBeLessThan(0.3);
    }
  });

  it('finds boards tilted 60° away, squares foreshortened to a few pixels, with sub-pixel corners', () => {
    for (const dirDeg of [30, 60]) {
      const tilt = Math.PI / 3, dir = (dirDeg * Math.PI) / 180;
      const pose = heldBoardPose(board, [0, 1, 0], tilt * Math.cos(dir), tilt * Math.sin(dir), 0.8);
      const found = detectCheckerboard(renderBoard(cam, board, pose, { blurSigma: 0.8 }), board.cols, board.rows);
      expect(found, `tilt direction ${dirDeg}°`).not.toBeNull();
      const truth = truthOf(pose);
      let worst = 0;
      for (let k = 0; k < truth.length; k++) worst = Math.max(worst, Math.abs(found![k] - truth[k]));
      expect(worst).toBeLessThan(0.3);
    }
  });

  it('says "not found" on an image without a board', () => {
    const img = makeGray(640, 480);
    const rnd = seededNormal(5);
    for (let i = 0; i < img.data.length; i++) img.data[i] = 120 + 40 * Math.sin(i / 97) + 10 * rnd();
    expect(detectCheckerboard(gaussianBlur(img, 1), board.cols, board.rows)).toBeNull();
  });

  it('says "not found" when asked for a different board size', () => {
    const pose = heldBoardPose(board, [0, 1, 0], -0.2, 0.3, 0.1);
    const img = renderBoard(cam, board, pose);
    expect(detectCheckerboard(img, 8, 6)).toBeNull();
    expect(detectCheckerboard(img, 9, 5)).toBeNull();
    expect(detectCheckerboard(img, 10, 7)).toBeNull();
  });

  it('says "not found" for a half-visible board', () => {
    for (const [x, y] of [[0.72, 1], [-0.72, 1], [0, 1.5]]) {
      const pose = heldBoardPose(board, [x, y, 0], -0.2, 0.2, 0.1);
      const truth = truthOf(pose);
      let outside = 0;
      for (let k = 0; k < truth.length / 2; k++) if (!(truth[2 * k] >= 0 && truth[2 * k] < 640 && truth[2 * k + 1] >= 0 && truth[2 * k + 1] < 480)) outside++;
      expect(outside).toBeGreaterThan(5); // the scene really cuts the board
      expect(detectCheckerboard(renderBoard(cam, board, pose), board.cols, board.rows)).toBeNull();
    }
  });

  it('never returns wrong corners for a heavily blurred board', () => {
    for (const sigma of [3, 5]) {
      const pose = heldBoardPose(board, [0, 1, 0], -0.3, 0.4, 0.2);
      neverWrong(detectCheckerboard(renderBoard(cam, board, pose, { blurSigma: sigma }), board.cols, board.rows), truthOf(pose));
    }
  });
});
