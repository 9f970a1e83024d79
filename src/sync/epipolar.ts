/**
 * A fast agreement score for the timing search: for every joint seen by the view being placed and by a view already
 * placed, the Sampson distance of the pair to the cameras' epipolar geometry — the first-order reprojection error of
 * the joint triangulated from those two views — in units of the person's size, capped, averaged in squares. It
 * needs no triangulation, so a hypothesis is scored on every frame of the overlap rather than a sample: the
 * detector's noise averages out and the minimum over offsets and rates is sharp. The reported agreement of the
 * chosen timing is still the DLT's (reprojection.ts).
 */
import { essentialFrom } from '../calibration/essential';
import { pixelToNormalized, type Camera } from '../geometry/camera';
import { NUM_JOINTS } from '../keypoints/coco17';
import { keypointsAt, smoothTrack, type Timing } from './reprojection';
import type { KeypointTrack } from './signal';
import { median } from '../util/stats';

/** E = [t]× R of camera b relative to camera a (x_b ∝ R x_a + t). */
function pairEssential(a: Camera, b: Camera): Float64Array {
  const R = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) R[i * 3 + j] = b.R[i * 3] * a.R[j * 3] + b.R[i * 3 + 1] * a.R[j * 3 + 1] + b.R[i * 3 + 2] * a.R[j * 3 + 2];
  const t = [0, 1, 2].map((i) => b.t[i] - (R[i * 3] * a.t[0] + R[i * 3 + 1] * a.t[1] + R[i * 3 + 2] * a.t[2]));
  return essentialFrom(R, t);
}

export interface EpipolarScorer {
  /** RMS capped Sampson error (fraction of the person's size) between view `v` at `timing` and the placed views. */
  score(v: number, timing: Timing, placed: ReadonlyArray<Timing | null>, times: ArrayLike<number>): number;
}

export function epipolarScorer(cameras: readonly Camera[], raw: readonly KeypointTrack[], minScore: number, smoothS = 0.05, cap = 0.1): EpipolarScorer {
  const nc = cameras.length;
  const E = cameras.map((a) => cameras.map((b) => (a === b ? null : pairEssential(a, b))));
  const tracks = raw.map((t) => smoothTrack(t, smoothS, minScore));
  // Normalised coordinates, with the score kept and the person's size (px) in the frame's unused last slot.
  const norm = tracks.map((t, v) => ({
    fps: t.fps,
    frames: t.frames.map((kp) => {
      if (!kp) return null;
      const out = new Float32Array(NUM_JOINTS * 3), xy = new Float64Array(2);
      let n = 0;
      for (let j = 0; j < NUM_JOINTS; j++) {
        if (!(kp[3 * j + 2] >= minScore) || !pixelToNormalized(cameras[v], kp[3 * j], kp[3 * j + 1], xy)) continue;
        out[3 * j] = xy[0]; out[3 * j + 1] = xy[1]; out[3 * j + 2] = kp[3 * j + 2];
        n++;
      }
      return n >= 3 ? out : null;
    }),
  }));
  // Pixels per normalised unit and the person's size, per view: the Sampson distance comes out in normalised units.
  const focal = cameras.map((c) => (c.K[0] + c.K[4]) / 2);
  const size = tracks.map((t) => {
    const d: number[] = [];
    for (const kp of t.frames) {
      if (!kp) continue;
      let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      for (let j = 0; j < NUM_JOINTS; j++) if (kp[3 * j + 2] >= minScore) { x0 = Math.min(x0, kp[3 * j]); x1 = Math.max(x1, kp[3 * j]); y0 = Math.min(y0, kp[3 * j + 1]); y1 = Math.max(y1, kp[3 * j + 1]); }
      if (x1 > x0) d.push(Math.hypot(x1 - x0, y1 - y0));
    }
    return d.length ? median(d) : 1;
  });
  const bufA = new Float32Array(NUM_JOINTS * 3), bufB = new Float32Array(NUM_JOINTS * 3);
  return {
    score(v, timing, placed, times) {
      let sum = 0, count = 0;
      for (let ti = 0; ti < times.length; ti++) {
        const t = times[ti];
        const a = keypointsAt(norm[v], (t - timing.offsetS) * timing.fps, minScore, bufA);
        if (!a) continue;
        for (let w = 0; w < nc; w++) {
          const tw = placed[w];
          if (!tw || w === v) continue;
          const b = keypointsAt(norm[w], (t - tw.offsetS) * tw.fps, minScore, bufB);
          if (!b) continue;
          const M = E[v][w]!;
          // Pixels per normalised unit of this pair, over the person's size: the error as a fraction of the person.
          const k = (focal[v] + focal[w]) / (size[v] + size[w]);
          for (let j = 0; j < NUM_JOINTS; j++) {
            if (!(a[3 * j + 2] >= minScore) || !(b[3 * j + 2] >= minScore)) continue;
            const x = a[3 * j], y = a[3 * j + 1], u = b[3 * j], q = b[3 * j + 1];
            const e0 = M[0] * x + M[1] * y + M[2], e1 = M[3] * x + M[4] * y + M[5], e2 = M[6] * x + M[7] * y + M[8];
            const f0 = M[0] * u + M[3] * q + M[6], f1 = M[1] * u + M[4] * q + M[7];
            const num = u * e0 + q * e1 + e2, den = e0 * e0 + e1 * e1 + f0 * f0 + f1 * f1;
            const e = den > 0 ? Math.min((Math.abs(num) / Math.sqrt(den)) * k, cap) : cap;
            sum += e * e;
            count++;
          }
        }
      }
      return count > 0 ? Math.sqrt(sum / count) : Infinity;
    },
  };
}
