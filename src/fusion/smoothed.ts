/**
 * The fair temporal baselines of issue 13: a frame method (robust triangulation) followed by the best filter the
 * project has. 'robust-smoothed' (causal, live): One Euro per joint coordinate (src/export/one-euro.ts), no look-ahead.
 * 'robust-offline' (videos, takes, exports): a zero-phase local polynomial in time (Savitzky–Golay on the frame
 * sets' real times, so dropped frames and any frame rate are handled), fitted over ±halfWindowS around each frame set.
 * Both forget the past where time jumps (segments.ts), on reset() and when the rig changes. Their parameters were
 * chosen on the validation subjects' continuous takes (`npm run tune:smoothing`), never on the benchmark.
 */
import type { Camera } from '../geometry/camera';
import { OneEuroPoseFilter, type OneEuroParams } from '../export/one-euro';
import { NUM_JOINTS } from '../keypoints/coco17';
import { sameRig } from './same-rig';
import { isTimeJump } from './segments';
import { isStateful, type FrameViews, type FusionMethod, type Pose3D } from './types';

const J = NUM_JOINTS;

export interface LocalPolyParams {
  /** Half the window, seconds. */
  halfWindowS: number;
  /** Polynomial degree (1 or 2); fewer samples than degree + 1 lower it. */
  order: number;
}

/**
 * Chosen by `npm run tune:smoothing -- bench-out/val-continuous --max-subsets 1` (cli/tune-smoothing.ts) on the
 * continuous validation takes (CMU "val" subjects, `python training/make_benchmark.py bench-out/val-continuous
 * --continuous --split val --seed 7`): the lowest mean MPJPE of robust triangulation + filter over every take and
 * view count there (robust alone 120.7 mm; One Euro 116.2 mm, acceleration error 111.5 → 51.4 mm/frame²; local
 * linear fit over ±0.2 s 103.3 mm, 12.7 mm/frame²). See docs/benchmarks.md for the whole grid.
 */
export const TUNED_ONE_EURO: OneEuroParams = { minCutoff: 4, beta: 3, dCutoff: 1 };
export const TUNED_LOCAL_POLY: LocalPolyParams = { halfWindowS: 0.2, order: 1 };

interface Held {
  time: number;
  pose: Pose3D | null;
}

export class SmoothedMethod implements FusionMethod {
  readonly id: string;
  readonly label: string;
  readonly timing: 'causal' | 'offline';
  private readonly euro: OneEuroPoseFilter;
  private lastTime = NaN;
  private held: Held[] = [];
  private cameras: readonly Camera[] | null = null;

  constructor(
    readonly inner: FusionMethod,
    private readonly opts: { offline: boolean; oneEuro?: OneEuroParams; localPoly?: LocalPolyParams; id?: string; label?: string },
    readonly localPoly: LocalPolyParams = opts.localPoly ?? TUNED_LOCAL_POLY,
  ) {
    this.timing = opts.offline ? 'offline' : 'causal';
    this.id = opts.id ?? `${inner.id}-${opts.offline ? 'offline' : 'smoothed'}`;
    this.label = opts.label ?? (opts.offline ? `${inner.label} + zero-phase smoothing` : `${inner.label} + One Euro`);
    this.euro = new OneEuroPoseFilter(3 * J, opts.oneEuro ?? TUNED_ONE_EURO);
  }

  /** Another person's instance: filters of its own; the method inside shared where it keeps no past. */
  fork(): SmoothedMethod {
    const stateful = isStateful(this.inner);
    if (stateful && !this.inner.fork) throw new Error(`${this.id}: ${this.inner.id} keeps a past and cannot be forked`);
    return new SmoothedMethod(stateful ? this.inner.fork!() : this.inner, this.opts, this.localPoly);
  }

  reset(): void {
    this.euro.reset();
    this.lastTime = NaN;
    this.held = [];
    this.cameras = null;
  }

  async estimateFrames(cameras: readonly Camera[], frames: ReadonlyArray<FrameViews>, times?: ArrayLike<number>): Promise<(Pose3D | null)[]> {
    if (!times || times.length !== frames.length)
      throw new Error(`${this.id}: needs one time per frame set (got ${times ? times.length : 'none'} for ${frames.length})`);
    if (this.cameras && !sameRig(this.cameras, cameras)) this.reset();
    this.cameras = cameras;
    const raw = await this.inner.estimateFrames(cameras, frames);
    return this.timing === 'causal' ? this.causal(raw, times) : this.offline(raw, times);
  }

  private causal(raw: (Pose3D | null)[], times: ArrayLike<number>): (Pose3D | null)[] {
    return raw.map((p, i) => {
      const t = times[i];
      if (Number.isFinite(this.lastTime) && isTimeJump(this.lastTime, t)) this.euro.reset();
      this.lastTime = t;
      if (!p) return null;
      const joints = this.euro.filter(t, p.joints, p.valid);
      return { joints, valid: p.valid, info: p.info };
    });
  }

  private offline(raw: (Pose3D | null)[], times: ArrayLike<number>): (Pose3D | null)[] {
    const all: Held[] = [...this.held];
    const seg: number[] = this.held.map(() => 0);
    let s = 0;
    raw.forEach((pose, i) => {
      const prev = all[all.length - 1];
      if (prev && isTimeJump(prev.time, times[i])) s++;
      all.push({ time: times[i], pose });
      seg.push(s);
    });
    const h = this.localPoly.halfWindowS;
    const h0 = this.held.length;
    const out = raw.map((p, i) => {
      const k = h0 + i;
      if (!p) return null;
      let lo = k, hi = k;
      while (lo > 0 && seg[lo - 1] === seg[k] && all[k].time - all[lo - 1].time <= h) lo--;
      while (hi + 1 < all.length && seg[hi + 1] === seg[k] && all[hi + 1].time - all[k].time <= h) hi++;
      const joints = new Float64Array(3 * J);
      for (let j = 0; j < J; j++) {
        if (!p.valid[j]) continue;
        localPolyAt(all, lo, hi, all[k].time, j, h, this.localPoly.order, joints);
      }
      return { joints, valid: p.valid, info: p.info };
    });
    const last = all.length ? all[all.length - 1].time : 0;
    this.held = all.filter((e, k) => seg[k] === s && last - e.time <= h + 1e-9);
    return out;
  }
}

/** Least-squares polynomial in τ = t − t0 through joint j's valid samples of all[lo..hi], evaluated at τ = 0. */
function localPolyAt(all: Held[], lo: number, hi: number, t0: number, j: number, h: number, order: number, out: Float64Array): void {
  const S = new Float64Array(5); // Σ u^k, u = τ / h (for conditioning)
  const Y = new Float64Array(9); // Σ y_a u^k, a = 0..2, k = 0..2
  let n = 0;
  for (let i = lo; i <= hi; i++) {
    const p = all[i].pose;
    if (!p || !p.valid[j]) continue;
    const u = (all[i].time - t0) / h;
    let pw = 1;
    for (let k = 0; k < 5; k++) {
      S[k] += pw;
      if (k < 3) for (let a = 0; a < 3; a++) Y[3 * a + k] += p.joints[3 * j + a] * pw;
      pw *= u;
    }
    n++;
  }
  const deg = Math.min(order, n - 1);
  for (let a = 0; a < 3; a++) {
    const y = Y.subarray(3 * a, 3 * a + 3);
    let v: number;
    if (deg <= 0) v = y[0] / S[0];
    else if (deg === 1) {
      const det = S[0] * S[2] - S[1] * S[1];
      v = Math.abs(det) > 1e-12 ? (S[2] * y[0] - S[1] * y[1]) / det : y[0] / S[0];
    } else {
      // Normal equations [[S0 S1 S2][S1 S2 S3][S2 S3 S4]] c = y; the value at u = 0 is c0 (Cramer's rule).
      const m = [S[0], S[1], S[2], S[1], S[2], S[3], S[2], S[3], S[4]];
      const det3 = (q: number[]) => q[0] * (q[4] * q[8] - q[5] * q[7]) - q[1] * (q[3] * q[8] - q[5] * q[6]) + q[2] * (q[3] * q[7] - q[4] * q[6]);
      const d = det3(m);
      if (Math.abs(d) > 1e-12) v = det3([y[0], m[1], m[2], y[1], m[4], m[5], y[2], m[7], m[8]]) / d;
      else {
        const det = S[0] * S[2] - S[1] * S[1];
        v = Math.abs(det) > 1e-12 ? (S[2] * y[0] - S[1] * y[1]) / det : y[0] / S[0];
      }
    }
    out[3 * j + a] = v;
  }
}
