/**
 * How strongly two detections in different views (or a detection and a predicted 3D person) look like the same
 * body. Each detection's joints become world rays once per frame set; two detections agree on a joint when the
 * rays pass close to each other in front of both cameras, i.e. when each joint lies near the other's epipolar
 * plane, measured in metres rather than pixels. Metres make one tolerance fit every camera: a detector's error is
 * a fixed fraction of the person's box, and a box is a fixed number of metres (the person's size) at any distance.
 *
 * A whole view mirrored by the detector (left and right swapped) is still the same person: agreement is the
 * better of the straight and the mirrored joint correspondence.
 */
import { cameraCenter, pixelRay, type Camera } from '../geometry/camera';
import { COCO17_FLIP, NUM_JOINTS } from '../keypoints/coco17';
import type { ViewKeypoints } from '../fusion/types';

export interface AffinityOptions {
  /** Joints scored below this are not used. */
  minScore: number;
  /** Ray-to-ray (or point-to-ray) distance, metres, at which a joint stops counting as agreement. */
  rayTolerance: number;
  /** Agreement (0–1) above which two detections attract and below which they repel. */
  threshold: number;
  /** Fewer shared joints than this: no evidence either way. */
  minJoints: number;
  /** Shared joints for a pair's full weight: fewer (an occluded view) count for less. */
  fullWeightJoints: number;
}

/** One detection's joints as world rays: directions (unit, 3 × 17) and scores (0 = joint unusable). */
export interface DetectionRays {
  view: number;
  index: number;
  centre: Float64Array;
  dirs: Float64Array;
  scores: Float64Array;
  /** Joints with a ray. */
  count: number;
}

const dirScratch = new Float64Array(3);
/** The joint count as a local constant: the loops below run 17 times per pair of detections. */
const J = NUM_JOINTS;
/** A module-local copy: the hot loops below read it 17 times per pair. */
const FLIP = Int32Array.from(COCO17_FLIP);
/** Straight agreement below this cannot come from a mirrored view of the same person (its face joints agree). */
const FLIP_WORTH_TRYING = 0.1;

/** A detection's rays, written into `out` when given (a pooled buffer reused every frame set). */
export function detectionRays(cam: Camera, centre: Float64Array, kp: ViewKeypoints, view: number, index: number, minScore: number, out?: DetectionRays): DetectionRays {
  const dirs = out?.dirs ?? new Float64Array(J * 3), scores = out?.scores ?? new Float64Array(J);
  scores.fill(0);
  let count = 0;
  for (let j = 0; j < J; j++) {
    const u = kp[3 * j], v = kp[3 * j + 1], s = kp[3 * j + 2];
    if (!(s >= minScore) || !Number.isFinite(u) || !Number.isFinite(v)) continue;
    if (!pixelRay(cam, u, v, dirScratch) || !dirScratch.every(Number.isFinite)) continue;
    dirs.set(dirScratch, 3 * j);
    scores[j] = Math.min(s, 1);
    count++;
  }
  if (!out) return { view, index, centre, dirs, scores, count };
  out.view = view;
  out.index = index;
  out.centre = centre;
  out.count = count;
  return out;
}

export function cameraCentres(cameras: readonly Camera[]): Float64Array[] {
  return cameras.map((c) => cameraCenter(c));
}

/**
 * Distance (m) between the rays of joint ja of `a` and joint jb of `b` at their closest points, or Infinity when
 * the rays are near parallel or meet behind either camera.
 */
export function rayDistance(a: DetectionRays, ja: number, b: DetectionRays, jb: number): number {
  const d1 = a.dirs, d2 = b.dirs, o1 = 3 * ja, o2 = 3 * jb;
  const wx = a.centre[0] - b.centre[0], wy = a.centre[1] - b.centre[1], wz = a.centre[2] - b.centre[2];
  const bb = d1[o1] * d2[o2] + d1[o1 + 1] * d2[o2 + 1] + d1[o1 + 2] * d2[o2 + 2];
  const dd = d1[o1] * wx + d1[o1 + 1] * wy + d1[o1 + 2] * wz;
  const ee = d2[o2] * wx + d2[o2 + 1] * wy + d2[o2 + 2] * wz;
  const den = 1 - bb * bb;
  if (den < 1e-6) return Infinity;
  const s = (bb * ee - dd) / den, u = (ee - bb * dd) / den;
  if (s <= 0.05 || u <= 0.05) return Infinity;
  const px = wx + s * d1[o1] - u * d2[o2], py = wy + s * d1[o1 + 1] - u * d2[o2 + 1], pz = wz + s * d1[o1 + 2] - u * d2[o2 + 2];
  return Math.hypot(px, py, pz);
}

/** Distance (m) from a world point to the ray of joint j, or Infinity when the point is behind the camera. */
export function pointRayDistance(r: DetectionRays, j: number, x: number, y: number, z: number): number {
  const ex = x - r.centre[0], ey = y - r.centre[1], ez = z - r.centre[2];
  const s = ex * r.dirs[3 * j] + ey * r.dirs[3 * j + 1] + ez * r.dirs[3 * j + 2];
  if (s <= 0.05) return Infinity;
  return Math.hypot(ex - s * r.dirs[3 * j], ey - s * r.dirs[3 * j + 1], ez - s * r.dirs[3 * j + 2]);
}

/** Agreement in [0, 1] and its weight from the shared joints' count; combined into a signed edge weight. */
function edge(sumK: number, sumW: number, n: number, o: AffinityOptions): number {
  if (n < o.minJoints || sumW <= 0) return 0;
  return (sumK / sumW - o.threshold) * Math.min(1, n / o.fullWeightJoints);
}

/** Signed affinity of two detections in different views: > 0 the same person, < 0 different, 0 no evidence. */
export function pairAffinity(a: DetectionRays, b: DetectionRays, o: AffinityOptions): number {
  let best = -Infinity;
  for (let flip = 0; flip < 2; flip++) {
    if (flip && best < (FLIP_WORTH_TRYING - o.threshold)) break;
    let sumK = 0, sumW = 0, n = 0;
    for (let j = 0; j < J; j++) {
      const jb = flip ? FLIP[j] : j;
      const w = Math.min(a.scores[j], b.scores[jb]);
      if (!(w > 0)) continue;
      const d = rayDistance(a, j, b, jb);
      sumK += w * Math.max(0, 1 - d / o.rayTolerance);
      sumW += w;
      n++;
    }
    best = Math.max(best, edge(sumK, sumW, n, o));
  }
  return best;
}

/** Signed affinity of a detection and a predicted 3D person whose position is known to within `slack` metres. */
export function priorAffinity(r: DetectionRays, joints: Float64Array, valid: Uint8Array, slack: number, o: AffinityOptions): number {
  const tol = o.rayTolerance + slack;
  let best = -Infinity;
  for (let flip = 0; flip < 2; flip++) {
    let sumK = 0, sumW = 0, n = 0;
    for (let j = 0; j < J; j++) {
      const jp = flip ? FLIP[j] : j;
      const w = r.scores[j];
      if (!(w > 0) || !valid[jp]) continue;
      const d = pointRayDistance(r, j, joints[3 * jp], joints[3 * jp + 1], joints[3 * jp + 2]);
      sumK += w * Math.max(0, 1 - d / tol);
      sumW += w;
      n++;
    }
    best = Math.max(best, edge(sumK, sumW, n, o));
  }
  return best;
}
