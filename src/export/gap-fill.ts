/**
 * Offline gap filling of a processed recording: a joint missing for a short run of frames gets the cubic through
 * the two estimates on either side of the gap (fewer where there are fewer: a parabola, a line), evaluated at the
 * missing frames' times. A gap longer than `maxGapS`, or one that touches the start or the end of the recording, is
 * left empty: a joint is never invented across a long gap, and never extrapolated.
 *
 * Pose2Sim users know this as `interpolate` with `interp_gap_smaller_than`; here the gap is in seconds, so the same
 * setting means the same thing at 30 and 60 fps.
 */
import { NUM_JOINTS } from '../keypoints/coco17';
import type { PoseLike } from './types';

export interface GapFillOptions {
  /** Longest gap filled, seconds (the time between the last estimate before and the first after). */
  maxGapS: number;
  /** Estimates used on each side of a gap (1: linear; 2: cubic through four, the outer ones up to a gap's length away). */
  neighbours: 1 | 2;
}

export const defaultGapFillOptions: GapFillOptions = { maxGapS: 0.25, neighbours: 2 };

export interface GapFillResult {
  poses: (PoseLike | null)[];
  /** Per frame, per joint: 1 where the value was filled in (not estimated). */
  filled: Uint8Array[];
  /** Joint-frames filled, and joint-frames left empty because their gap was too long or open-ended. */
  filledCount: number;
  leftEmpty: number;
}

/** Lagrange polynomial through (ts[i], ys[i]) at t. */
function lagrange(ts: number[], ys: number[], t: number): number {
  let s = 0;
  for (let i = 0; i < ts.length; i++) {
    let w = 1;
    for (let k = 0; k < ts.length; k++) if (k !== i) w *= (t - ts[k]) / (ts[i] - ts[k]);
    s += w * ys[i];
  }
  return s;
}

/**
 * Fills short gaps per joint. `times` are the frames' times in seconds (increasing). The input is not modified;
 * frames that stay without any joint stay null.
 */
export function fillGaps(poses: ReadonlyArray<PoseLike | null>, times: ArrayLike<number>, options: Partial<GapFillOptions> = {}): GapFillResult {
  const o = { ...defaultGapFillOptions, ...options };
  const n = poses.length;
  if (times.length !== n) throw new Error(`fillGaps: ${n} poses but ${times.length} times`);
  const joints = poses.map((p) => (p ? Float64Array.from(p.joints) : new Float64Array(NUM_JOINTS * 3)));
  const valid = poses.map((p) => (p ? Uint8Array.from(p.valid) : new Uint8Array(NUM_JOINTS)));
  const filled = poses.map(() => new Uint8Array(NUM_JOINTS));
  const has = (f: number, j: number) => !!poses[f] && poses[f]!.valid[j] === 1;
  let filledCount = 0, leftEmpty = 0;
  for (let j = 0; j < NUM_JOINTS; j++) {
    let f = 0;
    while (f < n) {
      if (has(f, j)) { f++; continue; }
      const start = f;
      while (f < n && !has(f, j)) f++;
      const end = f; // gap is [start, end)
      const before = start - 1, after = end;
      if (before < 0 || after >= n || times[after] - times[before] > o.maxGapS + 1e-9) {
        leftEmpty += end - start;
        continue;
      }
      // The estimate on each side of the gap and, for a cubic, one more per side about a gap's length further
      // out (adjacent frames would turn the detector's jitter into a wild slope), none across another gap.
      const span = times[after] - times[before];
      const idx = [before, after];
      if (o.neighbours === 2) {
        let k = before;
        while (k - 1 >= 0 && has(k - 1, j) && times[before] - times[k - 1] <= span) k--;
        if (k < before) idx.unshift(k);
        k = after;
        while (k + 1 < n && has(k + 1, j) && times[k + 1] - times[after] <= span) k++;
        if (k > after) idx.push(k);
      }
      const ts = idx.map((k) => times[k]);
      for (let c = 0; c < 3; c++) {
        const ys = idx.map((k) => poses[k]!.joints[3 * j + c]);
        for (let g = start; g < end; g++) joints[g][3 * j + c] = lagrange(ts, ys, times[g]);
      }
      for (let g = start; g < end; g++) { valid[g][j] = 1; filled[g][j] = 1; }
      filledCount += end - start;
    }
  }
  return {
    poses: poses.map((p, f) => (p || filled[f].some((x) => x) ? { joints: joints[f], valid: valid[f] } : null)),
    filled, filledCount, leftEmpty,
  };
}
