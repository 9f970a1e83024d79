/** Messages between the app and the detection worker. Bitmaps are transferred, keypoints come back as copies. */
import type { BackendChoice, BackendId, ModelId } from './models';

export type ToWorker =
  | { type: 'init'; model: ModelId; backend: BackendChoice; modelsBase: string; wasmPath: string }
  | {
      type: 'detect';
      id: number;
      /** One per camera slot; null slots are skipped. Closed by the worker. */
      frames: (ImageBitmap | null)[];
      /** Original frame pixels per bitmap pixel (the bitmap may be downscaled). */
      scales: number[];
      /** Frame times, ms. */
      timestamps: number[];
    }
  | { type: 'reset'; camera?: number };

export type FromWorker =
  | { type: 'ready'; backend: BackendId; model: ModelId; notes: string[]; loadMs: number; numTensors: number }
  | {
      type: 'result';
      id: number;
      views: (Float32Array | null)[];
      /**
       * A multi-person model: per view everyone found, most confident first ([] = nobody; null = empty slot).
       * `views` then hold each view's first person.
       */
      people?: (Float32Array[] | null)[];
      /** Inference time per view, ms (NaN for skipped slots). */
      inferMs: number[];
      totalMs: number;
      numTensors: number;
      /** When the worker started and finished this set, ms since the epoch (timeOrigin + now: comparable across threads). */
      startedAt: number;
      endedAt: number;
    }
  | { type: 'error'; id?: number; message: string };
