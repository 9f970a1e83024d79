/**
 * pose-detection's answer (Pose[]) → our people (COCO-17 [x, y, score] × 17 per person). Apart from the detector
 * so the ordering, the cap and the clean-up can be tested exactly, without a model: MultiPose promises no order
 * for its instances, and a person list that is "usually" sorted would pass a model-based test half the time.
 */
import type { Keypoint, Pose } from '@tensorflow-models/pose-detection';
import { BLAZEPOSE33_LAYOUT, NUM_JOINTS, toCoco17 } from '../keypoints';
import type { ModelInfo } from './models';

type ModelFamily = ModelInfo['family'];

export interface PosesToPeopleOptions {
  family: ModelFamily;
  /** At most this many people, the most confident ones. */
  maxPoses: number;
  /** Input pixels → original frame pixels (the input was downscaled by 1/scale). */
  scale?: number;
}

/**
 * Poses with keypoints, most confident first by the pose's own score (stable; a NaN or missing score sorts last),
 * at most `maxPoses`, each in COCO-17 with non-finite points zeroed and scores clamped to [0, 1], so NaN never
 * leaves the detector.
 */
export function posesToPeople(poses: readonly Pose[], opts: PosesToPeopleOptions): Float32Array[] {
  const found = poses.filter((p) => p.keypoints?.length);
  const score = (p: Pose) => (Number.isFinite(p.score) ? p.score! : -1);
  if (found.length > 1) found.sort((a, b) => score(b) - score(a));
  return found.slice(0, opts.maxPoses).map((p) => keypointsToCoco17(p.keypoints, opts.family, opts.scale ?? 1));
}

function keypointsToCoco17(kp: Keypoint[], family: ModelFamily, scale: number): Float32Array {
  let out: Float32Array;
  if (family === 'movenet') {
    if (kp.length !== NUM_JOINTS) throw new Error(`MoveNet returned ${kp.length} keypoints, expected ${NUM_JOINTS}`);
    out = new Float32Array(NUM_JOINTS * 3);
    for (let j = 0; j < NUM_JOINTS; j++) {
      const p = kp[j], s = p.score ?? 0;
      const ok = Number.isFinite(p.x) && Number.isFinite(p.y) && Number.isFinite(s);
      out[3 * j] = ok ? p.x : 0;
      out[3 * j + 1] = ok ? p.y : 0;
      out[3 * j + 2] = ok ? Math.min(1, Math.max(0, s)) : 0;
    }
  } else {
    // A fresh buffer per pose: points BlazePose did not give stay unseen instead of keeping an earlier pose's.
    const flat = new Float32Array(BLAZEPOSE33_LAYOUT.names.length * 3);
    for (let i = 0; i < kp.length && i < BLAZEPOSE33_LAYOUT.names.length; i++) {
      flat[3 * i] = kp[i].x;
      flat[3 * i + 1] = kp[i].y;
      flat[3 * i + 2] = kp[i].score ?? 0;
    }
    out = toCoco17(BLAZEPOSE33_LAYOUT, flat);
  }
  if (scale !== 1) for (let j = 0; j < NUM_JOINTS; j++) { out[3 * j] *= scale; out[3 * j + 1] *= scale; }
  return out;
}
