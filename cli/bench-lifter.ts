/**
 * npm run bench:lifter [-- --model-dir DIR] — the lifter's speed with tfjs wasm in Node (one thread): latency per
 * 4-view frame set at batch 1 (features + network + world pose) and throughput at batch 64, side by side with
 * robust triangulation of the same frame sets. With public/models/lifter-temporal present, also the temporal lifter
 * (causal, frame sets at 30 fps fed one at a time as live capture does, and a take-sized call), with the number of
 * live tensors before and after the run (flat = nothing leaks per frame set).
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { FrameViews } from '../src/fusion/types';
import { loadLifterFromDir } from '../src/lifter/load-node';
import { TriangulationMethod } from '../src/triangulation/methods';
import { projectPose, ringRig, seededRandom, standingPose } from '../src/testing/synthetic';
import { median } from '../src/util/stats';

const { values } = parseArgs({ options: { 'model-dir': { type: 'string' }, stem: { type: 'string', default: '' }, frames: { type: 'string', default: '256' } } });
const N = Number(values.frames);
const VIEWS = 4;

/** Wall ms per call, and this process's CPU ms per call over all calls (less sensitive to other jobs on the box). */
async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<number[] & { cpuMs: number }> {
  const out: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  const c = process.cpuUsage(c0);
  return Object.assign(out, { cpuMs: (c.user + c.system) / 1000 / n });
}

async function main() {
  const lifter = await loadLifterFromDir(values['model-dir'], values.stem);
  const robust = new TriangulationMethod('robust');
  const cams = ringRig(VIEWS);
  const rand = seededRandom(5);
  const pose = standingPose();
  const frames: FrameViews[] = Array.from({ length: N }, () => projectPose(cams, pose, 2, rand));
  const c = lifter.net.config;
  console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`Node ${process.version}, tfjs ${tf.version_core} backend ${tf.getBackend()}, lifter dim ${c.dim}, ` +
    `${c.n_spatial}+${c.n_fusion}+${c.n_pose} blocks; ${VIEWS} views, ${N} frame sets, median of single calls`);

  for (let i = 0; i < 20; i++) await lifter.estimateFrames(cams, [frames[i]]); // warm-up: kernels and JIT
  await lifter.estimateFrames(cams, frames.slice(0, 64));
  const lat = await timeEach(N, (i) => lifter.estimateFrames(cams, [frames[i]]));
  const batches = Math.floor(N / 64);
  const bt = await timeEach(batches, (i) => lifter.estimateFrames(cams, frames.slice(i * 64, (i + 1) * 64)));
  const robLat = await timeEach(N, (i) => robust.estimateFrames(cams, [frames[i]]));
  const rbt = await timeEach(batches, (i) => robust.estimateFrames(cams, frames.slice(i * 64, (i + 1) * 64)));

  const row = (name: string, l: number[] & { cpuMs: number }, b: number[] & { cpuMs: number }) =>
    `| ${name} | ${median(l).toFixed(2)} | ${l.cpuMs.toFixed(2)} | ${(64 / (median(b) / 1000)).toFixed(0)} | ${(median(b) / 64).toFixed(3)} | ${(b.cpuMs / 64).toFixed(3)} |`;
  console.log('| method | batch 1: wall ms per frame set (median) | batch 1: CPU ms | batch 64: frame sets/s | batch 64: wall ms per frame set | batch 64: CPU ms per frame set |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(row('lifter (tfjs wasm)', lat, bt));
  try {
    const { loadTemporalFromDir } = await import('../src/lifter/temporal-load-node');
    const temporal = await loadTemporalFromDir();
    const t = (i: number) => i / 30;
    for (let i = 0; i < 20; i++) await temporal.estimateFrames(cams, [frames[i]], [t(i)]);
    const before = tf.memory().numTensors;
    temporal.reset();
    const tl = await timeEach(N, (i) => temporal.estimateFrames(cams, [frames[i]], [t(i)]));
    const tb = await timeEach(batches, (i) => {
      temporal.reset();
      return temporal.estimateFrames(cams, frames.slice(i * 64, (i + 1) * 64), Array.from({ length: 64 }, (_, k) => t(k)));
    });
    console.log(row('lifter-temporal (causal, tfjs wasm)', tl, tb));
    console.log(`lifter-temporal: tensors alive before ${before}, after ${N} live frame sets ${tf.memory().numTensors}; frame sets held ${temporal.heldFrameSets}`);
    temporal.dispose();
  } catch (e) {
    console.log(`lifter-temporal not measured: ${(e as Error).message}`);
  }
  console.log(row('robust triangulation', robLat, rbt));
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const mem = tf.memory();
  console.log(`tensors alive after the run: ${mem.numTensors} (the weights only)`);
  lifter.dispose();
  console.log(`tensors alive after dispose: ${tf.memory().numTensors}`);
}

main().catch((e) => {
  console.error(`bench:lifter: ${(e as Error).message}`);
  process.exit(1);
});
