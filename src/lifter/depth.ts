/**
 * The lifter's refusal of geometry that cannot see depth (issue 12): the network would otherwise turn rays that
 * barely meet into a confident pose metres off. A frame set is refused when the typical joint's rays meet at less
 * than MIN_RAY_ANGLE_DEG (the median over joints seen by 2+ views of their largest pairwise ray angle), or when the
 * anchor the features are built around lies behind a camera that sees the person. Same measure as triangulation's
 * per-joint refusal (geometry/ray-angle.ts).
 */
import { depthOf, normalizedRay, pixelToNormalized, type Camera } from '../geometry/camera';
import { maxRayAngleDeg, MIN_RAY_ANGLE_DEG } from '../geometry/ray-angle';
import type { FrameViews } from '../fusion/types';
import { NUM_JOINTS } from '../keypoints/coco17';
import { median } from '../util/stats';

const nrm = new Float64Array(2);

/** Why this frame set gets no lifted pose, or null when its geometry can see depth. */
export function depthRefusal(cameras: readonly Camera[], views: FrameViews, anchor: ArrayLike<number>, minDeg = MIN_RAY_ANGLE_DEG): string | null {
  const V = Math.min(cameras.length, views.length);
  const dirs = new Float64Array(3 * V);
  const angles: number[] = [];
  const seen = new Uint8Array(V);
  for (let j = 0; j < NUM_JOINTS; j++) {
    let n = 0;
    for (let v = 0; v < V; v++) {
      const kp = views[v];
      if (!kp) continue;
      const u = kp[3 * j], w = kp[3 * j + 1], s = kp[3 * j + 2];
      // The views the features use (features.ts): finite, scored above 0, inside the lens model.
      if (!(Number.isFinite(u) && Number.isFinite(w) && s > 0) || !pixelToNormalized(cameras[v], u, w, nrm)) continue;
      normalizedRay(cameras[v], nrm[0], nrm[1], dirs, 3 * n++);
      seen[v] = 1;
    }
    if (n >= 2) angles.push(maxRayAngleDeg(dirs, n));
  }
  if (angles.length === 0) return 'no joint is seen by 2 views';
  const med = median(angles);
  if (med < minDeg)
    return `the views' rays meet at ${med.toFixed(2)}° (median over joints), less than ${minDeg}°: the cameras cannot see depth (same position, or too far for their baseline)`;
  for (let v = 0; v < V; v++)
    if (seen[v] && !(depthOf(cameras[v], anchor[0], anchor[1], anchor[2]) > 0)) return `the rays meet behind camera ${cameras[v].name}`;
  return null;
}
