/**
 * The session's side of the source boundary: the SourceSink a source of one run talks to. Apart from session.ts
 * because this is where a source's calls are screened — a late call from a replaced or stopped source (a detection
 * still in flight) is dropped here, once for every kind of call — and where progress counts become an ETA; the
 * session only says what "live" means and what a frame set does.
 */
import type { Camera } from '../geometry/camera';
import type { DetectedFrameSet } from '../fusion/flow';
import type { DetectorInfo, SourceSink, SourceView, TileState } from '../cameras/source';
import type { Progress, SourceState } from './state';

/** What a run's sink needs of the session. */
export interface SinkHost {
  /** Whether calls for `run` still count (its run is the current one, a source is in place and not stopped). */
  live(run: number): boolean;
  sourceState(): SourceState;
  patchSource(patch: Partial<SourceState>): void;
  frameSet(f: DetectedFrameSet, run: number): void | Promise<void>;
  /** Resolves once every frame set handed over so far is fused. */
  idle(): Promise<void>;
  now(): number;
}

/**
 * The time left from the rate so far. Its start is the session's (not one sink's), so a resumed run's rate counts
 * from where the run began; reset with the run.
 */
export class ProgressEta {
  private start = NaN;

  reset(): void {
    this.start = NaN;
  }

  at(done: number, total: number, t: number): Progress {
    if (done === 0 || Number.isNaN(this.start)) this.start = t;
    const rate = done > 0 ? done / Math.max(t - this.start, 1) : 0;
    return { done, total, etaS: done >= 2 && rate > 0 ? (total - done) / rate / 1000 : null };
  }
}

/** The sink handed to the source of run `run`: calls from a source that was replaced or stopped are ignored. */
export function runSink(run: number, host: SinkHost, eta: ProgressEta): SourceSink {
  // A paused take may still be scrubbed: only 'stopped' (and a replaced source) ends a run's calls.
  const live = () => host.live(run);
  return {
    views: (views: readonly SourceView[], ownRig?: readonly Camera[] | null) => {
      if (live()) host.patchSource({ views: views.slice(), ownRig: ownRig ?? null });
    },
    frameSet: (f: DetectedFrameSet) => (live() ? host.frameSet(f, run) : undefined),
    tiles: (tiles: readonly TileState[]) => {
      if (live()) host.patchSource({ tiles });
    },
    detector: (info: Partial<DetectorInfo>) => {
      if (live()) host.patchSource({ detector: { ...host.sourceState().detector, ...info } });
    },
    progress: (done: number, total: number) => {
      if (live()) host.patchSource({ progress: eta.at(done, total, host.now()) });
    },
    finished: () => {
      if (!live()) return;
      // Finished once the last frame sets are fused too (a take does not wait for them): the run is then whole.
      void host.idle().then(() => {
        if (!live()) return;
        const s = host.sourceState();
        host.patchSource({ phase: 'finished', progress: s.progress ? { ...s.progress, etaS: 0 } : null });
      });
    },
    failed: (message: string) => {
      if (live()) host.patchSource({ phase: 'error', error: message });
    },
  };
}
