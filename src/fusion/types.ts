/**
 * What every fusion method (triangulation, the lifter, their temporal variants) produces, and how the pipeline,
 * the eval CLI and the recorder call them.
 */
import type { Camera } from '../geometry/camera';

/** One view's COCO-17 detection: [x, y, score] × 17 in raw (distorted) pixels; score 0 = joint missing. */
export type ViewKeypoints = Float32Array;

/** One frame set's detections, one entry per camera; null = no detection in that view. */
export type FrameViews = ReadonlyArray<ViewKeypoints | null>;

/** A world-space COCO-17 pose. Joints with valid[j] = 0 have no estimate; their coordinates are 0, never NaN. */
export interface Pose3D {
  /** x, y, z × 17, metres, world frame of the calibration. */
  joints: Float64Array;
  /** 1 where the method produced an estimate for the joint. */
  valid: Uint8Array;
  /** Optional per-method extras: e.g. the lifter's predicted error, or "fell back to triangulation". */
  info?: Readonly<Record<string, number | string | boolean>>;
}

/**
 * How a method uses time. 'frame': each frame set alone. 'causal': the frame sets before it too (live). 'offline':
 * a window around it, past and future (videos, takes, exports). Non-'frame' methods keep state between calls, so
 * callers feed frame sets in time order and call reset() where time jumps (see segments.ts).
 */
export type MethodTiming = 'frame' | 'causal' | 'offline';

export interface FusionMethod {
  /** Stable id used on the command line and in files: "dlt", "robust", "lifter"… (see registry.ts). */
  readonly id: string;
  readonly label: string;
  /** Absent = 'frame'. */
  readonly timing?: MethodTiming;
  /**
   * Estimates a pose per frame set; null where the method gives no pose (e.g. fewer than 2 usable views).
   * `times` (seconds, one per frame set, non-decreasing within a call) is required by temporal methods; frame
   * methods ignore it. A temporal method treats the call as the continuation of the previous one until reset().
   */
  estimateFrames(cameras: readonly Camera[], frames: ReadonlyArray<FrameViews>, times?: ArrayLike<number>): Promise<(Pose3D | null)[]>;
  /** Forgets every past frame set (temporal methods): a new take, a time jump, a changed rig or camera subset. */
  reset?(): void;
  /**
   * Stateful methods: a new instance with no past that shares this one's loaded parts (a network's weights), for
   * another person of the same frame sets. Disposing a fork leaves the shared parts alone; disposing the method it
   * came from frees them, so forks go first.
   */
  fork?(): FusionMethod;
  /**
   * Optional, stateful methods: one frame set for several of this method's forks at once (`views[k]` for
   * `forks[k]`, one person each), giving what estimateFrames on each fork would, faster (one network batch).
   */
  estimateForks?(forks: readonly FusionMethod[], cameras: readonly Camera[], views: readonly FrameViews[], time: number): Promise<(Pose3D | null)[]>;
  dispose?(): void;
}

/** The method keeps state between calls (not 'frame'): fed in time order, forked per person. */
export const isStateful = (m: Pick<FusionMethod, 'timing'>): boolean => (m.timing ?? 'frame') !== 'frame';

/** One person's result in a frame set: every method's pose. Person ids are stable over time (0 while single-person). */
export interface PersonPoses {
  person: number;
  poses: Readonly<Record<string, Pose3D | null>>;
}
