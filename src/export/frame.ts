/**
 * The world frame of an export. Poses live in the calibration's frame, whose up may be +y (the app's own), +z (lab
 * systems, Pose2Sim) or tilted (a board on a wall). Each format either states that frame (CSV, JSON) or is turned into
 * its target's convention (BVH for Blender and other animation tools, TRC for OpenSim: both Y up). Up is the 3D
 * view's (geometry/rig-up.ts's worldUp), so what stands upright on screen stands upright in the file.
 */
import type { Camera } from '../geometry/camera';
import { worldUp } from '../geometry/rig-up';
import type { PoseLike } from './types';

type V3 = [number, number, number];

export interface ExportFrame {
  /** Unit up vector in the calibration's world frame. */
  up: V3;
  /** 'floor': the calibration's floor normal (a world axis); 'rig': estimated from the cameras; 'default': no rig. */
  from: 'floor' | 'rig' | 'default';
}

/** A take without cameras has nothing to go by: the app's own convention. */
export const Y_UP: ExportFrame = { up: [0, 1, 0], from: 'default' };

export function exportFrame(cameras: readonly Camera[]): ExportFrame {
  return cameras.length ? worldUp(cameras) : Y_UP;
}

/** "+z" for an axis, else the vector with three decimals. */
export function upLabel(up: readonly number[]): string {
  for (let a = 0; a < 3; a++) {
    if (Math.abs(up[a]) === 1) return `${up[a] > 0 ? '+' : '-'}${'xyz'[a]}`;
  }
  return `(${up.map((v) => v.toFixed(3)).join(', ')})`;
}

/**
 * Rotation (row-major; rows are the new axes in the old frame) that takes the calibration's frame to a Y-up one:
 * Y along up, X along the calibration's first axis that is not up (so a z-up lab frame keeps its x), Z = X × Y.
 */
export function yUpRotation(up: readonly number[]): Float64Array {
  const u = unit(up);
  const e: V3 = Math.abs(u[0]) < 0.9 ? [1, 0, 0] : [0, 0, 1];
  const d = e[0] * u[0] + e[1] * u[1] + e[2] * u[2];
  const x = unit([e[0] - d * u[0], e[1] - d * u[1], e[2] - d * u[2]]);
  const z: V3 = [x[1] * u[2] - x[2] * u[1], x[2] * u[0] - x[0] * u[2], x[0] * u[1] - x[1] * u[0]];
  return Float64Array.of(...x, ...u, ...z);
}

function unit(v: readonly number[]): V3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  if (!(n > 0)) throw new Error(`export frame: up ${JSON.stringify(v)} is not a direction`);
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** The poses with every joint rotated by M (row-major 3×3); null frames stay null, validity is kept. */
export function rotatePoses(poses: ReadonlyArray<PoseLike | null>, M: ArrayLike<number>): (PoseLike | null)[] {
  return poses.map((p) => {
    if (!p) return null;
    const out = new Float64Array(p.joints.length);
    for (let j = 0; j < p.joints.length; j += 3) {
      const x = p.joints[j], y = p.joints[j + 1], z = p.joints[j + 2];
      for (let k = 0; k < 3; k++) out[j + k] = M[3 * k] * x + M[3 * k + 1] * y + M[3 * k + 2] * z;
    }
    return { joints: out, valid: p.valid };
  });
}

/** Poses in a Y-up frame for the formats whose tools expect one (BVH, TRC). */
export function posesYUp(poses: ReadonlyArray<PoseLike | null>, frame: ExportFrame): ReadonlyArray<PoseLike | null> {
  const [x, y, z] = frame.up;
  return x === 0 && y === 1 && z === 0 ? poses : rotatePoses(poses, yUpRotation(frame.up));
}

/**
 * Poses in a Z-up frame (C3D, as lab systems such as Vicon and Qualisys write it): the Y-up frame above with
 * X kept, Y = −Z and Z = Y, still right-handed.
 */
export function posesZUp(poses: ReadonlyArray<PoseLike | null>, frame: ExportFrame): ReadonlyArray<PoseLike | null> {
  const [x, y, z] = frame.up;
  if (x === 0 && y === 0 && z === 1) return poses;
  const R = yUpRotation(frame.up);
  return rotatePoses(poses, Float64Array.of(R[0], R[1], R[2], -R[6], -R[7], -R[8], R[3], R[4], R[5]));
}
