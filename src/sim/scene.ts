/**
 * A multi-person frame set: several figures projected into every camera, detected with the noise model, hidden by
 * each other (occlusion.ts), plus false detections, with the truth of who is who. The shape is what a
 * multi-person detector gives (every person found, per view, in no particular order), so association, tracking
 * and fusion run on it as on live data.
 *
 * Occlusion: a hidden joint is missed, or (with `grabProbability`) reported at the occluder's nearest joint with a
 * low score, as a detector that mistakes the front body's limb for the hidden one. A figure left with fewer than 5
 * detected joints in a view is not detected there.
 * False detections: posters (a person-shaped detection in one view that no other camera has, flickering) and
 * reflections (a view's detection of a real figure mirrored about a vertical image line, as a mirror on a wall).
 */
import { projectPoint, type Camera } from '../geometry/camera';
import { NUM_JOINTS } from '../keypoints/coco17';
import type { SceneFigure } from './figures';
import { applyDefinitionOffsets, sampleDetections, type NoiseParams } from './noise';
import { occludedJoints, projectFigure, type Projected } from './occlusion';
import type { Rng } from './rng';

export interface Poster {
  view: number;
  /** World joints of the body the poster shows, as this view would see it (only this view sees it). */
  joints: Float64Array;
  /** Share of frame sets in which the detector fires on it. */
  presence: number;
}

export interface Reflection {
  view: number;
  /** The figure whose mirror image this view sees. */
  figure: number;
  /** Image column of the mirror line, pixels. */
  mirrorU: number;
}

export interface SceneOptions {
  noise: NoiseParams;
  /** Noise level multiplier (0 = perfect detections). */
  level: number;
  occlusion: boolean;
  /** Share of hidden joints reported at the occluder's joint instead of missed. */
  grabProbability: number;
  posters: readonly Poster[];
  reflections: readonly Reflection[];
  /** Per figure id, the detector's definition offsets (drawDefinitionOffsets); absent = none. */
  definitions?: ReadonlyMap<number, Float64Array>;
  /** Cameras with no frame (their slot is null). */
  dropped?: ReadonlySet<number>;
}

export interface SceneTruth {
  id: number;
  joints: Float64Array;
  valid: Uint8Array;
}

export interface SceneFrame {
  time: number;
  /** Per camera the detections (shuffled), null for a dropped camera. */
  views: (Float32Array[] | null)[];
  /** Per camera, per detection: the figure id it shows, or −1 for a false detection. */
  labels: (number[] | null)[];
  truth: SceneTruth[];
  /** Per figure id, per camera: the detection it would have had alone in the scene (no occlusion), or null. */
  alone: Map<number, (Float32Array | null)[]>;
}

/** A detector finds nobody when fewer than this many joints are detected (as in simulate.ts). */
const MIN_DETECTED = 5;

function detectedCount(kp: Float32Array): number {
  let n = 0;
  for (let j = 0; j < NUM_JOINTS; j++) if (kp[3 * j + 2] > 0.1) n++;
  return n;
}

function project(cam: Camera, joints: Float64Array): Float64Array {
  const uv = new Float64Array(NUM_JOINTS * 2);
  for (let j = 0; j < NUM_JOINTS; j++) projectPoint(cam, joints[3 * j], joints[3 * j + 1], joints[3 * j + 2], uv, 2 * j);
  return uv;
}

export function simulateScene(t: number, cameras: readonly Camera[], figures: readonly SceneFigure[], opts: SceneOptions, rng: Rng): SceneFrame {
  const V = cameras.length;
  const active = cameras.map((_, i) => i).filter((i) => !opts.dropped?.has(i));
  const truth: SceneTruth[] = [];
  for (const f of figures) {
    const joints = f.pose(t, new Float64Array(NUM_JOINTS * 3));
    if (joints) truth.push({ id: f.id, joints, valid: new Uint8Array(NUM_JOINTS).fill(1) });
  }
  // Detections of each figure alone: the noise model over its clean projections.
  const clean = truth.map((p) => {
    const def = opts.definitions?.get(p.id);
    const aimed = def ? applyDefinitionOffsets(p.joints, def, opts.level) : p.joints;
    return sampleDetections(active.map((i) => project(cameras[i], aimed)), active.map((i) => cameras[i]), opts.noise, opts.level, rng);
  });
  const alone = new Map<number, (Float32Array | null)[]>();
  truth.forEach((p, k) => {
    const views: (Float32Array | null)[] = new Array(V).fill(null);
    active.forEach((cam, a) => (views[cam] = detectedCount(clean[k][a]) >= MIN_DETECTED ? clean[k][a] : null));
    alone.set(p.id, views);
  });
  const views: (Float32Array[] | null)[] = new Array(V).fill(null);
  const labels: (number[] | null)[] = new Array(V).fill(null);
  active.forEach((cam, a) => {
    const found: Array<[Float32Array, number]> = [];
    const proj: Projected[] = truth.map((p) => projectFigure(cameras[cam], p.joints));
    truth.forEach((p, k) => {
      const kp = Float32Array.from(clean[k][a]);
      if (opts.occlusion) occlude(cameras[cam], proj, k, kp, opts.grabProbability, rng);
      if (detectedCount(kp) >= MIN_DETECTED) found.push([kp, p.id]);
    });
    for (const r of opts.reflections) {
      if (r.view !== cam) continue;
      const src = found.find(([, id]) => id === r.figure);
      if (src) {
        const m = mirror(src[0], r.mirrorU, cameras[cam].width);
        if (detectedCount(m) >= MIN_DETECTED) found.push([m, -1]);
      }
    }
    for (const p of opts.posters) {
      if (p.view !== cam || rng.uniform() >= p.presence) continue;
      const kp = sampleDetections([project(cameras[cam], p.joints)], [cameras[cam]], opts.noise, opts.level, rng)[0];
      if (detectedCount(kp) >= MIN_DETECTED) found.push([kp, -1]);
    }
    for (let i = found.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [found[i], found[j]] = [found[j], found[i]];
    }
    views[cam] = found.map(([kp]) => kp);
    labels[cam] = found.map(([, id]) => id);
  });
  return { time: t, views, labels, truth, alone };
}

/** In place: hides the joints of figure k that nearer figures cover in this camera. */
function occlude(cam: Camera, proj: Projected[], k: number, kp: Float32Array, grab: number, rng: Rng): void {
  const hidden = new Uint8Array(NUM_JOINTS), grabbed = new Int32Array(NUM_JOINTS).fill(-1), owner = new Int32Array(NUM_JOINTS).fill(-1);
  proj.forEach((near, q) => {
    if (q !== k) occludedJoints(cam, near, proj[k], hidden, grabbed, owner, q);
  });
  for (let j = 0; j < NUM_JOINTS; j++) {
    if (!hidden[j] || !(kp[3 * j + 2] > 0)) continue;
    const g = grabbed[j];
    if (g >= 0 && rng.uniform() < grab) {
      // The occluder's joint where the hidden one should be, scored low.
      const o = proj[owner[j]];
      kp[3 * j] = o.uv[2 * g];
      kp[3 * j + 1] = o.uv[2 * g + 1];
      kp[3 * j + 2] = 0.2 + 0.25 * rng.uniform();
      continue;
    }
    kp[3 * j] = kp[3 * j + 1] = kp[3 * j + 2] = 0;
  }
}

/** A detection mirrored about the image column u = m; joints leaving the image are missed. */
function mirror(kp: Float32Array, m: number, width: number): Float32Array {
  const out = new Float32Array(NUM_JOINTS * 3);
  for (let j = 0; j < NUM_JOINTS; j++) {
    const u = 2 * m - kp[3 * j];
    if (!(kp[3 * j + 2] > 0) || u < 0 || u > width - 1) continue;
    out[3 * j] = u;
    out[3 * j + 1] = kp[3 * j + 1];
    out[3 * j + 2] = kp[3 * j + 2];
  }
  return out;
}
