/**
 * Detection time per frame for every model, in Node on the wasm backend (the app's detector code), median of
 * >= 100 frames of a real Pose2Sim view (cam03: 100 frames, looped).
 *
 *   npm run bench:detect -- [--frames 110] [--max-side 640] [--models movenet-lightning,...]
 *
 * The browser figures (wasm / WebGL in headless Chromium, frame sets per second) come from
 * `npm run bench:capture` (cli/bench-capture.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createViewDetector } from '../src/detection/detector';
import { MODEL_IDS, isModelId } from '../src/detection/models';
import { REPO_ROOT, diskResolver, initNodeWasm } from './lib/node-tf';
import { readFrames } from './lib/ffmpeg-frames';
import { quantile } from '../src/util/stats';

const { values: args } = parseArgs({
  options: {
    frames: { type: 'string', default: '110' },
    'max-side': { type: 'string', default: '640' },
    models: { type: 'string', default: MODEL_IDS.join(',') },
    video: { type: 'string', default: join(REPO_ROOT, '..', 'shared', 'data', 'pose2sim-demo', 'videos', 'cam03.mp4') },
  },
});
const nFrames = Number(args.frames), maxSide = Number(args['max-side']);
const models = args.models!.split(',');

const frames: { rgb: Uint8Array; w: number; h: number }[] = [];
for await (const f of readFrames(args.video!, maxSide)) frames.push({ rgb: f.rgb, w: f.width, h: f.height });
console.log(`backend ${await initNodeWasm()}, ${frames.length} frames of ${frames[0].w}x${frames[0].h}, ${nFrames} timed per model (after 5 warm-up)`);
console.log('| model | median ms | p90 ms | tensors after warm-up → end |');
console.log('| --- | --- | --- | --- |');
for (const m of models) {
  if (!isModelId(m)) throw new Error(`unknown model ${m}`);
  const det = await createViewDetector(m, diskResolver);
  const times: number[] = [];
  let warmTensors = 0;
  for (let i = 0; i < nFrames + 5; i++) {
    const f = frames[i % frames.length];
    const t = tf.tensor3d(f.rgb, [f.h, f.w, 3], 'int32');
    const t0 = performance.now();
    await det.detect(t, (i / 60) * 1000);
    const dt = performance.now() - t0;
    t.dispose();
    if (i === 4) warmTensors = tf.memory().numTensors;
    if (i >= 5) times.push(dt);
  }
  const endTensors = tf.memory().numTensors;
  det.dispose();
  const q = (p: number) => quantile(times, p).toFixed(1);
  console.log(`| ${m} | ${q(0.5)} | ${q(0.9)} | ${warmTensors} → ${endTensors} |`);
}
