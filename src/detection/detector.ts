/**
 * One view's pose detector: pose-detection (tfjs runtime) behind a small interface that returns COCO-17
 * [x, y, score] × 17 in the input frame's pixels. Shared by the app's worker and the Node CLIs.
 *
 * MoveNet and BlazePose keep per-stream state (the crop region from the last frame), so every camera needs its
 * own instance; temporal smoothing is off because fusion and the noise measurement want raw detections.
 * MoveNet MultiPose has no crop state, and its tracker is off: identities are made in 3D across views
 * (src/people), where a per-view 2D tracker's ids would mean nothing.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { io } from '@tensorflow/tfjs-core';
import * as poseDetection from '@tensorflow-models/pose-detection';
import { BLAZEPOSE33_LAYOUT, NUM_JOINTS, toCoco17 } from '../keypoints';
import { MAX_PEOPLE_PER_VIEW, MODELS, type ModelId } from './models';

/**
 * MultiPose instances under this score are dropped. pose-detection's default (0.25) lets through half-seen people
 * at the frame edge with a few joints; association needs whole-enough bodies and rejects the rest anyway.
 */
export const MULTIPOSE_MIN_SCORE = 0.25;

/** Turns a path relative to the models root into what pose-detection loads: a URL or an IOHandler. */
export type ModelResolver = (relPath: string) => string | io.IOHandler;

export type DetectorInput = ImageBitmap | ImageData | tf.Tensor3D | OffscreenCanvas | HTMLCanvasElement | HTMLVideoElement;

export interface ViewDetector {
  readonly model: ModelId;
  /** The model finds everyone (detectAll may return several people). */
  readonly multiPerson: boolean;
  /**
   * Detects one person (a multi-person model: the most confident one); `scale` maps input pixels back to the
   * original frame (input was downscaled by 1/scale). Returns null when the model found no person.
   */
  detect(input: DetectorInput, timestampMs?: number, scale?: number): Promise<Float32Array | null>;
  /**
   * Every person found, most confident first (at most MAX_PEOPLE_PER_VIEW; a single-person model gives 0 or 1);
   * [] when nobody is there. Same keypoints, pixels and scale as `detect`.
   */
  detectAll(input: DetectorInput, timestampMs?: number, scale?: number): Promise<Float32Array[]>;
  reset(): void;
  dispose(): void;
}

export async function createViewDetector(model: ModelId, resolve: ModelResolver): Promise<ViewDetector> {
  const info = MODELS[model];
  let det: poseDetection.PoseDetector;
  if (info.family === 'movenet') {
    const types = poseDetection.movenet.modelType;
    det = await poseDetection.createDetector(poseDetection.SupportedModels.MoveNet, {
      modelType: info.multiPerson ? types.MULTIPOSE_LIGHTNING : model === 'movenet-thunder' ? types.SINGLEPOSE_THUNDER : types.SINGLEPOSE_LIGHTNING,
      modelUrl: resolve(info.files.model!),
      enableSmoothing: false,
      ...(info.multiPerson ? { enableTracking: false, minPoseScore: MULTIPOSE_MIN_SCORE } : {}),
    });
  } else {
    det = await poseDetection.createDetector(poseDetection.SupportedModels.BlazePose, {
      runtime: 'tfjs',
      modelType: model.slice('blazepose-'.length) as 'lite' | 'full' | 'heavy',
      detectorModelUrl: resolve(info.files.detector!),
      landmarkModelUrl: resolve(info.files.landmark!),
      enableSmoothing: false,
      enableSegmentation: false,
    });
  }
  const flat = new Float32Array(BLAZEPOSE33_LAYOUT.names.length * 3);
  const maxPoses = info.multiPerson ? MAX_PEOPLE_PER_VIEW : 1;
  const toCoco = (kp: poseDetection.Keypoint[], scale: number): Float32Array => {
    let out: Float32Array;
    if (info.family === 'movenet') {
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
      for (let i = 0; i < kp.length && i < 33; i++) {
        flat[3 * i] = kp[i].x;
        flat[3 * i + 1] = kp[i].y;
        flat[3 * i + 2] = kp[i].score ?? 0;
      }
      out = toCoco17(BLAZEPOSE33_LAYOUT, flat);
    }
    if (scale !== 1) for (let j = 0; j < NUM_JOINTS; j++) { out[3 * j] *= scale; out[3 * j + 1] *= scale; }
    return out;
  };
  const detectAll = async (input: DetectorInput, timestampMs?: number, scale = 1): Promise<Float32Array[]> => {
    const poses = await det.estimatePoses(input as poseDetection.PoseDetectorInput, { maxPoses, flipHorizontal: false }, timestampMs);
    const found = poses.filter((p) => p.keypoints?.length);
    // Most confident first (MultiPose gives its instances in no promised order); a NaN score sorts last.
    const score = (p: poseDetection.Pose) => (Number.isFinite(p.score) ? p.score! : -1);
    if (found.length > 1) found.sort((a, b) => score(b) - score(a));
    return found.slice(0, maxPoses).map((p) => toCoco(p.keypoints, scale));
  };
  return {
    model,
    multiPerson: info.multiPerson,
    detectAll,
    async detect(input, timestampMs, scale = 1) {
      return (await detectAll(input, timestampMs, scale))[0] ?? null;
    },
    reset: () => det.reset(),
    dispose: () => det.dispose(),
  };
}

/** Current live tensor count of the active backend (leak checks). */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
