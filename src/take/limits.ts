/**
 * Physical bounds on the numbers that enter Parallax from files and command lines (documented in
 * docs/formats.md). Finite is not enough: 1e308 px or metres is finite, and it turns into Infinity, NaN or tens
 * of metres of error a few operations later. Each bound is far beyond any real recording.
 */
export const LIMITS = {
  /** |x|, |y| of a 2D keypoint, pixels (a detection may lie outside its image, never this far). */
  maxPixel: 100_000,
  /** |X|, |Y|, |Z| of a world point (ground truth, 3D results), metres. */
  maxMetres: 1000,
  /** |time| of a frame, seconds (about 116 days). */
  maxSeconds: 1e7,
  /** Frame rate, frames per second. */
  minFps: 0.01,
  maxFps: 1000,
  /** A detector's confidence in a file from another tool (OpenPose's is in [0, 1]; some tools write percent). */
  maxConfidence: 100,
  /** A frame index in a file name (OpenPose), a whole number. */
  maxFrameIndex: 10_000_000,
  /** Largest take file read (bytes): JSON.parse of a bigger one can exhaust Node's default heap. */
  maxTakeBytes: 256 * 1024 * 1024,
} as const;

/** True for a finite number within ±bound. */
export function within(v: unknown, bound: number): v is number {
  return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= bound;
}
