/**
 * The order in which frame sets reach fusion. Live sources: at most one frame set in fusion and only the newest
 * arrival waiting (older ones are dropped), so a slow method never builds a backlog and the view shows the latest
 * result. Finite sources (videos, takes): every frame set, in order, even when the source does not wait.
 */
export type FuseJob<T> = (item: T) => Promise<void>;

export class FusionQueue<T> {
  private busy = false;
  private pending: T | null = null;
  private chain: Promise<void> = Promise.resolve();
  private generation = 0;

  constructor(private readonly job: FuseJob<T>) {}

  /** Live: fuse now, or wait as the newest (replacing an older waiting one). */
  latest(item: T): void {
    if (this.busy) {
      this.pending = item;
      return;
    }
    void this.runLatest(item, this.generation);
  }

  /** Finite: fuse after every earlier one; the promise settles when this one is fused. */
  every(item: T): Promise<void> {
    const done = this.chain.then(() => this.job(item));
    this.chain = done.catch(() => undefined);
    return done;
  }

  /** Settles when every frame set given to every() so far is fused. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Drops whatever waits (a new run, a new rig); a frame set in fusion finishes but starts nothing after it. */
  clear(): void {
    this.generation++;
    this.busy = false;
    this.pending = null;
    this.chain = Promise.resolve();
  }

  /** Drops the waiting live frame set only (it was assembled for a rig that is gone). */
  dropWaiting(): void {
    this.pending = null;
  }

  private async runLatest(item: T, gen: number): Promise<void> {
    this.busy = true;
    try {
      await this.job(item);
    } finally {
      if (gen === this.generation) {
        this.busy = false;
        const next = this.pending;
        this.pending = null;
        if (next !== null) void this.runLatest(next, gen);
      }
    }
  }
}
