/**
 * Which way is up, from the cameras alone: the lifter's canonical frame and the 3D view's orientation both use it,
 * so a z-up, y-up, wall-board or upside-down calibration is all the same to them.
 *
 * Cameras are nearly always mounted level (no roll), so each one's image-right axis (row 0 of R) is horizontal and
 * up is the direction most orthogonal to all of them — exact even for cameras pitched down from corners or up from
 * a desk. Where the right axes are too close to parallel to decide (two cameras facing each other or side by side),
 * a small pull toward the mean image-up axis (−row 1 of R) settles it; the sign always comes from that mean. Where
 * that answer is further than maxDevDeg from the mean image-up axis, the cameras are far from level (all rolled a lot
 * the same way) and the right axes can mislead by up to 90°: the mean image-up axis is used instead.
 */
import { cameraCenter, type Camera } from './camera';
import { symmetricEigen } from './linalg';

export interface RigUpConstants {
  /** The right axes decide alone when the second eigenvalue of Σ xxᵀ exceeds this × the number of cameras. */
  spread: number;
  /** Weight of the pull toward the mean image-up axis otherwise. */
  prior: number;
  /** Beyond this angle from the mean image-up axis, use that axis instead (degrees). */
  maxDevDeg: number;
}

/** The values the shipped lifter was trained with (its manifest pins them; see src/lifter/features.ts). */
export const RIG_UP: Readonly<RigUpConstants> = { spread: 0.02, prior: 0.05, maxDevDeg: 60 };

/** Unit up vector in the cameras' world frame; use[v] falsy leaves camera v out (null: every camera). */
export function rigUp(cameras: readonly Camera[], use: ArrayLike<number | boolean> | null = null, c: RigUpConstants = RIG_UP): [number, number, number] {
  const S = new Float64Array(9), Sp = new Float64Array(9), meanUp = new Float64Array(3);
  let n = 0;
  for (let v = 0; v < cameras.length; v++) {
    if (use && !use[v]) continue;
    n++;
    const R = cameras[v].R;
    for (let a = 0; a < 3; a++) {
      meanUp[a] -= R[3 + a];
      for (let b = 0; b < 3; b++) {
        S[3 * a + b] += R[a] * R[b];
        Sp[3 * a + b] += (a === b ? 1 : 0) - R[3 + a] * R[3 + b];
      }
    }
  }
  const eig = symmetricEigen(S, 3);
  let up: number[];
  if (eig.values[1] > c.spread * n) {
    up = [eig.vectors[0], eig.vectors[3], eig.vectors[6]];
  } else {
    const M = new Float64Array(9);
    for (let k = 0; k < 9; k++) M[k] = S[k] + c.prior * Sp[k];
    const e2 = symmetricEigen(M, 3);
    up = [e2.vectors[0], e2.vectors[3], e2.vectors[6]];
  }
  if (up[0] * meanUp[0] + up[1] * meanUp[1] + up[2] * meanUp[2] < 0) up = up.map((x) => -x);
  const mu = Math.hypot(meanUp[0], meanUp[1], meanUp[2]);
  if (mu > 1e-9 && (up[0] * meanUp[0] + up[1] * meanUp[1] + up[2] * meanUp[2]) / mu < Math.cos((c.maxDevDeg * Math.PI) / 180)) {
    up = [meanUp[0] / mu, meanUp[1] / mu, meanUp[2] / mu];
  }
  return [up[0], up[1], up[2]];
}

/**
 * A calibration "has a floor" when its world frame stands on an axis: the rig's up lies within this of a world axis
 * (lab systems and Pose2Sim calibrations are z up with cameras rolled a few degrees — the Pose2Sim demo's rig reads
 * 12° off z; the app's floor board gives y up exactly) and the cameras stand above that axis's zero plane. A board on
 * a wall at 30° stays tilted.
 */
const FLOOR_SNAP_DEG = 20;

export interface WorldUp {
  /** Unit up in the cameras' world frame. */
  up: [number, number, number];
  /**
   * 'floor': up is a world axis (±x, ±y or ±z), the normal of the calibration's floor (a floor board, a lab's
   * z-up frame); 'rig': the frame has no such floor, up is the rig's own estimate (a board on a wall).
   */
  from: 'floor' | 'rig';
}

/**
 * The one answer to "which way is up in this calibration", for the 3D view and every export: the calibration's floor
 * when its frame has one (then exactly its axis, so a calibrated floor stays exactly level), else the rig's up.
 */
export function worldUp(cameras: readonly Camera[]): WorldUp {
  const up = rigUp(cameras);
  const cosSnap = Math.cos((FLOOR_SNAP_DEG * Math.PI) / 180);
  for (let a = 0; a < 3; a++) {
    if (Math.abs(up[a]) < cosSnap) continue;
    const s = Math.sign(up[a]);
    const height = cameras.reduce((h, c) => h + s * cameraCenter(c)[a], 0) / cameras.length;
    if (height <= 0) break;
    const axis: [number, number, number] = [0, 0, 0];
    axis[a] = s;
    return { up: axis, from: 'floor' };
  }
  return { up, from: 'rig' };
}
