/**
 * Extrinsics from a moving person (issue 14): refine a calibration, or build one from intrinsics alone, by bundle
 * adjustment over the detected body keypoints across views and frames.
 *
 * - refineFromPerson: points triangulated with the given rig, then bundle adjustment (person-bundle.ts) — first a
 *   Huber loss as wide as the starting errors (a rig off by degrees misses by tens of pixels), then a Cauchy loss
 *   of `lossScalePx` that leaves a detector's gross errors (swapped sides, a limb guessed behind the body) almost no
 *   weight. The result is put back in the prior's frame and scale (a similarity fitted on the cameras), unless a
 *   stature is given (then the scale comes from it) or `setFloor` asks for the floor frame.
 * - calibrateFromPerson: relative poses to a reference camera from the essential matrix of the keypoints each pair
 *   shares (essential.ts), their baselines made consistent through the depths of common points, then as above;
 *   the scale from the person's stature (given, or 1.70 m assumed and said so) and the floor from the feet.
 *
 * Pure, over typed arrays; async only to yield between a few LM iterations, so a worker can report progress and
 * stop when the AbortSignal fires (it then rejects with the signal's reason).
 */
import { cameraCenter, makeCamera, pixelToNormalized, projectPoint, type Camera } from '../geometry/camera';
import type { RobustLoss } from '../geometry/lm';
import { NUM_JOINTS } from '../keypoints/coco17';
import type { FrameViews } from '../fusion/types';
import { defaultTriangulationOptions, dltPoint, prepareRig, type Observation } from '../triangulation/triangulate';
import { relativePose, type Correspondences } from './essential';
import { bundleAdjustPoints, type PointObservations } from './person-bundle';
import { alignRig, estimateStature, floorFromFeet, personTrack, transformPoints, transformRig, type Similarity } from './person-frame';
import { median } from '../util/stats';

export interface PersonCalibrationOptions {
  /** Keypoints scored below this are not used. */
  minScore: number;
  /** At most this many frames are used, evenly spread over the recording (runtime grows with them). */
  maxFrames: number;
  /** Cauchy scale of the final adjustment, pixels; null = 0.4 % of the median image diagonal. */
  lossScalePx: number | null;
  maxIterations: number;
  /** The person's stature, metres: sets the scale. Null: the prior's scale (refining) or 1.70 m assumed. */
  heightM: number | null;
  /** Height of the ankle joints above the floor when standing, metres. */
  ankleHeightM: number;
  /** Put the world on the floor (Y up, y = 0 the floor). Null: when building from intrinsics, not when refining. */
  setFloor: boolean | null;
  abortSignal?: AbortSignal;
  onProgress?: (fraction: number, stage: string) => void;
}

export const defaultPersonCalibrationOptions: PersonCalibrationOptions = {
  minScore: 0.3, maxFrames: 150, lossScalePx: null, maxIterations: 50, heightM: null, ankleHeightM: 0.08, setFloor: null,
};

/** Assumed stature when none is given, metres. */
export const ASSUMED_STATURE_M = 1.7;

export interface PersonCalibrationResult {
  cameras: Camera[];
  /** Per camera, pixels: RMS and median reprojection error over the same observations, before and after. */
  rmsBefore: number[];
  rmsAfter: number[];
  medianBefore: number[];
  medianAfter: number[];
  frames: number;
  points: number;
  observations: number;
  iterations: number;
  scale: { source: 'prior' | 'height' | 'assumed-height'; estimatedStatureM: number };
  /** The floor frame, when set: up from the feet or from the body's axis. */
  floor: { fromFeet: boolean; feet: number } | null;
  /** Cameras that could not be placed (from intrinsics only: no pose relative to the reference); kept as given. */
  unplaced: number[];
}

interface Gathered {
  obs: PointObservations;
  frameOf: Int32Array;
  jointOf: Int32Array;
  nFrames: number;
}

function usedFrames(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor(((i + 0.5) * n) / max));
}

/** One point per (frame, joint) seen by ≥ 2 cameras of `usable`; its observations. */
function gather(frames: readonly FrameViews[], nc: number, o: PersonCalibrationOptions, usable: (c: number) => boolean): Gathered {
  const cam: number[] = [], pt: number[] = [], px: number[] = [], fOf: number[] = [], jOf: number[] = [];
  const idx = usedFrames(frames.length, o.maxFrames);
  idx.forEach((fi, f) => {
    const views = frames[fi];
    for (let j = 0; j < NUM_JOINTS; j++) {
      const seen: number[] = [];
      for (let c = 0; c < nc; c++) {
        const kp = views[c];
        if (kp && usable(c) && kp[3 * j + 2] >= o.minScore && Number.isFinite(kp[3 * j]) && Number.isFinite(kp[3 * j + 1])) seen.push(c);
      }
      if (seen.length < 2) continue;
      const p = fOf.length;
      fOf.push(f); jOf.push(j);
      for (const c of seen) { cam.push(c); pt.push(p); px.push(views[c]![3 * j], views[c]![3 * j + 1]); }
    }
  });
  return {
    obs: { camera: Int32Array.from(cam), point: Int32Array.from(pt), pixels: Float64Array.from(px) },
    frameOf: Int32Array.from(fOf), jointOf: Int32Array.from(jOf), nFrames: idx.length,
  };
}

/** DLT of every point with the rig; points that fail stay NaN (and their observations are dropped by `compact`). */
function triangulateAll(cameras: readonly Camera[], g: Gathered): Float64Array {
  const rig = prepareRig(cameras, { ...defaultTriangulationOptions, minScore: 0 });
  const np = g.frameOf.length;
  const X = new Float64Array(np * 3).fill(NaN), x = new Float64Array(3);
  const byPoint: number[][] = Array.from({ length: np }, () => []);
  g.obs.point.forEach((p, i) => byPoint[p].push(i));
  const n = new Float64Array(2);
  for (let p = 0; p < np; p++) {
    const obs: Observation[] = [];
    for (const i of byPoint[p]) {
      const c = g.obs.camera[i];
      if (!pixelToNormalized(cameras[c], g.obs.pixels[2 * i], g.obs.pixels[2 * i + 1], n)) continue;
      obs.push({ view: c, u: g.obs.pixels[2 * i], v: g.obs.pixels[2 * i + 1], x: n[0], y: n[1], weight: 1, scale: 1, threshold: Infinity });
    }
    if (obs.length >= 2 && dltPoint(rig, obs, x) && obs.every((o) => projectPoint(cameras[o.view], x[0], x[1], x[2], n))) X.set(x, 3 * p);
  }
  return X;
}

/** Drops points without a position (and their observations), renumbering the rest. */
function compact(g: Gathered, X: Float64Array): { g: Gathered; X: Float64Array } {
  const np = g.frameOf.length, map = new Int32Array(np).fill(-1);
  let k = 0;
  for (let p = 0; p < np; p++) if (Number.isFinite(X[3 * p])) map[p] = k++;
  const keep: number[] = [];
  g.obs.point.forEach((p, i) => { if (map[p] >= 0) keep.push(i); });
  const X2 = new Float64Array(k * 3), f = new Int32Array(k), j = new Int32Array(k);
  for (let p = 0; p < np; p++) if (map[p] >= 0) { X2.set(X.subarray(3 * p, 3 * p + 3), 3 * map[p]); f[map[p]] = g.frameOf[p]; j[map[p]] = g.jointOf[p]; }
  return {
    X: X2,
    g: {
      obs: {
        camera: Int32Array.from(keep, (i) => g.obs.camera[i]), point: Int32Array.from(keep, (i) => map[g.obs.point[i]]),
        pixels: Float64Array.from(keep.flatMap((i) => [g.obs.pixels[2 * i], g.obs.pixels[2 * i + 1]])),
      },
      frameOf: f, jointOf: j, nFrames: g.nFrames,
    },
  };
}

/** Per camera RMS and median reprojection error (px). */
export function reprojectionStats(cameras: readonly Camera[], X: Float64Array, obs: PointObservations): { rms: number[]; median: number[] } {
  const errs: number[][] = cameras.map(() => []);
  const uv = new Float64Array(2);
  obs.camera.forEach((c, i) => {
    const p = obs.point[i];
    if (!projectPoint(cameras[c], X[3 * p], X[3 * p + 1], X[3 * p + 2], uv)) return;
    errs[c].push(Math.hypot(uv[0] - obs.pixels[2 * i], uv[1] - obs.pixels[2 * i + 1]));
  });
  return {
    rms: errs.map((e) => (e.length ? Math.sqrt(e.reduce((s, x) => s + x * x, 0) / e.length) : NaN)),
    median: errs.map((e) => median(e)),
  };
}

function defaultLossScale(cameras: readonly Camera[]): number {
  return 0.004 * median(cameras.map((c) => Math.hypot(c.width, c.height)));
}

/**
 * The adjustment shared by both entry points: a Huber loss as wide as the starting errors (a rig off by degrees
 * misses by tens of pixels), then a Cauchy loss of `lossScalePx` that leaves a detector's gross errors (swapped
 * sides, a limb guessed behind the body) almost no weight. (Scaling it to twice the median error left instead was
 * tried: 8–9 px median errors after on the Pose2Sim recording instead of 6–7, and no better on simulations.)
 */
async function adjust(cameras: readonly Camera[], g: Gathered, X: Float64Array, o: PersonCalibrationOptions, fixedCamera: number, progress: (f: number) => void) {
  const base = o.lossScalePx ?? defaultLossScale(cameras);
  const start = reprojectionStats(cameras, X, g.obs);
  let cams = [...cameras], pts = X, iterations = 0;
  // In chunks of a few iterations, yielding between them: a worker stays responsive and can be cancelled.
  const CHUNK = 5;
  const stage = async (k: number, loss: RobustLoss, lossScale: number) => {
    for (let done = 0; done < o.maxIterations; ) {
      await new Promise<void>((res) => setTimeout(res, 0));
      if (o.abortSignal?.aborted) return;
      const r = bundleAdjustPoints(cams, pts, g.obs, { loss, lossScale, maxIterations: Math.min(CHUNK, o.maxIterations - done), fixedCamera });
      cams = r.cameras; pts = r.points; iterations += r.iterations; done += Math.max(r.iterations, 1);
      progress((k + Math.min(done / o.maxIterations, 1)) / 2);
      if (r.stop !== 'max-iterations') break;
    }
  };
  await stage(0, 'huber', Math.max(base, ...start.median.filter(Number.isFinite)));
  await stage(1, 'cauchy', base);
  if (o.abortSignal?.aborted) throw o.abortSignal.reason ?? new DOMException('Calibration cancelled', 'AbortError');
  return { cams, pts, iterations, start };
}

/** Scale and frame after the adjustment: the prior's, the stature's, and/or the floor's. */
function finish(
  cams: Camera[], pts: Float64Array, g: Gathered, o: PersonCalibrationOptions, prior: readonly Camera[] | null, reference: number,
): { cameras: Camera[]; points: Float64Array; scale: PersonCalibrationResult['scale']; floor: PersonCalibrationResult['floor'] } {
  let T: Similarity = prior ? alignRig(cams, prior, o.heightM === null) : { s: 1, M: new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]), c: new Float64Array(3) };
  let points = transformPoints(pts, T);
  let cameras = transformRig(cams, T);
  const stature = estimateStature(personTrack(points, g.frameOf, g.jointOf, g.nFrames));
  let source: PersonCalibrationResult['scale']['source'] = 'prior';
  if (!prior || o.heightM !== null) {
    const h = o.heightM ?? ASSUMED_STATURE_M;
    source = o.heightM !== null ? 'height' : 'assumed-height';
    if (Number.isFinite(stature) && stature > 0) {
      // Scale about the rig's centroid, so a prior's placement stays where it was.
      const C = cameras.map((c) => cameraCenter(c));
      const m = [0, 1, 2].map((k) => C.reduce((s, p) => s + p[k], 0) / C.length);
      const s = h / stature;
      T = { s, M: new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]), c: new Float64Array(m.map((v) => v * (1 - s))) };
      points = transformPoints(points, T);
      cameras = transformRig(cameras, T);
    }
  }
  let floor: PersonCalibrationResult['floor'] = null;
  if (o.setFloor ?? !prior) {
    const F = floorFromFeet(personTrack(points, g.frameOf, g.jointOf, g.nFrames), cameras[reference], o.ankleHeightM);
    if (F) {
      points = transformPoints(points, F);
      cameras = transformRig(cameras, F);
      floor = { fromFeet: F.fromFeet, feet: F.feet };
    }
  }
  return { cameras, points, scale: { source, estimatedStatureM: estimateStature(personTrack(points, g.frameOf, g.jointOf, g.nFrames)) }, floor };
}

/** Refines a full calibration from the person's keypoints (frames[f][c]: camera c's detection in frame f). */
export async function refineFromPerson(cameras: readonly Camera[], frames: readonly FrameViews[], options: Partial<PersonCalibrationOptions> = {}): Promise<PersonCalibrationResult> {
  const o = { ...defaultPersonCalibrationOptions, ...options };
  const report = (f: number, s: string) => o.onProgress?.(f, s);
  const raw = gather(frames, cameras.length, o, () => true);
  const { g, X } = compact(raw, triangulateAll(cameras, raw));
  if (g.frameOf.length < 10) throw new Error(`refineFromPerson: only ${g.frameOf.length} keypoints were seen by two cameras (need ≥ 10)`);
  const counts = cameras.map((_, c) => g.obs.camera.filter((x) => x === c).length);
  const fixed = counts.indexOf(Math.max(...counts));
  report(0, 'adjusting');
  const { cams, pts, iterations, start } = await adjust(cameras, g, X, o, fixed, (f) => report(0.95 * f, 'adjusting'));
  const out = finish(cams, pts, g, o, cameras, fixed);
  const after = reprojectionStats(out.cameras, out.points, g.obs);
  report(1, 'done');
  return {
    cameras: out.cameras, rmsBefore: start.rms, rmsAfter: after.rms, medianBefore: start.median, medianAfter: after.median,
    frames: g.nFrames, points: g.frameOf.length, observations: g.obs.camera.length, iterations, scale: out.scale, floor: out.floor, unplaced: [],
  };
}

/**
 * Builds the extrinsics from intrinsics alone (cameras' K, dist, size; their R, t are ignored). Throws when fewer
 * than two cameras can be placed.
 */
export async function calibrateFromPerson(intrinsics: readonly Camera[], frames: readonly FrameViews[], options: Partial<PersonCalibrationOptions> = {}): Promise<PersonCalibrationResult> {
  const o = { ...defaultPersonCalibrationOptions, ...options };
  const nc = intrinsics.length;
  const report = (f: number, s: string) => o.onProgress?.(f, s);
  const idx = usedFrames(frames.length, o.maxFrames);
  // Normalised coordinates of every usable keypoint: norm[c][f * 17 + j] (x, y), NaN where unusable.
  const norm = intrinsics.map((cam, c) => {
    const out = new Float64Array(idx.length * NUM_JOINTS * 2).fill(NaN), n = new Float64Array(2);
    idx.forEach((fi, f) => {
      const kp = frames[fi][c];
      if (!kp) return;
      for (let j = 0; j < NUM_JOINTS; j++)
        if (kp[3 * j + 2] >= o.minScore && pixelToNormalized(cam, kp[3 * j], kp[3 * j + 1], n)) out.set(n, 2 * (f * NUM_JOINTS + j));
    });
    return out;
  });
  const pairs = (a: number, b: number): { c: Correspondences; ids: number[] } => {
    const ids: number[] = [];
    for (let k = 0; k < idx.length * NUM_JOINTS; k++) if (Number.isFinite(norm[a][2 * k]) && Number.isFinite(norm[b][2 * k])) ids.push(k);
    return {
      ids,
      c: { x1: Float64Array.from(ids.flatMap((k) => [norm[a][2 * k], norm[a][2 * k + 1]])), x2: Float64Array.from(ids.flatMap((k) => [norm[b][2 * k], norm[b][2 * k + 1]])) },
    };
  };
  const shared = intrinsics.map((_, a) => intrinsics.map((_, b) => (a === b ? 0 : pairs(a, b).ids.length)));
  const ref = shared.map((r) => r.reduce((s, v) => s + v, 0)).reduce((best, v, i, all) => (v > all[best] ? i : best), 0);
  report(0.02, 'relative poses');
  const threshold = (2 * (o.lossScalePx ?? defaultLossScale(intrinsics))) / intrinsics[ref].K[0];
  // Camera c relative to the reference (unit baseline), and the reference-frame depth of each shared keypoint.
  const rel = intrinsics.map((_, c) => {
    if (c === ref) return null;
    const { c: corr, ids } = pairs(ref, c);
    const r = relativePose(corr, threshold, 250, 17 + c);
    if (!r) return null;
    const depth = new Map<number, number>();
    r.inliers.forEach((i, k) => { const z = r.points[3 * k + 2]; if (z > 0) depth.set(ids[i], z); });
    return { pose: r.pose, depth, inliers: r.inliers.length };
  });
  const placedIds = rel.map((r, c) => (c === ref || r ? c : -1)).filter((c) => c >= 0);
  if (placedIds.length < 2) throw new Error('calibrateFromPerson: no camera pair shares enough consistent keypoints to start from');
  // The baseline of the best-connected pair sets the unit; every other baseline is scaled so that the keypoints
  // both pairs see lie at the same depth in the reference camera.
  const anchor = rel.reduce((best, r, c) => (r && (best < 0 || r.inliers > rel[best]!.inliers) ? c : best), -1);
  const unplaced: number[] = [];
  const cams = intrinsics.map((cam, c) => {
    if (c === ref) return makeCamera({ ...cam, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] });
    const r = rel[c];
    let s = NaN;
    if (r) {
      const ratios: number[] = [];
      for (const [k, z] of r.depth) { const za = rel[anchor]!.depth.get(k); if (za !== undefined) ratios.push(za / z); }
      s = c === anchor ? 1 : ratios.length >= 5 ? median(ratios) : NaN;
    }
    if (!r || !Number.isFinite(s)) { unplaced.push(c); return makeCamera({ ...cam, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] }); }
    return makeCamera({ ...cam, R: r.pose.R, t: Array.from(r.pose.t, (v) => v * s) });
  });
  if (cams.length - unplaced.length < 2) throw new Error('calibrateFromPerson: fewer than two cameras could be placed');
  report(0.1, 'adjusting');
  const raw = gather(frames, nc, o, (c) => !unplaced.includes(c));
  const { g, X } = compact(raw, triangulateAll(cams, raw));
  if (g.frameOf.length < 10) throw new Error(`calibrateFromPerson: only ${g.frameOf.length} keypoints triangulated (need ≥ 10)`);
  const { cams: adj, pts, iterations, start } = await adjust(cams, g, X, o, ref, (f) => report(0.1 + 0.85 * f, 'adjusting'));
  const out = finish(adj, pts, g, o, null, ref);
  const after = reprojectionStats(out.cameras, out.points, g.obs);
  report(1, 'done');
  return {
    cameras: out.cameras, rmsBefore: start.rms, rmsAfter: after.rms, medianBefore: start.median, medianAfter: after.median,
    frames: g.nFrames, points: g.frameOf.length, observations: g.obs.camera.length, iterations, scale: out.scale, floor: out.floor, unplaced,
  };
}

