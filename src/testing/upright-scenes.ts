/**
 * The simulated figure and rig (Y up) placed in calibrations with other ups — z up as in a lab, a tilt as with a board
 * on a wall, upside down — for the export tests in Node and in the real tools (cli/export-fixtures.ts → pytest).
 */
import { transformCameraWorld, type Camera } from '../geometry/camera';
import { rodriguesToMatrix } from '../geometry/rotation';
import { NUM_JOINTS } from '../keypoints';
import { FIGURE_CYCLE_S, figurePose } from '../sim/figure';
import { ringRig } from '../sim/rig';
import { rotatePoses } from '../export/frame';
import type { PoseLike } from '../export/types';

export interface UprightCase {
  name: string;
  /** X_calibration = W X_sim + c. */
  W: Float64Array;
  c: [number, number, number];
  /** The up the export must find: an axis, or [] when only the rig can tell (then it is W's y column). */
  up: number[];
  from: 'floor' | 'rig';
}

export const UPRIGHT_CASES: UprightCase[] = [
  { name: 'y-up', W: rodriguesToMatrix(0, 0, 0), c: [0, 0, 0], up: [0, 1, 0], from: 'floor' },
  { name: 'z-up', W: rodriguesToMatrix(Math.PI / 2, 0, 0), c: [0.4, -1.2, 0], up: [0, 0, 1], from: 'floor' },
  { name: 'tilted', W: rodriguesToMatrix(0.3, 0, 0.42), c: [1, 2, 3], up: [], from: 'rig' },
  { name: 'upside-down', W: rodriguesToMatrix(Math.PI, 0, 0), c: [0.5, 0, -1], up: [0, -1, 0], from: 'floor' },
  // z up, but the origin is not on the floor (cameras below its zero plane): no floor, the rig decides.
  { name: 'z-up-no-floor', W: rodriguesToMatrix(Math.PI / 2, 0, 0), c: [0, 0, -3], up: [], from: 'rig' },
];

/** A cycle of the walking figure at fps, and a 4-camera ring, in the case's calibration frame. */
export function uprightScene(k: UprightCase, fps: number): { cameras: Camera[]; poses: PoseLike[]; times: number[] } {
  const n = Math.round(FIGURE_CYCLE_S * fps);
  const cameras = ringRig(4).map((cam) => transformCameraWorld(cam, k.W, k.c));
  const sim = Array.from({ length: n }, (_, f) => ({ joints: figurePose(f / fps), valid: new Uint8Array(NUM_JOINTS).fill(1) }));
  const poses = rotatePoses(sim, k.W).map((p) => {
    for (let j = 0; j < p!.joints.length; j += 3) for (let a = 0; a < 3; a++) p!.joints[j + a] += k.c[a];
    return p!;
  });
  return { cameras, poses, times: poses.map((_, i) => i / fps) };
}
