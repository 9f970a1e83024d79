/**
 * Event rates over a sliding window on an injected clock (ms). Every rate of a run uses the same window and the
 * same start, so poses/s and frame sets/s are comparable: a method that fuses every set shows the set rate.
 */
export const RATE_WINDOW_MS = 4000;

export class RateWindow {
  private times: number[] = [];

  tick(now: number, n = 1): void {
    for (let i = 0; i < n; i++) this.times.push(now);
    this.trim(now);
  }

  /** Events per second over the window, or over the time since `since` (the run's start) when that is shorter. */
  rate(now: number, since: number): number {
    this.trim(now);
    const span = Math.min(RATE_WINDOW_MS, Math.max(now - since, 1000));
    return (1000 * this.times.length) / span;
  }

  private trim(now: number): void {
    let k = 0;
    while (k < this.times.length && this.times[k] <= now - RATE_WINDOW_MS) k++;
    if (k) this.times.splice(0, k);
  }
}
