/**
 * What triangulation works on: a rig prepared once (projection matrices, options), and per joint the usable views'
 * observations, each with the person's size in that view, the unit its errors are measured in.
 */
import { normalizedRay, pixelToNormalized, projectPoint, type Camera } from '../geometry/camera';
import { maxRayAngleDeg } from '../geometry/ray-angle';
import { NUM_JOINTS } from '../keypoints/coco17';
import type { FrameViews } from '../fusion/types';
import { defaultTriangulationOptions, type TriangulationOptions } from './options';

/** Per-camera quantities reused for every joint of every frame. */
export interface PreparedRig {
  cameras: readonly Camera[];
  /** [R | t] per camera, 3x4 row-major. */
  P: Float64Array[];
  options: TriangulationOptions;
}

export function prepareRig(cameras: readonly Camera[], opts: TriangulationOptions = defaultTriangulationOptions): PreparedRig {
  return {
    cameras,
    P: cameras.map((c) => {
      const P = new Float64Array(12);
      for (let i = 0; i < 3; i++) {
        P[4 * i] = c.R[3 * i]; P[4 * i + 1] = c.R[3 * i + 1]; P[4 * i + 2] = c.R[3 * i + 2]; P[4 * i + 3] = c.t[i];
      }
      return P;
    }),
    options: opts,
  };
}

/** One view's observation of a joint. */
export interface Observation {
  view: number;
  /** Raw (distorted) pixel. */
  u: number;
  v: number;
  /** Ideal normalised coordinates. */
  x: number;
  y: number;
  weight: number;
  /** The person's size in this view (box diagonal, px): the unit of this view's errors. */
  scale: number;
  /** Reprojection error (px) beyond which this view is an outlier for the joint. */
  threshold: number;
}

const rayDirs = new Float64Array(3 * 32);

/** Largest angle (degrees) between the rays of the observations whose view bit is set in mask. */
export function observationRayAngle(rig: PreparedRig, obs: readonly Observation[], mask: number): number {
  let n = 0;
  for (const o of obs) if (mask & (1 << o.view)) normalizedRay(rig.cameras[o.view], o.x, o.y, rayDirs, 3 * n++);
  return maxRayAngleDeg(rayDirs, n);
}

const proj = new Float64Array(2);

/** Pixel reprojection error of a point in one observation's view; Infinity when behind the camera. */
export function reprojectionError(rig: PreparedRig, o: Observation, X: ArrayLike<number>): number {
  if (!projectPoint(rig.cameras[o.view], X[0], X[1], X[2], proj)) return Infinity;
  return Math.hypot(proj[0] - o.u, proj[1] - o.v);
}

const normScratch = new Float64Array(2);

/**
 * The person's size in one view: the diagonal of the box around its joints scored ≥ minScore, in pixels. With
 * fewer than three such joints the box says little, and a fifth of the image diagonal stands in.
 */
export function personScale(cam: Camera, kp: ArrayLike<number>, minScore: number): number {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, n = 0;
  for (let j = 0; j < NUM_JOINTS; j++) {
    const x = kp[3 * j], y = kp[3 * j + 1];
    if (!(kp[3 * j + 2] >= minScore) || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    n++;
  }
  const fallback = 0.2 * Math.hypot(cam.width, cam.height);
  if (n < 3) return fallback;
  return Math.max(Math.hypot(maxX - minX, maxY - minY), 0.02 * fallback);
}

/** Per-view person scales of a frame set (0 for a missing view), computed once per frame set. */
export function viewScales(rig: PreparedRig, views: FrameViews, out = new Float64Array(rig.cameras.length)): Float64Array {
  for (let v = 0; v < rig.cameras.length; v++) {
    const kp = views[v];
    out[v] = kp ? personScale(rig.cameras[v], kp, rig.options.minScore) : 0;
  }
  return out;
}

/** The usable observations of joint j: views with a finite detection scored ≥ minScore that undistort. */
export function gatherObservations(
  rig: PreparedRig,
  views: FrameViews,
  scales: Float64Array,
  j: number,
  out: Observation[] = [],
): Observation[] {
  out.length = 0;
  const { minScore, inlierFraction, inlierMinPx } = rig.options;
  const nv = Math.min(views.length, rig.cameras.length);
  for (let v = 0; v < nv; v++) {
    const kp = views[v];
    if (!kp) continue;
    const u = kp[3 * j], w = kp[3 * j + 1], s = kp[3 * j + 2];
    if (!(s >= minScore) || !Number.isFinite(u) || !Number.isFinite(w)) continue;
    if (!pixelToNormalized(rig.cameras[v], u, w, normScratch)) continue;
    const scale = scales[v];
    out.push({ view: v, u, v: w, x: normScratch[0], y: normScratch[1], weight: Math.min(s, 1), scale, threshold: Math.max(inlierMinPx, inlierFraction * scale) });
  }
  return out;
}
