/**
 * Motion signals for synchronisation: per joint, the 2D speed of a view's detections in units of the person's
 * size in that view per second, robustly standardised per view and joint. Speeds (not positions) are compared
 * because a joint's speed rises and falls at the same instants in every view while its image position depends on
 * the camera. Dividing by the person's size removes the camera's distance; per-joint standardisation removes each
 * view's foreshortening of that joint's motion.
 */
import { NUM_JOINTS } from '../keypoints/coco17';
import { median } from '../util/stats';

/** One view's detections over time: COCO-17 [x, y, score] × 17 in raw pixels per frame, null = no detection. */
export interface KeypointTrack {
  /** The file's (nominal) frame rate, Hz. Frame i is at i / fps seconds of the video's own clock. */
  fps: number;
  frames: ReadonlyArray<ArrayLike<number> | null>;
}

export interface MotionSignal {
  /** Sample i stands for the view's (fractional) frame first + i · step. */
  first: number;
  step: number;
  length: number;
  /** Channel-major: values[c * length + i]; NaN where the joint was not detected around frame i. */
  values: Float64Array;
}

export interface SignalOptions {
  /** Detections scored below this do not count. */
  minScore: number;
  /** Half-width of the central difference, seconds: speeds over ~0.1 s average out the detector's jitter. */
  halfWindowS: number;
}

export const defaultSignalOptions: SignalOptions = { minScore: 0.3, halfWindowS: 0.1 };

/** Box diagonal of the frame's scored joints (px), NaN with fewer than 3. */
function boxDiagonal(kp: ArrayLike<number>, minScore: number): number {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity, n = 0;
  for (let j = 0; j < NUM_JOINTS; j++) {
    if (!(kp[3 * j + 2] >= minScore)) continue;
    const x = kp[3 * j], y = kp[3 * j + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    n++;
  }
  return n >= 3 ? Math.hypot(x1 - x0, y1 - y0) : NaN;
}

/** Channels per joint: its speed. */
export const CHANNELS = NUM_JOINTS;

/**
 * Per joint, the speed (person sizes per second, central differences over ±halfWindowS), robustly standardised
 * (median, MAD) and clipped to ±4.
 */
export function motionSignal(track: KeypointTrack, opts: SignalOptions = defaultSignalOptions): MotionSignal {
  const n = track.frames.length;
  const h = Math.max(1, Math.round(opts.halfWindowS * track.fps));
  const values = new Float64Array(CHANNELS * n).fill(NaN);
  const diag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const kp = track.frames[i];
    diag[i] = kp ? boxDiagonal(kp, opts.minScore) : NaN;
  }
  for (let i = h; i < n - h; i++) {
    const a = track.frames[i - h], b = track.frames[i + h];
    const scale = diag[i] || (diag[i - h] + diag[i + h]) / 2;
    if (!a || !b || !(scale > 0)) continue;
    const k = track.fps / (2 * h) / scale;
    for (let j = 0; j < NUM_JOINTS; j++) {
      if (!(a[3 * j + 2] >= opts.minScore) || !(b[3 * j + 2] >= opts.minScore)) continue;
      const dx = b[3 * j] - a[3 * j], dy = b[3 * j + 1] - a[3 * j + 1];
      if (!Number.isFinite(dx) || !Number.isFinite(dy)) continue;
      values[j * n + i] = Math.hypot(dx, dy) * k;
    }
  }
  for (let j = 0; j < CHANNELS; j++) {
    const row = values.subarray(j * n, (j + 1) * n);
    const ok: number[] = [];
    for (const v of row) if (Number.isFinite(v)) ok.push(v);
    if (ok.length < 10) {
      row.fill(NaN);
      continue;
    }
    const med = median(ok);
    const mad = median(ok.map((v) => Math.abs(v - med))) * 1.4826;
    const s = mad > 1e-9 ? mad : 1;
    for (let i = 0; i < n; i++) if (Number.isFinite(row[i])) row[i] = Math.max(-4, Math.min(4, (row[i] - med) / s));
  }
  return { first: 0, step: 1, length: n, values };
}

/** Pearson correlation accumulator over pairs (a, b). */
export class Pearson {
  n = 0; sa = 0; sb = 0; saa = 0; sbb = 0; sab = 0;
  add(a: number, b: number): void {
    this.n++; this.sa += a; this.sb += b; this.saa += a * a; this.sbb += b * b; this.sab += a * b;
  }
  value(): number {
    if (this.n < 3) return NaN;
    const va = this.saa - (this.sa * this.sa) / this.n, vb = this.sbb - (this.sb * this.sb) / this.n;
    if (!(va > 0) || !(vb > 0)) return NaN;
    return (this.sab - (this.sa * this.sb) / this.n) / Math.sqrt(va * vb);
  }
}

/** Block means of `factor` samples (NaN unless at least half are finite): a coarse signal for a fast first sweep. */
export function decimate(sig: MotionSignal, factor: number): MotionSignal {
  if (factor <= 1) return sig;
  const n = sig.length, m = Math.floor(n / factor);
  const values = new Float64Array(CHANNELS * m);
  for (let c = 0; c < CHANNELS; c++)
    for (let i = 0; i < m; i++) {
      let sum = 0, k = 0;
      for (let q = i * factor; q < (i + 1) * factor; q++) {
        const x = sig.values[c * n + q];
        if (!Number.isNaN(x)) { sum += x; k++; }
      }
      values[c * m + i] = 2 * k >= factor ? sum / k : NaN;
    }
  return { first: sig.first + (sig.step * (factor - 1)) / 2, step: sig.step * factor, length: m, values };
}

/**
 * Correlation of signal `b` against the reference `a` (recorded at rateA) when b's frame f happens at
 * offset + f / rateB on a's clock, b linearly interpolated at a's sample times. NaN with fewer than `minPairs` pairs.
 */
export function correlateAt(a: MotionSignal, rateA: number, b: MotionSignal, offset: number, rateB: number, minPairs: number): { r: number; pairs: number } {
  const p = new Pearson();
  const na = a.length, nb = b.length;
  for (let i = 0; i < na; i++) {
    const k = (((a.first + i * a.step) / rateA - offset) * rateB - b.first) / b.step;
    if (k < 0 || k > nb - 1) continue;
    const k0 = Math.floor(k), f = k - k0, k1 = Math.min(k0 + 1, nb - 1);
    for (let j = 0; j < CHANNELS; j++) {
      const x = a.values[j * na + i];
      if (Number.isNaN(x)) continue;
      const y0 = b.values[j * nb + k0], y1 = b.values[j * nb + k1];
      if (Number.isNaN(y0) || Number.isNaN(y1)) continue;
      p.add(x, y0 + f * (y1 - y0));
    }
  }
  return { r: p.n >= minPairs ? p.value() : NaN, pairs: p.n };
}
