/**
 * Which way the 3D view stands the world up. Calibrations come z-up (Pose2Sim, lab systems, a board on the floor),
 * y-up (the app's own), or tilted (a board on a wall): the view takes "up" from geometry/rig-up.ts's worldUp, as the
 * exports do, so what stands upright on screen stands upright in Blender and OpenSim.
 */
import { cameraCenter, type Camera } from '../geometry/camera';
import { worldUp } from '../geometry/rig-up';

/** Unit up in the cameras' world: the calibration's floor axis, else the rig's up (the exports use the same). */
export function displayUp(cameras: readonly Camera[]): [number, number, number] {
  return worldUp(cameras).up;
}

/** Centre (mean camera centre) and radius (largest distance from it) of the rig, in its world frame. */
export function rigExtent(cameras: readonly Camera[]): { centre: [number, number, number]; radius: number } {
  const C = cameras.map((c) => cameraCenter(c));
  const centre: [number, number, number] = [0, 0, 0];
  for (const c of C) for (let a = 0; a < 3; a++) centre[a] += c[a] / C.length;
  let radius = 0;
  for (const c of C) radius = Math.max(radius, Math.hypot(c[0] - centre[0], c[1] - centre[1], c[2] - centre[2]));
  return { centre, radius };
}
