/**
 * npm run eval:sim — what a newcomer sees in the app's simulation, measured: the procedural figure over one
 * whole loop (walk, turn, squat, wave, raise arms) filmed by the default ring rig with 2–8 cameras, detections from
 * the detector-noise model (training/noise/movenet_noise.json), fused by every method the app runs. Prints MPJPE
 * (mm, mean over frames with a pose) and the share of frame sets each method gave a pose for.
 *
 *   npm run eval:sim -- [--level 1] [--fps 10] [--seed 1] [--roll 0] [--no-lifter] [--methods id,id,…]
 *
 * --roll DEG turns every camera DEG about its optical axis, the same way: a rig that is not level.
 * Methods come from the registry (default: lifter, the temporal lifters, robust and its smoothed variants, dlt;
 * one whose weights cannot load is skipped and named). Every method gets the loop's frame sets in time order, with
 * their times, in one continuous segment, and is reset before each camera count. The temporal lifter was trained at
 * 15-60 fps: pass --fps 30 for it.
 */
import { readFileSync, existsSync } from 'node:fs';
import type { FusionMethod } from '../src/fusion/types';
import { createMethods } from '../src/eval/methods';
import { FIGURE_CYCLE_S } from '../src/sim/figure';
import { DEFAULT_NOISE, drawDefinitionOffsets, parseNoiseParams } from '../src/sim/noise';
import { DEFAULT_RING, ringRig } from '../src/sim/rig';
import { makeRng } from '../src/sim/rng';
import { simulateFrame } from '../src/sim/simulate';
import { meanJointDistance } from '../src/viewer/compare';
import { LIMITS } from '../src/take/limits';
import { parseNumber } from './lib/args';

function arg(name: string, dflt: number, range: { min: number; max: number }): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? parseNumber(process.argv[i + 1], `--${name}`, range) : dflt;
}

const level = arg('level', 1, { min: 0, max: 100 }), fps = arg('fps', 10, { min: LIMITS.minFps, max: LIMITS.maxFps });
const seed = arg('seed', 1, { min: 0, max: 2 ** 31 }), rollDeg = arg('roll', 0, { min: -180, max: 180 });
const noisePath = 'training/noise/movenet_noise.json';
const noise = existsSync(noisePath) ? parseNoiseParams(JSON.parse(readFileSync(noisePath, 'utf8'))) : DEFAULT_NOISE;

const mi = process.argv.indexOf('--methods');
const learned = new Set(['lifter', 'lifter-temporal', 'lifter-offline']);
const ids = (mi >= 0 ? process.argv[mi + 1].split(',') : ['lifter', 'lifter-temporal', 'lifter-offline', 'robust', 'robust-smoothed', 'robust-offline', 'dlt'])
  .filter((id) => !(process.argv.includes('--no-lifter') && learned.has(id)));
const methods: FusionMethod[] = await createMethods(ids, {
  onUnavailable: mi >= 0 ? undefined : (id, why) => console.error(`${id} unavailable: ${why}`),
});

console.log(`noise: ${existsSync(noisePath) ? noisePath : 'defaults'}, level ${level}; cameras rolled ${rollDeg}°; ${fps} frame sets/s over ${FIGURE_CYCLE_S} s; seed ${seed}\n`);
console.log(`| cameras | ${methods.map((m) => `${m.id} MPJPE mm (posed %)`).join(' | ')} |`);
console.log(`| --- | ${methods.map(() => '---').join(' | ')} |`);
for (const n of [2, 3, 4, 6, 8]) {
  const cams = ringRig(n, { ...DEFAULT_RING, rollDeg });
  const rng = makeRng(seed * 100 + n);
  const definition = drawDefinitionOffsets(noise, makeRng(seed));
  const frames = Array.from({ length: Math.round(FIGURE_CYCLE_S * fps) }, (_, i) =>
    simulateFrame(i / fps, cams, { noise, level, dropped: new Set(), definition }, rng),
  );
  const cells: string[] = [];
  const times = frames.map((_, i) => i / fps);
  for (const m of methods) {
    m.reset?.();
    const poses = await m.estimateFrames(cams, frames.map((f) => f.views), times);
    const errs = poses.map((p, i) => meanJointDistance(p, frames[i].gt)).filter(Number.isFinite);
    const mean = errs.reduce((a, b) => a + b, 0) / errs.length;
    const fell = poses.filter((p) => p?.info?.fallback).length;
    cells.push(`${(mean * 1000).toFixed(1)} (${((100 * errs.length) / frames.length).toFixed(0)}%${fell ? `, ${fell} fell back` : ''})`);
  }
  console.log(`| ${n} | ${cells.join(' | ')} |`);
}
for (const m of methods) m.dispose?.();
