/**
 * A take file (2D already detected, with its cameras) as a source: replayed at the take's own rate from any
 * position, on its own rig, with its truth if it has one. The timeline seeks it; every frame set goes through the
 * session's fusion with the current settings. A version 2 take is a multi-person source: every detection of every
 * view and every true person with its id, so fusion associates and tracks the people again.
 */
import type { MultiTake, MultiTakeFrame } from '../take/multi';
import { viewStatus, type DetectedFrameSet } from '../fusion/flow';
import { Channel } from '../fusion/channel';
import { countConfident } from './detect-sets';
import { emptyTile, type FrameSource, type SourceSink, type TileState } from './source';
import { TakeReplay } from './take-replay';

export class TakeSource implements FrameSource {
  readonly kind = 'take' as const;
  readonly finite = true;
  /** Index of the frame last published. */
  readonly position = new Channel<number>();
  readonly playing = new Channel<boolean>();
  private clock: TakeReplay<MultiTakeFrame> | null = null;
  private sink: SourceSink | null = null;
  private index = 0;
  private tiles: TileState[];

  constructor(readonly take: MultiTake, readonly name: string, private readonly scoreThreshold = 0.3) {
    this.tiles = take.cameras.map((c) => ({ ...emptyTile(c.name), status: 'ok', settings: `${c.width}×${c.height} @ ${take.fps} fps (take)` }));
    this.position.emit(0);
    this.playing.emit(false);
  }

  /** Starts (or resumes) playing from the current position; from the start once at the end. */
  async start(sink: SourceSink): Promise<void> {
    this.pauseClock();
    this.sink = sink;
    sink.views(this.take.cameras.map((c) => ({ name: c.name, width: c.width, height: c.height })), this.take.cameras);
    sink.tiles(this.tiles);
    if (this.index >= this.take.frames.length - 1) this.index = 0;
    const from = this.index;
    this.clock = new TakeReplay(
      { ...this.take, frames: this.take.frames.slice(from) },
      (_, k) => this.publish(from + k),
      () => {
        this.pauseClock();
        this.sink?.finished();
      },
    );
    this.playing.emit(true);
    this.clock.start();
  }

  stop(): void {
    this.pauseClock();
  }

  dispose(): void {
    this.pauseClock();
    this.sink = null;
  }

  /** Shows frame i (paused: just that frame set; playing: goes on from there). */
  seek(i: number): void {
    const playing = !!this.clock;
    this.pauseClock();
    this.index = Math.max(0, Math.min(this.take.frames.length - 1, i));
    this.publish(this.index);
    if (playing && this.sink) void this.start(this.sink);
  }

  private pauseClock(): void {
    this.clock?.stop();
    this.clock = null;
    this.playing.emit(false);
  }

  private publish(i: number): void {
    const f = this.take.frames[i];
    this.index = i;
    this.position.emit(i);
    const sink = this.sink;
    if (!sink) return;
    const frame = takeFrameSet(f, this.take.version === 2);
    this.tiles = this.tiles.map((t, c) => {
      const people = f.views[c];
      return {
        ...t, status: frame.status[c], processed: t.processed + 1,
        detected: t.detected + (people?.some((kp) => countConfident(kp, this.scoreThreshold) >= 14) ? 1 : 0),
      };
    });
    sink.tiles(this.tiles);
    void sink.frameSet(frame);
    sink.progress(i + 1, this.take.frames.length);
  }
}

/**
 * A take frame as the frame set a live source would give. Several people (`multi`): `people` and `truths` carry
 * everyone; `views` and `gt` hold the first detection and truth for single-person consumers, as the simulation's do.
 * A version 1 take: one detection per view, its truth; a view without detection is 'no-detection'.
 */
export function takeFrameSet(f: MultiTakeFrame, multi: boolean): DetectedFrameSet {
  const views = f.views.map((people) => people?.[0] ?? null);
  const timings = { capture: 0, detection: 0 };
  if (!multi) return { time: f.time, views, status: views.map((v) => (v ? 'ok' : 'no-detection')), timings, gt: f.gt?.[0] ?? null };
  return {
    time: f.time, views, timings,
    // null: no frame from that camera (lost); []: a frame with nobody in it.
    status: f.views.map(viewStatus),
    gt: f.gt?.[0] ?? null,
    people: f.views,
    truths: f.gt ?? [],
    ...(f.labels ? { labels: f.labels } : {}),
  };
}
