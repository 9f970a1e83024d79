/**
 * A synthetic 4-camera rig and board snapshots with known truth, for the end-to-end test and the benchmarks.
 * World: metres, Y up, floor y = 0; cameras stand in front of the board's printed face.
 */
import { lookAtCamera, type Camera } from '../geometry/camera';
import { mul3 } from '../geometry/linalg';
import { rodriguesToMatrix } from '../geometry/rotation';
import type { BoardSpec } from './board';
import type { Pose } from './synth';
import { seededNormal } from './synth';

export const synthBoard: BoardSpec = { cols: 9, rows: 6, squareMm: 60 };

export function synthCameras(width = 640, height = 480): Camera[] {
  const az = [-45, -15, 15, 45];
  const dists: number[][] = [[-0.12, 0.03, 0, 0, 0], [-0.08, 0.01, 0.0005, -0.0005, 0], [-0.15, 0.05, 0, 0, 0], [-0.1, 0.02, -0.0005, 0.0003, 0]];
  const fovs = [58, 52, 62, 55];
  return az.map((a, i) => {
    const r = (a * Math.PI) / 180;
    const cam = lookAtCamera({
      name: `cam${i + 1}`, width, height, hfovDeg: fovs[i],
      eye: [2.1 * Math.sin(r), 1.9 + 0.15 * i, 2.1 * Math.cos(r)], target: [0.05 * i, 0.7, 0], dist: dists[i],
    });
    // Principal points off-centre, as real lenses have them.
    cam.K[2] += 6 * (i - 1.5);
    cam.K[5] -= 4 * (i - 1.5);
    return cam;
  });
}

/** Board → world of a board held upright facing +z (the cameras), centred at c, tilted and spun. */
export function heldBoardPose(board: BoardSpec, c: ArrayLike<number>, tiltX: number, tiltY: number, spin: number): Pose {
  // Base: x_b = +x, y_b = −y (down), z_b = −z (away from the cameras).
  const base = new Float64Array([1, 0, 0, 0, -1, 0, 0, 0, -1]);
  const R = mul3(new Float64Array(9), mul3(new Float64Array(9), rodriguesToMatrix(tiltX, tiltY, 0), base), rodriguesToMatrix(0, 0, spin));
  const s = board.squareMm / 1000;
  const hx = ((board.cols - 1) * s) / 2, hy = ((board.rows - 1) * s) / 2;
  const t = new Float64Array(3);
  for (let i = 0; i < 3; i++) t[i] = c[i] - (R[i * 3] * hx + R[i * 3 + 1] * hy);
  return { R, t };
}

/** The board lying on the floor, printed face up, corner 0 at (x, 0, z). */
export function floorBoardPose(x: number, z: number): Pose {
  return { R: new Float64Array([1, 0, 0, 0, 0, -1, 0, 1, 0]), t: new Float64Array([x, 0, z]) };
}

export function randomHeldPoses(board: BoardSpec, count: number, seed: number): Pose[] {
  const rnd = seededNormal(seed);
  const out: Pose[] = [];
  for (let k = 0; k < count; k++) {
    const c = [0.25 * rnd(), 0.8 + 0.15 * rnd(), 0.3 * rnd()];
    out.push(heldBoardPose(board, c, -0.45 + 0.25 * rnd(), 0.35 * rnd(), 0.25 * rnd()));
  }
  return out;
}

/**
 * Board poses for one camera's intrinsics: close to it (0.7–1.1 m), spread across its image, tilted up to ~35°,
 * as a user covers the field of view. Returned as board → world.
 */
export function intrinsicPosesForCamera(cam: Camera, board: BoardSpec, count: number, seed: number): Pose[] {
  const rnd = seededNormal(seed);
  const out: Pose[] = [];
  const f = cam.K[0];
  const s = board.squareMm / 1000;
  const hx = ((board.cols - 1) * s) / 2, hy = ((board.rows - 1) * s) / 2;
  for (let k = 0; k < count; k++) {
    const z = (f / 577) * (0.9 + 0.12 * (k % 4));
    // Centre aimed at a grid of image positions so the corners reach the edges.
    const gx = ((k % 3) - 1) * 0.3 * (cam.width / 2), gy = ((Math.floor(k / 3) % 3) - 1) * 0.25 * (cam.height / 2);
    const cc = [(gx / f) * z, (gy / f) * z, z];
    const Rc = mul3(new Float64Array(9), rodriguesToMatrix(0.45 * rnd(), 0.45 * rnd(), 0), rodriguesToMatrix(0, 0, 0.3 * rnd()));
    const tc = new Float64Array(3);
    for (let i = 0; i < 3; i++) tc[i] = cc[i] - (Rc[i * 3] * hx + Rc[i * 3 + 1] * hy);
    // board → world = (camera → world) ∘ (board → camera)
    const R = new Float64Array(9), t = new Float64Array(3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) R[i * 3 + j] = cam.R[i] * Rc[j] + cam.R[3 + i] * Rc[3 + j] + cam.R[6 + i] * Rc[6 + j];
      t[i] = cam.R[i] * (tc[0] - cam.t[0]) + cam.R[3 + i] * (tc[1] - cam.t[1]) + cam.R[6 + i] * (tc[2] - cam.t[2]);
    }
    out.push({ R, t });
  }
  return out;
}
