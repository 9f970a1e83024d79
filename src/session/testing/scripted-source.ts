/**
 * A source for the session's Node tests: the FrameSource contract with the frames supplied by the test (simulated
 * detections of a known figure), so every transition can be stepped by hand. Webcam and video sources need a
 * browser; they are exercised by the e2e journeys.
 */
import type { Camera } from '../../geometry/camera';
import type { DetectedFrameSet } from '../../fusion/flow';
import type { FrameSource, SourceKind, SourceSink, SourceView } from '../../cameras/source';
import { DEFAULT_NOISE } from '../../sim/noise';
import { makeRng } from '../../sim/rng';
import { simulateFrame } from '../../sim/simulate';

export class ScriptedSource implements FrameSource {
  sink: SourceSink | null = null;
  stopped = 0;
  disposed = false;
  private rng = makeRng(3);

  constructor(
    readonly kind: SourceKind,
    /** The views' names and sizes, as the source reports them once open. */
    readonly views: SourceView[],
    /** The cameras that actually film each view (the truth the detections are made with). */
    readonly filming: readonly Camera[],
    readonly finite = false,
    readonly ownRig: readonly Camera[] | null = null,
  ) {}

  async start(sink: SourceSink): Promise<void> {
    this.sink = sink;
    sink.views(this.views, this.ownRig);
  }

  stop(): void {
    this.stopped++;
  }

  dispose(): void {
    this.disposed = true;
  }

  /** The frame set at time t: the figure filmed by `filming`, with the detector's noise; no truth (a real camera). */
  frame(t: number, level = 0.3): DetectedFrameSet {
    const f = simulateFrame(t, this.filming, { noise: DEFAULT_NOISE, level, dropped: new Set() }, this.rng);
    return { time: t, views: f.views, status: f.status, timings: { detection: 5 }, gt: null };
  }

  /** Emits the frame at t and waits for the session to take it (fused, for a finite source). */
  async emit(t: number): Promise<void> {
    await this.sink!.frameSet(this.frame(t));
    await new Promise((r) => setTimeout(r, 0));
  }
}
