/**
 * The two takes a session makes from what it fuses: the run's (every frame set of a finite source: a processed
 * video or take) and the recording (what came while record was on). Apart from session.ts because both follow one
 * rule the session's state machine need not know: a take has one rig, so a rig change starts the run's take afresh
 * and ends a recording.
 */
import type { Camera } from '../geometry/camera';
import type { FusedFrameSet } from '../fusion/flow';
import type { MultiTake } from '../take/multi';
import { TakeCollector } from './collector';

export class SessionTakes {
  private run: TakeCollector | null = null;
  private recorder: TakeCollector | null = null;

  get recording(): boolean {
    return this.recorder !== null;
  }

  /** Frames in the run's take so far. */
  get runFrames(): number {
    return this.run?.count ?? 0;
  }

  /** Frames recorded so far; null when not recording. */
  get recordedFrames(): number | null {
    return this.recorder?.count ?? null;
  }

  startRecording(rig: readonly Camera[]): void {
    this.recorder = new TakeCollector(rig);
  }

  /** Ends the recording and hands over what it collected (null when there was none). */
  endRecording(): TakeCollector | null {
    const r = this.recorder;
    this.recorder = null;
    return r;
  }

  /** A new run: the run's take starts empty (a recording is ended by the session, with the user told). */
  clearRun(): void {
    this.run = null;
  }

  runTake(meta: Record<string, unknown>): MultiTake | null {
    return this.run?.take(meta) ?? null;
  }

  /**
   * A frame set fused on `rig`: into the run's take when the source is finite, and into the recording. Returns the
   * frame count of a recording the rig change ended, else null.
   */
  add(f: FusedFrameSet, rig: readonly Camera[], finite: boolean): number | null {
    if (finite) {
      if (this.run?.rig !== rig) this.run = new TakeCollector(rig);
      this.run.add(f);
    }
    let ended: number | null = null;
    if (this.recorder && this.recorder.rig !== rig) ended = this.endRecording()!.count;
    this.recorder?.add(f);
    return ended;
  }
}
