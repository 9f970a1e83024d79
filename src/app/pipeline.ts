/**
 * The fusion orchestrator: takes every frame set from bus.detections, runs the fusion methods on the current
 * rig (bus.cameras) and publishes bus.fused. At most one frame set is in flight; while one is being fused, only
 * the newest arrival waits (older ones are dropped), so a slow method never builds a backlog and the view always
 * gets the latest result.
 */
import type { Camera } from '../geometry/camera';
import type { FusionMethod, Pose3D } from '../fusion/types';
import { NUM_JOINTS } from '../keypoints';
import { TriangulationMethod } from '../triangulation';
import { OneEuroPoseFilter, DEFAULT_ONE_EURO, type OneEuroParams } from '../export/one-euro';
import { bus, Channel, type DetectedFrameSet, type FusedFrameSet } from './bus';

export type LifterState = { state: 'loading' } | { state: 'ready'; label: string } | { state: 'unavailable'; reason: string };

export interface PipelineSettings {
  /** One Euro smoothing of each method's output; off by default so the comparison shows raw outputs. */
  smoothing: boolean;
  oneEuro: OneEuroParams;
}

/** Ids of the methods the app runs, in display order. */
export const METHOD_IDS = ['lifter', 'robust', 'dlt'] as const;

/**
 * The lifter (with its robust-triangulation fallback) in its own chunk, so the first frames never wait for it;
 * when its weights cannot be fetched or parsed the app runs on triangulation and says why ("lifter unavailable").
 */
async function loadLifter(): Promise<FusionMethod> {
  const { LifterMethod } = await import('../lifter');
  return LifterMethod.load();
}

type SyncMethod = FusionMethod & { estimate?(cameras: readonly Camera[], views: DetectedFrameSet['views']): Pose3D | null };

export class FusionPipeline {
  readonly lifterState = new Channel<LifterState>();
  settings: PipelineSettings = { smoothing: false, oneEuro: { ...DEFAULT_ONE_EURO } };
  private methods: SyncMethod[] = [new TriangulationMethod('robust'), new TriangulationMethod('dlt')];
  private filters = new Map<string, OneEuroPoseFilter>();
  private busy = false;
  private pending: DetectedFrameSet | null = null;
  private unsubscribe: (() => void) | null = null;
  private disposed = false;
  private lifterRequested = false;

  constructor(private readonly withLifter = true) {}

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = bus.detections.subscribe((f) => this.push(f));
    if (this.withLifter && !this.lifterRequested) {
      this.lifterRequested = true;
      this.lifterState.emit({ state: 'loading' });
      loadLifter().then(
        (m) => {
          if (this.disposed) return m.dispose?.();
          this.methods.unshift(m);
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

  dispose(): void {
    this.stop();
    this.disposed = true;
    for (const m of this.methods) m.dispose?.();
    this.methods = [];
  }

  /** Forget smoothing history (a new take, a jump on the timeline). */
  reset(): void {
    for (const f of this.filters.values()) f.reset();
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
      const cameras = bus.cameras.latest();
      if (cameras && cameras.length === frame.views.length) bus.fused.emit(await this.fuse(cameras, frame));
    } catch (e) {
      console.error('fusion failed', e);
    } finally {
      this.busy = false;
      const next = this.pending;
      this.pending = null;
      if (next && !this.disposed) void this.run(next);
    }
  }

  /** Runs every method on one frame set; public so replay and re-processing use the same path. */
  async fuse(cameras: readonly Camera[], frame: DetectedFrameSet): Promise<FusedFrameSet> {
    const poses: Record<string, Pose3D | null> = {};
    const timings: Record<string, number> = {};
    const t0 = performance.now();
    for (const m of this.methods) {
      const s = performance.now();
      let pose: Pose3D | null;
      try {
        pose = m.estimate ? m.estimate(cameras, frame.views) : (await m.estimateFrames(cameras, [frame.views]))[0];
      } catch (e) {
        console.warn(`${m.id} failed`, e);
        pose = null;
      }
      timings[m.id] = performance.now() - s;
      poses[m.id] = pose && this.settings.smoothing ? this.smooth(m.id, frame.time, pose) : pose;
    }
    timings.fusion = performance.now() - t0;
    return { frame, poses, timings };
  }

  private smooth(id: string, time: number, pose: Pose3D): Pose3D {
    let f = this.filters.get(id);
    if (!f) this.filters.set(id, (f = new OneEuroPoseFilter(NUM_JOINTS * 3)));
    f.params = this.settings.oneEuro;
    return { ...pose, joints: f.filter(time, pose.joints, pose.valid) };
  }
}

/** The app's one pipeline. */
export const pipeline = new FusionPipeline();
