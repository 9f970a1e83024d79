/**
 * One Euro filter (Casiez, Roussel, Vogel, CHI 2012) over whole poses: per joint coordinate, a low-pass whose
 * cutoff rises with speed, so slow motion is smoothed and fast motion keeps little lag. Pure, allocation-free per call.
 */
export interface OneEuroParams {
  /** Cutoff at zero speed, Hz. Lower = smoother when still. */
  minCutoff: number;
  /** How much the cutoff grows with speed (per m/s). Higher = less lag on fast motion. */
  beta: number;
  /** Cutoff of the speed estimate, Hz. */
  dCutoff: number;
}

export const DEFAULT_ONE_EURO: OneEuroParams = { minCutoff: 1.0, beta: 0.7, dCutoff: 1.0 };

function alpha(cutoff: number, dt: number): number {
  const tau = 1 / (2 * Math.PI * cutoff);
  return 1 / (1 + tau / dt);
}

export class OneEuroPoseFilter {
  private x: Float64Array;
  private dx: Float64Array;
  private has: Uint8Array;
  private lastT = NaN;

  constructor(
    private readonly n: number,
    public params: OneEuroParams = DEFAULT_ONE_EURO,
  ) {
    this.x = new Float64Array(n);
    this.dx = new Float64Array(n);
    this.has = new Uint8Array(n);
  }

  reset(): void {
    this.has.fill(0);
    this.lastT = NaN;
  }

  /**
   * Filters `values` (n numbers) observed at time t (s) into `out`; `valid[i / 3]` = 0 leaves that joint's
   * value as it is and forgets its history. Returns out.
   */
  filter(t: number, values: Float64Array, valid: Uint8Array, out: Float64Array = new Float64Array(this.n)): Float64Array {
    const dt = Number.isFinite(this.lastT) && t > this.lastT ? t - this.lastT : 0;
    this.lastT = t;
    const { minCutoff, beta, dCutoff } = this.params;
    for (let i = 0; i < this.n; i++) {
      const v = values[i];
      if (!valid[(i / 3) | 0]) {
        this.has[i] = 0;
        out[i] = v;
        continue;
      }
      if (!this.has[i] || dt <= 0) {
        this.x[i] = v;
        this.dx[i] = 0;
        this.has[i] = 1;
        out[i] = v;
        continue;
      }
      const rawDx = (v - this.x[i]) / dt;
      this.dx[i] += alpha(dCutoff, dt) * (rawDx - this.dx[i]);
      const cutoff = minCutoff + beta * Math.abs(this.dx[i]);
      this.x[i] += alpha(cutoff, dt) * (v - this.x[i]);
      out[i] = this.x[i];
    }
    return out;
  }
}
