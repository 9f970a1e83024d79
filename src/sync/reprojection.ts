/**
 * How well views agree in 3D under a timing hypothesis: each view's detections are interpolated to common times,
 * every joint is triangulated (the project's weighted DLT) from the views, and the reprojection errors are
 * averaged in units of the person's size in each view. A wrong offset makes moving joints disagree across views,
 * so this error has a sharp minimum at the true timing even where the motion repeats and speeds alone cannot tell
 * one step from the next.
 */
import { pixelToNormalized, type Camera } from '../geometry/camera';
import { NUM_JOINTS } from '../keypoints/coco17';
import {
  defaultTriangulationOptions, dltPoint, prepareRig, reprojectionError, viewScales, type Observation, type PreparedRig,
} from '../triangulation/triangulate';
import type { KeypointTrack } from './signal';

/** Where a view's frames lie on the common clock: frame i at offsetS + i / fps. */
export interface Timing {
  offsetS: number;
  fps: number;
}

/** The view's keypoints at fractional frame k, linearly interpolated (joints missing at either side are 0). */
export function keypointsAt(track: KeypointTrack, k: number, minScore: number, out = new Float32Array(NUM_JOINTS * 3)): Float32Array | null {
  const n = track.frames.length;
  if (!(k >= 0) || k > n - 1) return null;
  const k0 = Math.floor(k), k1 = Math.min(k0 + 1, n - 1), f = k - k0;
  const a = track.frames[k0], b = track.frames[k1];
  if (!a || !b) return null;
  let any = 0;
  for (let j = 0; j < NUM_JOINTS; j++) {
    const sa = a[3 * j + 2], sb = b[3 * j + 2];
    if (!(sa >= minScore) || !(sb >= minScore)) {
      out[3 * j] = out[3 * j + 1] = out[3 * j + 2] = 0;
      continue;
    }
    out[3 * j] = a[3 * j] + f * (b[3 * j] - a[3 * j]);
    out[3 * j + 1] = a[3 * j + 1] + f * (b[3 * j + 1] - a[3 * j + 1]);
    out[3 * j + 2] = Math.min(sa, sb);
    any++;
  }
  return any >= 3 ? out : null;
}

/**
 * The track averaged over ±halfWindowS (joints scored ≥ minScore only): the detector's frame-to-frame jitter would
 * otherwise change with every sub-frame shift and hide the small error differences between nearby offsets. Every
 * view is averaged over the same time span, so the average shifts no view in time.
 */
export function smoothTrack(track: KeypointTrack, halfWindowS: number, minScore: number): KeypointTrack {
  const h = Math.round(halfWindowS * track.fps);
  if (h < 1) return track;
  const n = track.frames.length;
  const frames = track.frames.map((kp, i) => {
    if (!kp) return null;
    const out = new Float32Array(NUM_JOINTS * 3);
    for (let j = 0; j < NUM_JOINTS; j++) {
      if (!(kp[3 * j + 2] >= minScore)) continue;
      let sx = 0, sy = 0, k = 0, lo = 0, hi = 0;
      for (let q = Math.max(0, i - h); q <= Math.min(n - 1, i + h); q++) {
        const f = track.frames[q];
        if (!f || !(f[3 * j + 2] >= minScore)) continue;
        sx += f[3 * j]; sy += f[3 * j + 1]; k++;
        if (q < i) lo++; else if (q > i) hi++;
      }
      // Only a symmetric window keeps the joint in time; near a gap or an end, the frame stays as detected.
      if (lo !== hi) { sx = kp[3 * j]; sy = kp[3 * j + 1]; k = 1; }
      out[3 * j] = sx / k; out[3 * j + 1] = sy / k; out[3 * j + 2] = kp[3 * j + 2];
    }
    return out;
  });
  return { fps: track.fps, frames };
}

export interface AgreementScorer {
  /**
   * RMS reprojection error (fraction of the person's size, each observation capped at `cap`) over the given
   * common-clock times, for the views in `timings` (null = view left out). NaN when no joint was triangulated.
   */
  score(timings: ReadonlyArray<Timing | null>, times: ArrayLike<number>): { error: number; observations: number };
}

export function agreementScorer(
  cameras: readonly Camera[], raw: readonly KeypointTrack[], minScore: number, smoothS = 0.05, cap = 0.1,
): AgreementScorer {
  const tracks = raw.map((t) => smoothTrack(t, smoothS, minScore));
  const rig: PreparedRig = prepareRig(cameras, { ...defaultTriangulationOptions, minScore });
  const bufs = cameras.map(() => new Float32Array(NUM_JOINTS * 3));
  const views: (Float32Array | null)[] = cameras.map(() => null);
  const obs: Observation[] = [];
  const X = new Float64Array(3);
  // Undistorting is the costly part of gathering observations: done once per detection, then interpolated (the
  // distortion is smooth, so normalised coordinates interpolate like pixels).
  const normalised = tracks.map((t, v) => ({
    fps: t.fps,
    frames: t.frames.map((kp) => {
      if (!kp) return null;
      const out = new Float32Array(NUM_JOINTS * 3), xy = new Float64Array(2);
      for (let j = 0; j < NUM_JOINTS; j++) {
        if (!(kp[3 * j + 2] >= minScore) || !pixelToNormalized(cameras[v], kp[3 * j], kp[3 * j + 1], xy)) continue;
        out[3 * j] = xy[0]; out[3 * j + 1] = xy[1]; out[3 * j + 2] = kp[3 * j + 2];
      }
      return out;
    }),
  }));
  const nbufs = cameras.map(() => new Float32Array(NUM_JOINTS * 3));
  const pool: Observation[] = Array.from({ length: cameras.length }, () => ({ view: 0, u: 0, v: 0, x: 0, y: 0, weight: 0, scale: 0, threshold: 0 }));
  const nviews: (Float32Array | null)[] = cameras.map(() => null);
  return {
    score(timings, times) {
      let sum = 0, count = 0;
      for (let ti = 0; ti < times.length; ti++) {
        const t = times[ti];
        let present = 0;
        for (let v = 0; v < cameras.length; v++) {
          const tm = timings[v];
          const k = tm ? (t - tm.offsetS) * tm.fps : NaN;
          views[v] = tm ? keypointsAt(tracks[v], k, minScore, bufs[v]) : null;
          nviews[v] = views[v] ? keypointsAt(normalised[v], k, minScore, nbufs[v]) : null;
          if (views[v] && nviews[v]) present++;
        }
        if (present < 2) continue;
        const scales = viewScales(rig, views);
        for (let j = 0; j < NUM_JOINTS; j++) {
          obs.length = 0;
          for (let v = 0; v < cameras.length; v++) {
            const kp = views[v], nk = nviews[v];
            if (!kp || !nk || !(kp[3 * j + 2] >= minScore) || !(nk[3 * j + 2] >= minScore)) continue;
            const o = pool[obs.length];
            o.view = v; o.u = kp[3 * j]; o.v = kp[3 * j + 1]; o.x = nk[3 * j]; o.y = nk[3 * j + 1];
            o.weight = Math.min(kp[3 * j + 2], 1); o.scale = scales[v];
            obs.push(o);
          }
          if (obs.length < 2 || !dltPoint(rig, obs, X)) continue;
          for (const o of obs) {
            const e = Math.min(reprojectionError(rig, o, X) / o.scale, cap);
            sum += Number.isFinite(e) ? e * e : cap * cap;
            count++;
          }
        }
      }
      return { error: count > 0 ? Math.sqrt(sum / count) : NaN, observations: count };
    },
  };
}
