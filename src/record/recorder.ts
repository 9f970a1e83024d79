/** Records whatever flows on bus.fused (any source) into an in-memory take. */
import { bus } from '../app/bus';
import { personPoses, type FusedFrameSet } from '../fusion/flow';
import type { Camera } from '../geometry/camera';
import type { Take, TakeFrame } from '../take';
import { METHOD_LABELS } from '../viewer/styles';
import { buildTake, fusedToTakeFrame } from './take-poses';

export class TakeRecorder {
  private frames: TakeFrame[] = [];
  private cameras: readonly Camera[] | null = null;
  private t0 = NaN;
  private unsub: (() => void) | null = null;
  private ids = new Set<string>();

  get recording(): boolean {
    return !!this.unsub;
  }

  get count(): number {
    return this.frames.length;
  }

  start(): void {
    if (this.unsub) return;
    this.frames = [];
    this.cameras = null;
    this.t0 = NaN;
    this.unsub = bus.fused.subscribe((f) => this.add(f));
  }

  add(f: FusedFrameSet): void {
    const cams = bus.cameras.latest();
    if (!cams || cams.length !== f.frame.views.length) return;
    // A take has one rig: a change of rig (e.g. more simulated cameras) starts the take over.
    if (this.cameras !== cams) {
      this.frames = [];
      this.t0 = NaN;
      this.cameras = cams;
    }
    if (Number.isNaN(this.t0)) this.t0 = f.frame.time;
    if (this.frames.length && f.frame.time - this.t0 <= this.frames[this.frames.length - 1].time) return;
    for (const id of Object.keys(personPoses(f))) this.ids.add(id);
    this.frames.push(fusedToTakeFrame(f, this.t0));
  }

  /** Stops and returns the take (null if nothing was recorded). */
  stop(): Take | null {
    this.unsub?.();
    this.unsub = null;
    if (!this.cameras || this.frames.length < 2) return null;
    const span = this.frames[this.frames.length - 1].time - this.frames[0].time;
    const fps = Math.round(((this.frames.length - 1) / Math.max(span, 1e-6)) * 100) / 100;
    const labels = Object.fromEntries([...this.ids].map((id) => [id, METHOD_LABELS[id] ?? id]));
    return buildTake(this.cameras, this.frames, fps, labels, { recordedAt: new Date().toISOString() });
  }
}
