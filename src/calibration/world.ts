/**
 * The world frame from a board lying on the floor: origin at its corner 0, X along its rows, Y up (the side the
 * cameras are on), Z = X × Y; floor is y = 0 (the app's convention).
 */
import { cameraCenter, transformCameraWorld, type Camera } from '../geometry/camera';
import type { RigidPose } from './pose';

/** Rotation M and offset c with X_world = M X_rig + c. */
export function floorFrame(boardInRig: RigidPose, cameras: readonly Camera[]): { M: Float64Array; c: Float64Array } {
  const R = boardInRig.R, o = boardInRig.t;
  const x = [R[0], R[3], R[6]];
  let y = [-R[2], -R[5], -R[8]]; // board z points into the floor when the printed face is up
  // Up is the side where most cameras are.
  let side = 0;
  for (const cam of cameras) {
    const C = cameraCenter(cam);
    side += Math.sign((C[0] - o[0]) * y[0] + (C[1] - o[1]) * y[1] + (C[2] - o[2]) * y[2]);
  }
  if (side < 0) y = y.map((v) => -v);
  // Re-orthogonalise x against y, z = x × y.
  const d = x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
  const xo = x.map((v, i) => v - d * y[i]);
  const nx = Math.hypot(...xo);
  const X = xo.map((v) => v / nx);
  const Z = [X[1] * y[2] - X[2] * y[1], X[2] * y[0] - X[0] * y[2], X[0] * y[1] - X[1] * y[0]];
  const M = new Float64Array([...X, ...y, ...Z]);
  const c = new Float64Array(3);
  for (let i = 0; i < 3; i++) c[i] = -(M[i * 3] * o[0] + M[i * 3 + 1] * o[1] + M[i * 3 + 2] * o[2]);
  return { M, c };
}

export function applyWorldFrame(cameras: readonly Camera[], frame: { M: Float64Array; c: Float64Array }): Camera[] {
  return cameras.map((cam) => transformCameraWorld(cam, frame.M, frame.c));
}
