/**
 * One view's pose detector: pose-detection (tfjs runtime) behind a small interface that returns COCO-17
 * [x, y, score] × 17 in the input frame's pixels. Shared by the app's worker and the Node CLIs.
 *
 * MoveNet and BlazePose keep per-stream state (the crop region from the last frame), so every camera needs its
 * own instance; temporal smoothing is off because fusion and the noise measurement want raw detections.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { io } from '@tensorflow/tfjs-core';
import * as poseDetection from '@tensorflow-models/pose-detection';
import { BLAZEPOSE33_LAYOUT, NUM_JOINTS, toCoco17 } from '../keypoints';
import { MODELS, type ModelId } from './models';

/** Turns a path relative to the models root into what pose-detection loads: a URL or an IOHandler. */
export type ModelResolver = (relPath: string) => string | io.IOHandler;

export type DetectorInput = ImageBitmap | ImageData | tf.Tensor3D | OffscreenCanvas | HTMLCanvasElement | HTMLVideoElement;

export interface ViewDetector {
  readonly model: ModelId;
  /**
   * Detects one person; `scale` maps input pixels back to the original frame (input was downscaled by 1/scale).
   * Returns null when the model found no person.
   */
  detect(input: DetectorInput, timestampMs?: number, scale?: number): Promise<Float32Array | null>;
  reset(): void;
  dispose(): void;
}

export async function createViewDetector(model: ModelId, resolve: ModelResolver): Promise<ViewDetector> {
  const info = MODELS[model];
  let det: poseDetection.PoseDetector;
  if (info.family === 'movenet') {
    det = await poseDetection.createDetector(poseDetection.SupportedModels.MoveNet, {
      modelType: model === 'movenet-thunder' ? poseDetection.movenet.modelType.SINGLEPOSE_THUNDER : poseDetection.movenet.modelType.SINGLEPOSE_LIGHTNING,
      modelUrl: resolve(info.files.model!),
      enableSmoothing: false,
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
  return {
    model,
    async detect(input, timestampMs, scale = 1) {
      const poses = await det.estimatePoses(input as poseDetection.PoseDetectorInput, { maxPoses: 1, flipHorizontal: false }, timestampMs);
      const kp = poses[0]?.keypoints;
      if (!kp) return null;
      let out: Float32Array;
      if (info.family === 'movenet') {
        if (kp.length !== NUM_JOINTS) throw new Error(`MoveNet returned ${kp.length} keypoints, expected ${NUM_JOINTS}`);
        out = new Float32Array(NUM_JOINTS * 3);
        for (let j = 0; j < NUM_JOINTS; j++) {
          const p = kp[j], s = p.score ?? 0;
          const ok = Number.isFinite(p.x) && Number.isFinite(p.y) && Number.isFinite(s);
          out[3 * j] = ok ? p.x : 0;
          out[3 * j + 1] = ok ? p.y : 0;
          out[3 * j + 2] = ok ? s : 0;
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
    },
    reset: () => det.reset(),
    dispose: () => det.dispose(),
  };
}

/** Current live tensor count of the active backend (leak checks). */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
