/**
 * What every fusion method (triangulation, the lifter) produces and how the eval CLI and the app call them.
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

export interface FusionMethod {
  /** Stable id used on the command line and in files: "dlt", "robust", "lifter". */
  readonly id: string;
  readonly label: string;
  /** Estimates a pose per frame set; null where the method gives no pose (e.g. fewer than 2 usable views). */
  estimateFrames(cameras: readonly Camera[], frames: ReadonlyArray<FrameViews>): Promise<(Pose3D | null)[]>;
  dispose?(): void;
}
