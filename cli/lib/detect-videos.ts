/**
 * Runs a pose model over videos, frame by frame, in Node (wasm) — the app's detector code. A multi-person model
 * also gives every person of every frame (`people`), its most confident one in `frames`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createViewDetector } from '../../src/detection/detector';
import type { ModelId } from '../../src/detection/models';
import { diskResolver, initNodeWasm } from './node-tf';
import { readFrames, probeVideo } from './ffmpeg-frames';

export interface VideoDetections {
  fps: number;
  sizes: [number, number][];
  /** [frame][view] */
  frames: (Float32Array | null)[][];
  /** Multi-person models: [frame][view] everyone found ([] = nobody, null = the view has no such frame). */
  people?: (Float32Array[] | null)[][];
  /** Inference time per view per frame, ms. */
  inferMs: number[][];
}

export async function detectVideos(
  paths: string[], model: ModelId, maxSide: number, log = (_: string) => {}, onFrame?: (view: number, frame: number) => void, maxFrames = Infinity,
): Promise<VideoDetections> {
  await initNodeWasm();
  const infos = paths.map(probeVideo);
  const out: VideoDetections = { fps: infos[0].fps, sizes: infos.map((i) => [i.width, i.height]), frames: [], inferMs: [] };
  for (let v = 0; v < paths.length; v++) {
    const det = await createViewDetector(model, diskResolver);
    try {
      for await (const f of readFrames(paths[v], maxSide)) {
        if (f.index >= maxFrames) break;
        const scale = infos[v].width / f.width;
        const t = tf.tensor3d(f.rgb, [f.height, f.width, 3], 'int32');
        let all: Float32Array[] | null, kp: Float32Array | null, dt: number;
        // A frame the model fails on must not leak its tensor (or the detector) into a caller that catches and goes on.
        try {
          const t0 = performance.now();
          all = det.multiPerson ? await det.detectAll(t, (f.index / out.fps) * 1000, scale) : null;
          kp = all ? all[0] ?? null : await det.detect(t, (f.index / out.fps) * 1000, scale);
          dt = performance.now() - t0;
        } finally {
          t.dispose();
        }
        (out.frames[f.index] ??= new Array(paths.length).fill(null))[v] = kp;
        if (all) ((out.people ??= [])[f.index] ??= new Array(paths.length).fill(null))[v] = all;
        (out.inferMs[f.index] ??= new Array(paths.length).fill(NaN))[v] = dt;
        onFrame?.(v, f.index);
      }
    } finally {
      det.dispose();
    }
    log(`${paths[v]}: ${out.frames.length} frames`);
  }
  return out;
}
