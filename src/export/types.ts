/** The minimal pose shape the exporters read (a Pose3D or a ground-truth pose both fit). */
export interface PoseLike {
  /** x, y, z × 17, metres. */
  joints: Float64Array;
  valid: Uint8Array;
}
