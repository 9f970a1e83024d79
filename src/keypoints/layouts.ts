/**
 * 2D layouts of other detectors and how they map into COCO-17. A mapping lists, for each COCO-17 joint, the
 * source index that stands for it, or -1 when the source has no such joint (its score becomes 0).
 *
 * Definitions differ even where names agree: OpenPose's hips sit lower and wider than COCO's annotations,
 * BlazePose's hips higher. The lifter is trained with per-joint definition offsets for this reason; the
 * mapping itself only renames.
 */
import { NUM_JOINTS } from './coco17';

export interface KeypointLayout {
  readonly id: string;
  readonly description: string;
  readonly names: readonly string[];
  /** Source index for each COCO-17 joint, or -1. */
  readonly toCoco17: readonly number[];
}

const BLAZEPOSE33_NAMES = [
  'nose', 'left_eye_inner', 'left_eye', 'left_eye_outer', 'right_eye_inner', 'right_eye', 'right_eye_outer',
  'left_ear', 'right_ear', 'mouth_left', 'mouth_right', 'left_shoulder', 'right_shoulder', 'left_elbow',
  'right_elbow', 'left_wrist', 'right_wrist', 'left_pinky', 'right_pinky', 'left_index', 'right_index',
  'left_thumb', 'right_thumb', 'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
  'left_heel', 'right_heel', 'left_foot_index', 'right_foot_index',
] as const;

const BODY25_NAMES = [
  'Nose', 'Neck', 'RShoulder', 'RElbow', 'RWrist', 'LShoulder', 'LElbow', 'LWrist', 'MidHip', 'RHip', 'RKnee',
  'RAnkle', 'LHip', 'LKnee', 'LAnkle', 'REye', 'LEye', 'REar', 'LEar', 'LBigToe', 'LSmallToe', 'LHeel',
  'RBigToe', 'RSmallToe', 'RHeel',
] as const;

const BODY25B_NAMES = [
  'Nose', 'LEye', 'REye', 'LEar', 'REar', 'LShoulder', 'RShoulder', 'LElbow', 'RElbow', 'LWrist', 'RWrist',
  'LHip', 'RHip', 'LKnee', 'RKnee', 'LAnkle', 'RAnkle', 'UpperNeck', 'HeadTop', 'LBigToe', 'LSmallToe', 'LHeel',
  'RBigToe', 'RSmallToe', 'RHeel',
] as const;

export const COCO17_LAYOUT: KeypointLayout = {
  id: 'coco17',
  description: 'COCO-17 in MoveNet order (the app layout)',
  names: [
    'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder', 'right_shoulder', 'left_elbow',
    'right_elbow', 'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle',
    'right_ankle',
  ],
  toCoco17: Array.from({ length: NUM_JOINTS }, (_, i) => i),
};

export const BLAZEPOSE33_LAYOUT: KeypointLayout = {
  id: 'blazepose33',
  description: 'BlazePose 33 landmarks (pose-detection BlazePose)',
  names: BLAZEPOSE33_NAMES,
  toCoco17: [0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28],
};

/** MediaPipe Pose landmarks: the same 33 points as BlazePose, under MediaPipe's enum names. */
export const MEDIAPIPE33_LAYOUT: KeypointLayout = {
  id: 'mediapipe33',
  description: 'MediaPipe PoseLandmarker 33 landmarks',
  names: BLAZEPOSE33_NAMES.map((n) => n.toUpperCase()),
  toCoco17: BLAZEPOSE33_LAYOUT.toCoco17,
};

export const BODY25_LAYOUT: KeypointLayout = {
  id: 'body25',
  description: 'OpenPose BODY_25',
  names: BODY25_NAMES,
  toCoco17: [0, 16, 15, 18, 17, 5, 2, 6, 3, 7, 4, 12, 9, 13, 10, 14, 11],
};

export const BODY25B_LAYOUT: KeypointLayout = {
  id: 'body25b',
  description: 'OpenPose BODY_25B (first 17 points in COCO order)',
  names: BODY25B_NAMES,
  toCoco17: Array.from({ length: NUM_JOINTS }, (_, i) => i),
};

/** OpenPose's older COCO model (18 points: COCO-17 plus a neck, in OpenPose's own order). */
export const OPENPOSE_COCO18_LAYOUT: KeypointLayout = {
  id: 'coco18',
  description: 'OpenPose COCO (18 points)',
  names: [
    'Nose', 'Neck', 'RShoulder', 'RElbow', 'RWrist', 'LShoulder', 'LElbow', 'LWrist', 'RHip', 'RKnee', 'RAnkle',
    'LHip', 'LKnee', 'LAnkle', 'REye', 'LEye', 'REar', 'LEar',
  ],
  toCoco17: [0, 15, 14, 17, 16, 5, 2, 6, 3, 7, 4, 11, 8, 12, 9, 13, 10],
};

export const LAYOUTS: Readonly<Record<string, KeypointLayout>> = {
  coco17: COCO17_LAYOUT,
  blazepose33: BLAZEPOSE33_LAYOUT,
  mediapipe33: MEDIAPIPE33_LAYOUT,
  body25: BODY25_LAYOUT,
  body25b: BODY25B_LAYOUT,
  coco18: OPENPOSE_COCO18_LAYOUT,
};

export type LayoutId = keyof typeof LAYOUTS;

/**
 * Converts one view's keypoints from a layout into COCO-17 [x, y, score] × 17 (Float32Array(51)). `stride` is
 * the number of values per source point (3 for x,y,score; 2 when the source has no scores, which become 1).
 */
export function toCoco17(layout: KeypointLayout, src: ArrayLike<number>, stride = 3, out = new Float32Array(NUM_JOINTS * 3)): Float32Array {
  const nSrc = layout.names.length;
  if (src.length !== nSrc * stride) {
    throw new Error(`${layout.id}: expected ${nSrc * stride} numbers (${nSrc} points × ${stride}), got ${src.length}`);
  }
  for (let j = 0; j < NUM_JOINTS; j++) {
    const s = layout.toCoco17[j];
    if (s < 0) {
      out[3 * j] = 0; out[3 * j + 1] = 0; out[3 * j + 2] = 0;
      continue;
    }
    const x = src[s * stride], y = src[s * stride + 1];
    const score = stride >= 3 ? src[s * stride + 2] : 1;
    const ok = Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(score) && score > 0;
    out[3 * j] = ok ? x : 0;
    out[3 * j + 1] = ok ? y : 0;
    out[3 * j + 2] = ok ? Math.min(1, score) : 0;
  }
  return out;
}
