/**
 * Small deterministic helpers for tests and benchmarks: a seeded random generator, a ring rig and a standing
 * COCO-17 pose. Not used by the app at run time.
 */
import { projectPoint, type Camera } from '../geometry/camera';
import { ringRig as simRingRig } from '../sim/rig';
import { NUM_JOINTS } from '../keypoints/coco17';
import { gaussian, seededRandom } from '../util/random';

export { gaussian, seededRandom };

/** n cameras on a circle of `radius` at `height`, looking at (0, 1, 0); Y up; no distortion unless given. */
export function ringRig(n: number, radius = 3.5, height = 1.8, opts: { width?: number; height?: number; hfovDeg?: number; dist?: number[] } = {}): Camera[] {
  return simRingRig(n, {
    radius,
    heights: [height],
    target: [0, 1, 0],
    width: opts.width ?? 1280,
    height: opts.height ?? 720,
    hfovDeg: opts.hfovDeg ?? 60,
    startDeg: 0,
    dist: opts.dist ?? [0, 0, 0, 0, 0],
  });
}

/** A standing person facing +z, feet on y = 0 (metres), COCO-17 order. */
export function standingPose(): Float64Array {
  // prettier-ignore
  return new Float64Array([
    0, 1.62, 0.08,  0.03, 1.66, 0.06,  -0.03, 1.66, 0.06,  0.07, 1.63, 0,  -0.07, 1.63, 0,
    0.19, 1.42, 0,  -0.19, 1.42, 0,  0.22, 1.14, 0.02,  -0.22, 1.14, 0.02,  0.24, 0.88, 0.06,  -0.24, 0.88, 0.06,
    0.1, 0.92, 0,  -0.1, 0.92, 0,  0.11, 0.5, 0.02,  -0.11, 0.5, 0.02,  0.11, 0.08, -0.02,  -0.11, 0.08, -0.02,
  ]);
}

/** The standing pose turned by yaw (radians) about the vertical and moved on the floor by (dx, dz) metres. */
export function placedPose(yaw: number, dx: number, dz: number): Float64Array {
  const p = standingPose();
  const c = Math.cos(yaw), s = Math.sin(yaw);
  for (let j = 0; j < NUM_JOINTS; j++) {
    const x = p[3 * j], z = p[3 * j + 2];
    p[3 * j] = c * x + s * z + dx;
    p[3 * j + 2] = -s * x + c * z + dz;
  }
  return p;
}

/** Projects a pose into each camera as COCO-17 [x, y, score] views, with optional Gaussian pixel noise. */
export function projectPose(cameras: readonly Camera[], joints: Float64Array, noisePx = 0, rand = seededRandom(1), score = 0.9): Float32Array[] {
  const px = new Float64Array(2);
  return cameras.map((cam) => {
    const v = new Float32Array(NUM_JOINTS * 3);
    for (let j = 0; j < NUM_JOINTS; j++) {
      projectPoint(cam, joints[3 * j], joints[3 * j + 1], joints[3 * j + 2], px);
      v[3 * j] = px[0] + noisePx * gaussian(rand);
      v[3 * j + 1] = px[1] + noisePx * gaussian(rand);
      v[3 * j + 2] = score;
    }
    return v;
  });
}
