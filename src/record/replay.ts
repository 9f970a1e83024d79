/**
 * Replays a take as a source: its rig on bus.cameras, its frames on bus.detections at the take's rate, so the
 * current fusion settings process it again. A timeline position can be set at any time.
 */
import { bus, Channel, type DetectedFrameSet } from '../app/bus';
import type { Take } from '../take';

export class TakeReplay {
  /** Index of the frame last published. */
  readonly position = new Channel<number>();
  readonly playing = new Channel<boolean>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private index = 0;

  constructor(readonly take: Take) {
    this.position.emit(0);
    this.playing.emit(false);
  }

  play(): void {
    if (this.timer) return;
    if (this.index >= this.take.frames.length - 1) this.index = 0;
    bus.cameras.emit(this.take.cameras);
    this.timer = setInterval(() => {
      this.publish(this.index);
      if (++this.index >= this.take.frames.length) this.pause();
    }, 1000 / this.take.fps);
    this.playing.emit(true);
  }

  pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.playing.emit(false);
  }

  seek(i: number): void {
    this.index = Math.max(0, Math.min(this.take.frames.length - 1, i));
    if (bus.cameras.latest() !== this.take.cameras) bus.cameras.emit(this.take.cameras);
    this.publish(this.index);
  }

  private publish(i: number): void {
    const f = this.take.frames[i];
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
