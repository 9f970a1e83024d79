/**
 * Offline zero-phase low-pass filtering of a processed recording, as Pose2Sim users expect: a second-order
 * Butterworth section run forwards then backwards (fourth order in effect, no lag), per joint coordinate, over
 * each run of frames where the joint has an estimate. Gaps are never bridged (fill them first with gap-fill.ts
 * where that is wanted); runs too short to filter are kept as they are. The live path uses One Euro instead
 * (one-euro.ts): a causal filter cannot be zero-phase.
 */
import type { PoseLike } from './types';

export interface ButterworthOptions {
  /** −3 dB cut-off of one pass, Hz (the forward–backward pair is −6 dB there). 6 Hz keeps human motion. */
  cutoffHz: number;
}

export const defaultButterworthOptions: ButterworthOptions = { cutoffHz: 6 };

/** Shortest run filtered: the edge padding needs a few samples each side to settle. */
const MIN_RUN = 9;

/** Second-order low-pass Butterworth coefficients (bilinear transform with pre-warping), normalised a0 = 1. */
export function butterworthCoefficients(cutoffHz: number, fps: number): { b: [number, number, number]; a: [number, number] } {
  if (!(fps > 0) || !(cutoffHz > 0) || cutoffHz >= fps / 2) {
    throw new Error(`butterworth: cut-off ${cutoffHz} Hz must be above 0 and below half the frame rate (${fps} fps)`);
  }
  const k = Math.tan((Math.PI * cutoffHz) / fps);
  const q = Math.SQRT2;
  const norm = 1 / (1 + q * k + k * k);
  const b0 = k * k * norm;
  return { b: [b0, 2 * b0, b0], a: [2 * (k * k - 1) * norm, (1 - q * k + k * k) * norm] };
}

/** One pass of the section over x, starting from the steady state of x[0] (no start-up transient). */
function pass(x: Float64Array, c: ReturnType<typeof butterworthCoefficients>): Float64Array {
  const y = new Float64Array(x.length);
  let x1 = x[0], x2 = x[0], y1 = x[0], y2 = x[0];
  for (let i = 0; i < x.length; i++) {
    const v = c.b[0] * x[i] + c.b[1] * x1 + c.b[2] * x2 - c.a[0] * y1 - c.a[1] * y2;
    x2 = x1; x1 = x[i];
    y2 = y1; y1 = v;
    y[i] = v;
  }
  return y;
}

/** Zero-phase filtering of one run: odd reflection at both ends (keeps level and slope), forwards, backwards. */
export function filtfilt(x: Float64Array, c: ReturnType<typeof butterworthCoefficients>): Float64Array {
  const n = x.length;
  const pad = Math.min(n - 1, 3 * 3);
  const ext = new Float64Array(n + 2 * pad);
  for (let i = 0; i < pad; i++) {
    ext[i] = 2 * x[0] - x[pad - i];
    ext[n + pad + i] = 2 * x[n - 1] - x[n - 2 - i];
  }
  ext.set(x, pad);
  const fwd = pass(ext, c);
  fwd.reverse();
  const back = pass(fwd, c);
  back.reverse();
  return back.subarray(pad, pad + n);
}

/**
 * The poses low-passed at `cutoffHz`, sampled at `fps` (a processed recording's frames are evenly spaced).
 * Validity is kept exactly: a joint without an estimate stays without one, and no value is made where there was none.
 */
export function butterworthPoses(poses: ReadonlyArray<PoseLike | null>, fps: number, opts: ButterworthOptions = defaultButterworthOptions): (PoseLike | null)[] {
  const c = butterworthCoefficients(opts.cutoffHz, fps);
  const out = poses.map((p) => (p ? { joints: Float64Array.from(p.joints), valid: p.valid } : null));
  const J = poses.find((p) => p)?.valid.length ?? 0;
  const has = (i: number, j: number) => !!poses[i] && poses[i]!.valid[j] === 1;
  for (let j = 0; j < J; j++) {
    let i = 0;
    while (i < poses.length) {
      if (!has(i, j)) { i++; continue; }
      let end = i;
      while (end < poses.length && has(end, j)) end++;
      if (end - i >= MIN_RUN) {
        for (let a = 0; a < 3; a++) {
          const x = new Float64Array(end - i);
          for (let k = i; k < end; k++) x[k - i] = poses[k]!.joints[3 * j + a];
          const y = filtfilt(x, c);
          for (let k = i; k < end; k++) out[k]!.joints[3 * j + a] = y[k - i];
        }
      }
      i = end;
    }
  }
  return out;
}
