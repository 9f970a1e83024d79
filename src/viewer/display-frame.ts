/**
 * Which way the 3D view stands the world up. Calibrations come z-up (Pose2Sim, lab systems, a board on the floor),
 * y-up (the app's own), or tilted (a board on a wall): the view takes "up" from the rig, as the lifter does, and snaps
 * it to a world axis when it is within a few degrees of one, so a calibrated floor stays exactly level on screen.
 */
import { cameraCenter, type Camera } from '../geometry/camera';
import { rigUp } from '../geometry/rig-up';

const SNAP_DEG = 10;

/** Unit up in the cameras' world: the rig's, or the world axis it is within SNAP_DEG of. */
export function displayUp(cameras: readonly Camera[]): [number, number, number] {
  const up = rigUp(cameras);
  const cosSnap = Math.cos((SNAP_DEG * Math.PI) / 180);
  for (let a = 0; a < 3; a++) {
    if (Math.abs(up[a]) >= cosSnap) {
      const axis: [number, number, number] = [0, 0, 0];
      axis[a] = Math.sign(up[a]);
      return axis;
    }
  }
  return up;
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
