/**
 * The default virtual rig: cameras on a ring around the capture volume, at webcam heights, all looking at the
 * middle of the figure's walking circle. Y up, metres, the app's world frame.
 */
import { lookAtCamera, type Camera } from '../geometry/camera';

export interface RingRigOptions {
  /** Ring radius, metres. */
  radius: number;
  /** Camera heights cycle through these values, metres. */
  heights: readonly number[];
  /** Point every camera looks at. */
  target: readonly [number, number, number];
  width: number;
  height: number;
  hfovDeg: number;
  /** Azimuth of the first camera, degrees (0 = on +z). */
  startDeg: number;
  /** Lens distortion of every camera (k1 k2 p1 p2 k3); default a little barrel, as webcams have. */
  dist?: readonly number[];
  /** Every camera turned this much about its optical axis, the same way (a rig that is not level), degrees. */
  rollDeg?: number;
}

export const DEFAULT_RING: RingRigOptions = {
  radius: 3.6,
  heights: [2.1, 1.4, 2.3, 1.2],
  target: [0, 0.9, 0],
  width: 640,
  height: 360,
  hfovDeg: 78,
  startDeg: 30,
};

/** n cameras (2–8) evenly spaced on a ring, named cam1..camN. */
export function ringRig(n: number, opts: RingRigOptions = DEFAULT_RING): Camera[] {
  const cams: Camera[] = [];
  for (let i = 0; i < n; i++) {
    const az = ((opts.startDeg + (360 * i) / n) * Math.PI) / 180;
    cams.push(
      lookAtCamera({
        name: `cam${i + 1}`,
        width: opts.width,
        height: opts.height,
        hfovDeg: opts.hfovDeg,
        eye: [opts.radius * Math.sin(az), opts.heights[i % opts.heights.length], opts.radius * Math.cos(az)],
        target: opts.target,
        // A little barrel distortion by default, so the fusion's undistortion is exercised.
        dist: opts.dist ?? [-0.05, 0.01, 0, 0, 0],
        rollDeg: opts.rollDeg,
      }),
    );
  }
  return cams;
}
