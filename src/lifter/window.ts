/**
 * Which past (and, offline, future) frame sets the temporal lifter reads for a target frame set: the rule of
 * training/parallax_train/sequences.py select_window, constants pinned by the model's manifest (`window`).
 * From the target, step back (and forward) taking a frame set at least MIN_GAP_S after the last one taken, up to
 * MAX_SIDE a side and no further than SIDE_S from the target: every frame at 15-30 fps, every 2nd at 60 fps.
 */
export const WINDOW_CONSTANTS = {
  min_gap_s: 0.03,
  max_side: 10,
  side_s: 0.5,
  n_time_features: 3,
} as const;

const EPS = 1e-9;

/**
 * Indices into `times` (increasing seconds) of the window around `target`, in time order, and how many of them
 * precede the target. lo/hi bound the candidates (a continuous segment: nothing across a time jump).
 */
export function selectWindow(times: ArrayLike<number>, target: number, offline: boolean, lo = 0, hi = times.length): { idx: number[]; nPast: number } {
  const { min_gap_s: gap, max_side: maxSide, side_s: side } = WINDOW_CONSTANTS;
  const t0 = times[target];
  const past: number[] = [];
  let last = t0;
  for (let i = target - 1; i >= lo; i--) {
    if (t0 - times[i] > side || past.length === maxSide) break;
    if (last - times[i] >= gap - EPS) {
      past.push(i);
      last = times[i];
    }
  }
  const fut: number[] = [];
  if (offline) {
    last = t0;
    for (let i = target + 1; i < hi; i++) {
      if (times[i] - t0 > side || fut.length === maxSide) break;
      if (times[i] - last >= gap - EPS) {
        fut.push(i);
        last = times[i];
      }
    }
  }
  return { idx: [...past.reverse(), target, ...fut], nPast: past.length };
}

/** τ (s from the target) → the model's time features, as model_temporal.py time_features: u, u², |u| with u = τ/scale. */
export function timeFeatures(tau: number, scale: number, out: Float32Array, at: number): void {
  const u = tau / scale;
  out[at] = u;
  out[at + 1] = u * u;
  out[at + 2] = Math.abs(u);
}
