/**
 * The live scheduler: when to grab the next frame set from live cameras. Detection is slower than the cameras,
 * so frames are grabbed only while the scheduler is "hungry"; frames arriving meanwhile are counted, never queued.
 * To keep the detection worker busy without handing it stale frames, it turns hungry shortly before the worker is
 * predicted to finish (its measured time per set minus the recent time to assemble a set) and sends a set as soon
 * as it is complete: the set waits in the worker's queue, so neither messaging nor the main thread's other work
 * leaves the worker idle, and it is about one assembly time old when its turn comes. At most two sets are in the
 * worker; one more waits here (a newer one replaces it).
 *
 * Pure timing logic on an injected clock (ms): the webcam source supplies the worker call, tests a fake clock.
 */

export interface SchedulerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the worker reports for one set, on the scheduler's clock. */
export interface WorkerTiming {
  /** The worker's time for the whole set. */
  workerMs: number;
  /** When the worker finished it. */
  workerEnd: number;
}

export interface SchedulerOptions<S> {
  clock: SchedulerClock;
  /** The cameras' frame rate (frames per second), for the lead time. */
  frameRate: () => number;
  /** Hands a set to the worker; resolves with its timing once the result is back (null: failed, no timing). */
  dispatch: (set: S) => Promise<WorkerTiming | null>;
  /** Frees a set that will never be dispatched (closes its bitmaps). */
  release: (set: S) => void;
}

const HISTORY = 8;

export class LiveScheduler<S> {
  /** Grab frames for a set now. */
  hungry = false;
  private inFlight = 0;
  private waiting: S | null = null;
  private timer: unknown = null;
  private hungrySince = 0;
  /** When the worker is predicted to have finished everything sent. */
  private workerIdleAt = 0;
  /** Recent worker times per set and set assembly times, newest last. */
  private workerMs: number[] = [];
  private assembleMs: number[] = [];
  private generation = 0;

  constructor(private readonly opts: SchedulerOptions<S>) {}

  get setsInFlight(): number {
    return this.inFlight;
  }

  start(): void {
    this.stop();
    this.becomeHungry();
  }

  /** A complete set, assembled while hungry: to the worker unless two are there already (then it waits). */
  offer(set: S): void {
    const now = this.opts.clock.now();
    this.hungry = false;
    push(this.assembleMs, now - this.hungrySince);
    if (this.inFlight >= 2) {
      if (this.waiting !== null) this.opts.release(this.waiting);
      this.waiting = set;
    } else this.send(set);
  }

  /** Stops scheduling: the waiting set is released, results still in flight are ignored. */
  stop(): void {
    this.generation++;
    this.hungry = false;
    this.clearTimer();
    if (this.waiting !== null) this.opts.release(this.waiting);
    this.waiting = null;
    this.inFlight = 0;
    this.workerIdleAt = 0;
    this.workerMs = [];
    this.assembleMs = [];
  }

  private send(set: S): void {
    const gen = this.generation;
    const clock = this.opts.clock;
    this.inFlight++;
    this.workerIdleAt = Math.max(clock.now(), this.workerIdleAt) + this.predictedWorkerMs();
    this.scheduleHunger();
    this.opts.dispatch(set).then(
      (t) => this.done(gen, t),
      () => this.done(gen, null),
    );
  }

  private done(gen: number, t: WorkerTiming | null): void {
    if (gen !== this.generation) return;
    this.inFlight--;
    if (t) push(this.workerMs, t.workerMs);
    // Re-anchor on the worker's own clock: the queued set started when this one ended, which on a busy main
    // thread can be long before this callback runs.
    const now = this.opts.clock.now();
    this.workerIdleAt = this.inFlight ? (t ? t.workerEnd : now) + this.predictedWorkerMs() : now;
    const next = this.waiting;
    this.waiting = null;
    if (next !== null) this.send(next);
    else if (this.inFlight === 0) this.becomeHungry(); // the prediction was late: start now
    else this.scheduleHunger();
  }

  /**
   * The worker's time for the next set, on the short side (the fastest recent one): inference time varies with
   * the load, and a set ready too early costs a little latency, one ready late costs throughput.
   */
  private predictedWorkerMs(): number {
    return this.workerMs.length ? Math.min(...this.workerMs) : 0;
  }

  /**
   * Hungry again when the next set can be assembled by the time the worker runs out of work: the slowest recent
   * assembly, a quarter frame period and a tenth of the worker's time early (on a busy machine timers and grabs
   * run late in proportion). With a set already queued in the worker, never.
   */
  private scheduleHunger(): void {
    if (this.hungry || this.inFlight >= 2) return;
    this.clearTimer();
    const period = 1000 / Math.max(1, this.opts.frameRate());
    const lead = (this.assembleMs.length ? Math.max(...this.assembleMs) : period) + period / 4 + 0.1 * this.predictedWorkerMs();
    const delay = this.workerIdleAt - lead - this.opts.clock.now();
    if (delay <= 0 || !this.workerMs.length) this.becomeHungry();
    else this.timer = this.opts.clock.setTimeout(() => this.becomeHungry(), delay);
  }

  private becomeHungry(): void {
    if (this.hungry) return;
    this.clearTimer();
    this.hungry = true;
    this.hungrySince = this.opts.clock.now();
  }

  private clearTimer(): void {
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}

function push(xs: number[], x: number): void {
  xs.push(x);
  if (xs.length > HISTORY) xs.shift();
}
