/**
 * The app's data flow between stages, outside React: sources/detection publish frame sets of 2D detections,
 * fusion publishes 3D results, the viewer and panels subscribe. React holds settings, not per-frame data.
 */
import type { Camera } from '../geometry/camera';
import type { FrameViews, Pose3D } from '../fusion/types';

export interface DetectedFrameSet {
  /** Reference time of the frame set, seconds. */
  time: number;
  /** One entry per camera of `cameras`, COCO-17 [x,y,score]×17 in raw pixels, or null. */
  views: FrameViews;
  /** Per-view state: a lost camera keeps its slot with status 'lost'. */
  status: ReadonlyArray<'ok' | 'lost' | 'no-detection'>;
  /** Per-stage timings of this frame set in ms (capture, detection, ...). */
  timings: Readonly<Record<string, number>>;
  /** World-space truth when the source knows it (simulation, takes with gt): x,y,z×17; NaN-free, with a mask. */
  gt?: { joints: Float64Array; valid: Uint8Array } | null;
}

export interface FusedFrameSet {
  frame: DetectedFrameSet;
  /** Keyed by FusionMethod id ("robust", "dlt", "lifter"). */
  poses: Readonly<Record<string, Pose3D | null>>;
  timings: Readonly<Record<string, number>>;
}

type Listener<T> = (value: T) => void;

/** A tiny typed event channel; emit is synchronous, listeners must be cheap. */
export class Channel<T> {
  private listeners = new Set<Listener<T>>();
  private last: T | null = null;
  subscribe(fn: Listener<T>): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  emit(value: T): void {
    this.last = value;
    for (const fn of this.listeners) fn(value);
  }
  latest(): T | null {
    return this.last;
  }
}

/** The app-wide channels. */
export const bus = {
  /** The calibrated rig currently in use (from calibration, a take, or the simulation's virtual rig). */
  cameras: new Channel<readonly Camera[]>(),
  detections: new Channel<DetectedFrameSet>(),
  fused: new Channel<FusedFrameSet>(),
};
