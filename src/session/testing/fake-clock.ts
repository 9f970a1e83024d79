/** A hand-stepped clock with intervals and timeouts, for the session's, the simulation's and the scheduler's tests. */
export class FakeClock {
  t = 0;
  private timers = new Map<number, { at: number; every: number | null; fn: () => void }>();
  private nextId = 1;

  now = (): number => this.t;

  setInterval = (fn: () => void, ms: number): unknown => this.add(fn, ms, ms);
  clearInterval = (h: unknown): void => void this.timers.delete(h as number);
  setTimeout = (fn: () => void, ms: number): unknown => this.add(fn, ms, null);
  clearTimeout = (h: unknown): void => void this.timers.delete(h as number);

  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running every timer that falls due, in time order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let id = -1, at = Infinity;
      for (const [k, v] of this.timers) if (v.at < at) [id, at] = [k, v.at];
      if (id < 0 || at > end) break;
      const timer = this.timers.get(id)!;
      this.t = at;
      if (timer.every === null) this.timers.delete(id);
      else timer.at += Math.max(timer.every, 1e-3);
      timer.fn();
    }
    this.t = end;
  }

  private add(fn: () => void, ms: number, every: number | null): number {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + Math.max(0, ms), every, fn });
    return id;
  }
}
