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
import { MAX_PEOPLE_PER_VIEW, MODELS, type ModelId } from './models';
import { posesToPeople } from './poses';

/**
 * MultiPose instances under this score are dropped (by pose-detection, which applies it). This is pose-detection's
 * own default (DEFAULT_MIN_POSE_SCORE = 0.25), spelled out so a library update cannot silently change who reaches
 * fusion. It lets through half-seen people at the frame edge with a few joints; that is accepted, not filtered here,
 * because association needs whole-enough bodies (minDetectedJoints in src/people/associate.ts) and rejects the
 * rest itself. A higher bar would also drop partly hidden people; change it only with a measurement.
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
  const maxPoses = info.multiPerson ? MAX_PEOPLE_PER_VIEW : 1;
  const detectAll = async (input: DetectorInput, timestampMs?: number, scale = 1): Promise<Float32Array[]> => {
    const poses = await det.estimatePoses(input as poseDetection.PoseDetectorInput, { maxPoses, flipHorizontal: false }, timestampMs);
    return posesToPeople(poses, { family: info.family, maxPoses, scale });
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
