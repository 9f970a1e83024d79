/**
 * Triangulation of COCO-17 joints from N ≥ 2 calibrated views.
 *
 * - DLT: the linear estimate, each view's two equations weighted by the detector's score.
 * - Robust: hypotheses from every pair of views, the one with the largest score-weighted inlier support wins
 *   (inlier = reprojection error below a threshold), re-estimated on its inliers and refined by minimising the
 *   score-weighted reprojection error (Levenberg–Marquardt with a Huber loss), then any view still beyond the
 *   threshold is dropped while ≥ 2 remain. Last, with 3+ views, every view comes back in a final refinement
 *   with a redescending (Cauchy) loss started from that consensus (`softRefine`): views far beyond the threshold
 *   keep almost no weight, while a good view that the hard threshold cut on a noisy frame still counts for part of
 *   its weight. Its scale follows the frame's own residuals (4 × their median, as a fraction of the box), capped:
 *   precise detections get a tight loss, so a gross outlier cannot pull them.
 *
 * Errors are measured relative to the person's size in each view (the diagonal of the box around that view's
 * detected joints): a 2D detector works on a crop resized to a fixed input, so its error grows with the person's
 * image size, and a near camera's 20 px can be as good as a far camera's 5 px. MoveNet's measured residuals on a
 * real 4-camera recording have their 99th percentile near 0.1 of the box (docs/benchmarks.md), which sets the
 * default inlier gate.
 *
 * A joint seen by fewer than 2 usable views, whose rays meet at less than `minRayAngleDeg` (the views cannot see its
 * depth: cameras at one place, or too far for their baseline; geometry/ray-angle.ts), or whose estimate lies behind
 * a camera, gets no estimate; `status` says which.
 */
import { NUM_JOINTS } from '../keypoints/coco17';
import type { FrameViews, Pose3D } from '../fusion/types';
import { JointStatus } from './options';
import { gatherObservations, observationRayAngle, reprojectionError, viewScales, type Observation, type PreparedRig } from './observations';
import { dltPoint, inFrontOfAll, robustPoint, SOFT_MIN_FRACTION, softRefine } from './point';
import { quantileSorted } from '../util/stats';

export * from './options';
export * from './observations';
export { dltPoint, robustPoint, softRefine, type JointEstimate } from './point';

export interface TriangulatedPose extends Pose3D {
  /** Per joint: views used (bitmask) and mean reprojection error in px (NaN-free: 0 where invalid). */
  inlierMask: Uint32Array;
  reprojErrorPx: Float64Array;
  /** Per joint: a JointStatus value (JOINT_STATUS_REASONS words it). */
  status: Uint8Array;
}

/**
 * Triangulates a whole COCO-17 pose. Returns null when no joint could be estimated. `method` 'dlt' is the plain
 * weighted linear estimate over all usable views; 'robust' is the outlier-rejecting, refined variant.
 */
export function triangulatePose(
  rig: PreparedRig,
  views: FrameViews,
  method: 'dlt' | 'robust',
  /** Filled with each joint's JointStatus, also when no joint could be estimated (the pose is then null). */
  status: Uint8Array = new Uint8Array(NUM_JOINTS),
): TriangulatedPose | null {
  const opts = rig.options;
  status.fill(JointStatus.fewViews);
  const joints = new Float64Array(NUM_JOINTS * 3);
  const valid = new Uint8Array(NUM_JOINTS);
  const inlierMask = new Uint32Array(NUM_JOINTS);
  const reprojErrorPx = new Float64Array(NUM_JOINTS);
  const obs: Observation[] = [];
  const X = new Float64Array(3);
  const scales = viewScales(rig, views);
  const soft: { j: number; obs: Observation[] }[] = [];
  const ratios: number[] = [];
  for (let j = 0; j < NUM_JOINTS; j++) {
    gatherObservations(rig, views, scales, j, obs);
    if (obs.length < 2) continue;
    // Even all the views together cannot see this joint's depth: no estimate, whatever the method.
    if (observationRayAngle(rig, obs, -1) < opts.minRayAngleDeg) {
      status[j] = JointStatus.narrowRays;
      continue;
    }
    status[j] = JointStatus.noSolution;
    if (method === 'dlt') {
      const all = obs.map((_, i) => i);
      if (!dltPoint(rig, obs, X) || !inFrontOfAll(rig, obs, all, X)) continue;
      let err = 0, mask = 0;
      for (const o of obs) {
        err += reprojectionError(rig, o, X);
        mask |= 1 << o.view;
      }
      inlierMask[j] = mask;
      reprojErrorPx[j] = err / obs.length;
    } else {
      const est = robustPoint(rig, obs, X, opts);
      if (!est.ok) continue;
      // The consensus may be a subset whose rays are nearly parallel even when all the views' are not.
      if (observationRayAngle(rig, obs, est.inlierMask) < opts.minRayAngleDeg) {
        status[j] = JointStatus.narrowRays;
        continue;
      }
      inlierMask[j] = est.inlierMask;
      reprojErrorPx[j] = est.meanErrorPx;
      for (const o of obs) if (est.inlierMask & (1 << o.view)) ratios.push(reprojectionError(rig, o, X) / o.scale);
      if (opts.refine && opts.softFraction > 0 && obs.length > 2) soft.push({ j, obs: obs.slice() });
    }
    joints.set(X, 3 * j);
    valid[j] = 1;
    status[j] = JointStatus.ok;
  }
  if (soft.length) {
    ratios.sort((a, b) => a - b);
    const fraction = Math.min(opts.softFraction, Math.max(SOFT_MIN_FRACTION, 4 * quantileSorted(ratios, 0.5)));
    for (const { j, obs: o } of soft) {
      const P = joints.subarray(3 * j, 3 * j + 3);
      softRefine(rig, o, P, fraction, inlierMask[j]);
      let mask = 0, err = 0, k = 0;
      for (const ob of o) {
        const e = reprojectionError(rig, ob, P);
        if (e < ob.threshold) {
          mask |= 1 << ob.view;
          err += e;
          k++;
        }
      }
      if (k >= 2) {
        inlierMask[j] = mask;
        reprojErrorPx[j] = err / k;
        if (observationRayAngle(rig, o, mask) < opts.minRayAngleDeg) {
          P.fill(0);
          valid[j] = 0;
          inlierMask[j] = 0;
          reprojErrorPx[j] = 0;
          status[j] = JointStatus.narrowRays;
        }
      }
    }
  }
  let narrow = 0;
  for (let j = 0; j < NUM_JOINTS; j++) if (status[j] === JointStatus.narrowRays) narrow++;
  if (!valid.some((v) => v === 1)) return null;
  const pose: TriangulatedPose = { joints, valid, inlierMask, reprojErrorPx, status };
  if (narrow) pose.info = { narrowRayJoints: narrow, noEstimateReason: `${narrow} joint${narrow > 1 ? 's' : ''}: the rays meet at less than ${opts.minRayAngleDeg}°, no depth` };
  return pose;
}

