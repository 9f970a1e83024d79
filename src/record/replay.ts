/**
 * Replays a recorded take through the live path with a timeline: its rig on bus.cameras, its frames on
 * bus.detections at the take's own timing (the capture side's TakeReplay clock), so the current fusion settings
 * process it again. The position can be set at any time.
 */
import { bus, Channel, type DetectedFrameSet } from '../app/bus';
import { TakeReplay } from '../cameras/take-replay';
import type { Take } from '../take';

export class TimelineReplay {
  /** Index of the frame last published. */
  readonly position = new Channel<number>();
  readonly playing = new Channel<boolean>();
  private clock: TakeReplay | null = null;
  private index = 0;

  constructor(readonly take: Take) {
    this.position.emit(0);
    this.playing.emit(false);
  }

  play(): void {
    if (this.clock) return;
    if (this.index >= this.take.frames.length - 1) this.index = 0;
    const from = this.index;
    bus.cameras.emit(this.take.cameras);
    this.clock = new TakeReplay(
      { ...this.take, frames: this.take.frames.slice(from) },
      (_, k) => this.publish(from + k),
      () => this.pause(),
    );
    this.playing.emit(true);
    this.clock.start();
  }

  pause(): void {
    this.clock?.stop();
    this.clock = null;
    this.playing.emit(false);
  }

  seek(i: number): void {
    const playing = !!this.clock;
    this.pause();
    this.index = Math.max(0, Math.min(this.take.frames.length - 1, i));
    if (bus.cameras.latest() !== this.take.cameras) bus.cameras.emit(this.take.cameras);
    this.publish(this.index);
    if (playing) this.play();
  }

  private publish(i: number): void {
    const f = this.take.frames[i];
    this.index = i;
    const frame: DetectedFrameSet = {
      time: f.time,
      views: f.views,
      status: f.views.map((v) => (v ? 'ok' : 'no-detection')),
      timings: { capture: 0, detection: 0 },
      gt: f.gt,
    };
    this.position.emit(i);
    bus.detections.emit(frame);
  }
}
