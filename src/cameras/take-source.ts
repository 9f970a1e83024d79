/**
 * A take file (2D already detected, with its cameras) as a source: replayed at the take's own rate from any
 * position, on its own rig, with its truth if it has one. The timeline seeks it; every frame set goes through the
 * session's fusion with the current settings.
 */
import type { Take } from '../take';
import type { DetectedFrameSet } from '../fusion/flow';
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
  private clock: TakeReplay | null = null;
  private sink: SourceSink | null = null;
  private index = 0;
  private tiles: TileState[];

  constructor(readonly take: Take, readonly name: string, private readonly scoreThreshold = 0.3) {
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
    this.tiles = this.tiles.map((t, c) => {
      const kp = f.views[c];
      return {
        ...t, status: kp ? 'ok' : 'no-detection', processed: t.processed + 1,
        detected: t.detected + (kp && countConfident(kp, this.scoreThreshold) >= 14 ? 1 : 0),
      };
    });
    sink.tiles(this.tiles);
    const frame: DetectedFrameSet = {
      time: f.time, views: f.views, status: f.views.map((v) => (v ? 'ok' : 'no-detection')), timings: { capture: 0, detection: 0 }, gt: f.gt,
    };
    void sink.frameSet(frame);
    sink.progress(i + 1, this.take.frames.length);
  }
}
