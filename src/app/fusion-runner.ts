/**
 * The app's fusion: takes every frame set from bus.detections, fuses it on the current rig (bus.cameras) with
 * the pure pipeline (src/fusion/pipeline.ts) and publishes bus.fused. At most one frame set is in flight; while
 * one is being fused, only the newest arrival waits (older ones are dropped), so a slow method never builds a
 * backlog and the view always gets the latest result.
 */
import type { FusionMethod } from '../fusion/types';
import { FusionPipeline } from '../fusion/pipeline';
import { TriangulationMethod } from '../triangulation';
import { bus, Channel, type DetectedFrameSet } from './bus';

export type LifterState = { state: 'loading' } | { state: 'ready'; label: string } | { state: 'unavailable'; reason: string };

async function loadLifter(): Promise<FusionMethod> {
  const { LifterMethod } = await import('../lifter');
  return LifterMethod.load();
}

export class FusionRunner {
  readonly lifterState = new Channel<LifterState>();
  readonly pipeline = new FusionPipeline([new TriangulationMethod('robust'), new TriangulationMethod('dlt')]);
  private busy = false;
  private pending: DetectedFrameSet | null = null;
  private unsubscribe: (() => void) | null = null;
  private disposed = false;
  private lifterRequested = false;

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = bus.detections.subscribe((f) => this.push(f));
    if (!this.lifterRequested) {
      this.lifterRequested = true;
      this.lifterState.emit({ state: 'loading' });
      loadLifter().then(
        (m) => {
          if (this.disposed) return m.dispose?.();
          this.pipeline.addMethod(m);
          this.lifterState.emit({ state: 'ready', label: m.label });
        },
        (e) => this.lifterState.emit({ state: 'unavailable', reason: e instanceof Error ? e.message : String(e) }),
      );
    }
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  reset(): void {
    this.pipeline.reset();
  }

  private push(frame: DetectedFrameSet): void {
    if (this.busy) {
      this.pending = frame;
      return;
    }
    void this.run(frame);
  }

  private async run(frame: DetectedFrameSet): Promise<void> {
    this.busy = true;
    try {
      this.pipeline.setRig(bus.cameras.latest());
      const fused = await this.pipeline.fuse(frame);
      if (fused) bus.fused.emit(fused);
    } catch (e) {
      console.error('fusion failed', e);
    } finally {
      this.busy = false;
      const next = this.pending;
      this.pending = null;
      if (next && !this.disposed) void this.run(next);
    }
  }
}

/** The app's one pipeline. */
export const pipeline = new FusionRunner();
