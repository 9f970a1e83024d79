/**
 * A take file (2D already detected) as a source: frames are replayed at the take's own rate, on a clock, so
 * downstream stages see the same cadence as a live rig. Pure timing logic; the caller supplies the sink.
 */
/** What the clock needs of a take: frames with times (a take of either version). */
interface Timed<F extends { time: number }> {
  frames: readonly F[];
}

export class TakeReplay<F extends { time: number } = { time: number }> {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private startWall = 0;
  private next = 0;

  constructor(
    readonly take: Timed<F>,
    private onFrame: (frame: F, index: number) => void,
    private onEnd: () => void,
    private now: () => number = () => performance.now(),
  ) {}

  start() {
    this.stop();
    this.startWall = this.now();
    this.next = 0;
    this.tick();
  }

  private tick = () => {
    const frames = this.take.frames;
    const t0 = frames[0]?.time ?? 0;
    const elapsed = (this.now() - this.startWall) / 1000;
    // Emit every frame whose time has come (a slow tab skips none: frames are replayed, not dropped).
    while (this.next < frames.length && frames[this.next].time - t0 <= elapsed + 1e-9) {
      this.onFrame(frames[this.next], this.next);
      this.next++;
    }
    if (this.next >= frames.length) {
      this.timer = null;
      this.onEnd();
      return;
    }
    const wait = Math.max(0, (frames[this.next].time - t0 - elapsed) * 1000);
    this.timer = setTimeout(this.tick, wait);
  };

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
