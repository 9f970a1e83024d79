import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/noise-stats.json';
import { COCO17_NAMES } from '../keypoints';
import { DEFAULT_NOISE, applyDefinitionOffsets, drawDefinitionOffsets, gamma, parseNoiseParams, sampleDetections, type NoiseParams, type SampleOptions } from './noise';
import { BUNDLED_NOISE } from './noise-params';
import { makeRng } from './rng';
import { figurePose } from './figure';
import { median, quantile } from '../util/stats';

const UV = Float64Array.from(fixture.uv.flat());
const params = parseNoiseParams(fixture.params);
const W = fixture.width, H = fixture.height;

function run(p: NoiseParams, opts: SampleOptions, n = 20000, level = 1) {
  const rng = makeRng(11);
  return Array.from({ length: n }, () => sampleDetections([UV], [{ width: W, height: H }], p, level, rng, opts)[0]);
}


function stats(kps: Float32Array[]) {
  const xs = UV.filter((_, i) => i % 2 === 0), ys = UV.filter((_, i) => i % 2 === 1);
  const diag = Math.hypot(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const rel = (kp: Float32Array, a: number, b = a) => Math.hypot(kp[3 * a] - UV[2 * b], kp[3 * a + 1] - UV[2 * b + 1]) / diag;
  const per = (f: (j: number) => number) => Array.from({ length: 17 }, (_, j) => f(j));
  const det = (j: number) => kps.filter((k) => k[3 * j + 2] > 0);
  return {
    median_rel_error: per((j) => median(det(j).map((k) => rel(k, j)))),
    q90_rel_error: per((j) => quantile(det(j).map((k) => rel(k, j)), 0.9)),
    detected: per((j) => det(j).length / kps.length),
    mean_score: per((j) => det(j).reduce((s, k) => s + k[3 * j + 2], 0) / det(j).length),
    left_wrist_swapped: kps.filter((k) => k[29] > 0 && rel(k, 9, 10) < rel(k, 9)).length / kps.length,
    left_shoulder_swapped: kps.filter((k) => k[17] > 0 && rel(k, 5, 6) < rel(k, 5)).length / kps.length,
    all_scores_one: kps.filter((k) => per((j) => k[3 * j + 2]).every((s) => s === 0 || s === 1)).length / kps.length,
  };
}

function expectClose(ts: ReturnType<typeof stats>, py: typeof fixture.core, label: string) {
  for (let j = 0; j < 17; j++) {
    const name = `${label} ${COCO17_NAMES[j]}`;
    expect(ts.median_rel_error[j] / py.median_rel_error[j], `${name} median error`).toBeGreaterThan(0.95);
    expect(ts.median_rel_error[j] / py.median_rel_error[j], `${name} median error`).toBeLessThan(1.05);
    expect(ts.q90_rel_error[j] / py.q90_rel_error[j], `${name} q90 error`).toBeGreaterThan(0.93);
    expect(ts.q90_rel_error[j] / py.q90_rel_error[j], `${name} q90 error`).toBeLessThan(1.07);
    expect(Math.abs(ts.detected[j] - py.detected[j]), `${name} detection rate`).toBeLessThan(0.008);
    expect(Math.abs(ts.mean_score[j] - py.mean_score[j]), `${name} mean score`).toBeLessThan(0.01);
  }
  expect(Math.abs(ts.left_wrist_swapped - py.left_wrist_swapped), `${label} limb swaps`).toBeLessThan(0.006);
  expect(Math.abs(ts.left_shoulder_swapped - py.left_shoulder_swapped), `${label} view swaps`).toBeLessThan(0.006);
  expect(Math.abs(ts.all_scores_one - py.all_scores_one), `${label} all-one mode`).toBeLessThan(0.01);
}

describe('detector-noise sampler, pinned to the Python model (scripts/sim-noise-fixture.py)', () => {
  it('matches spread, tails and scores without swaps or modes', () => {
    expectClose(stats(run({ ...params, swap_view: 0, swap_limb: 0 }, { modes: false, viewScale: 1 })), fixture.core, 'core');
  });

  it('matches swap rates with the per-view spread', () => {
    expectClose(stats(run(params, { modes: false })), fixture.swaps, 'swaps');
  });

  it('matches with the augmentation modes and corrupt views on', () => {
    expectClose(stats(run(params, { modes: true })), fixture.modes, 'modes');
  });

  it('draws Gamma variates with the right mean and variance', () => {
    const rng = makeRng(3);
    for (const k of [0.7, 1.5, 4]) {
      const xs = Array.from({ length: 20000 }, () => gamma(k, rng));
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
      expect(m / k).toBeCloseTo(1, 1);
      expect(v / k).toBeCloseTo(1, 1);
    }
  });

  it('is noiseless at level 0 (no error, no misses, no swaps)', () => {
    for (const kp of run(params, { modes: true }, 300, 0)) {
      for (let j = 0; j < 17; j++) {
        expect(kp[3 * j]).toBeCloseTo(UV[2 * j], 3);
        expect(kp[3 * j + 2]).toBeGreaterThan(0);
      }
    }
  });

  it('clamps or drops joints outside the image and zeroes joints behind the camera', () => {
    const uv = UV.slice();
    uv[0] = -400; // nose far left of the image
    uv[2] = NaN; uv[3] = NaN; // left eye behind the camera
    let clamped = 0;
    const rng = makeRng(9);
    for (let i = 0; i < 2000; i++) {
      const kp = sampleDetections([uv], [{ width: W, height: H }], { ...params, swap_view: 0 }, 1, rng, { modes: false })[0];
      expect(kp[3] === 0 && kp[4] === 0 && kp[5] === 0).toBe(true);
      if (kp[2] > 0) {
        clamped++;
        expect(kp[0]).toBeGreaterThanOrEqual(0);
        expect(kp[2]).toBeLessThanOrEqual(params.outside.score[1]);
      } else expect(kp[0]).toBe(0);
    }
    expect(clamped / 2000).toBeGreaterThan(0.4);
    expect(clamped / 2000).toBeLessThan(0.6);
  });

  it('moves the detector joints by the body-frame definition offsets, mirrored left/right', () => {
    const pose = figurePose(0); // facing +z, left = +x
    const local = new Float64Array(51);
    local[3 * 11] = 0.03; // left hip outward
    local[3 * 12] = 0.03; // right hip outward
    local[3 * 15 + 2] = -0.04; // left ankle backward
    const out = applyDefinitionOffsets(pose, local);
    expect(out[3 * 11] - pose[3 * 11]).toBeCloseTo(0.03, 6);
    expect(out[3 * 12] - pose[3 * 12]).toBeCloseTo(-0.03, 6);
    expect(out[3 * 15 + 2] - pose[3 * 15 + 2]).toBeCloseTo(-0.04, 6);
    const drawn = drawDefinitionOffsets(params, makeRng(1));
    expect(drawn.every(Number.isFinite)).toBe(true);
  });

  it('validates the JSON, names the bad field, and bundles the project file', () => {
    expect(() => parseNoiseParams({ ...DEFAULT_NOISE, nu: -1 })).toThrow(/nu/);
    expect(() => parseNoiseParams({ ...DEFAULT_NOISE, joints: { ...DEFAULT_NOISE.joints, nose: { sigma: 0.1 } } })).toThrow(/joints\.nose\.miss/);
    expect(parseNoiseParams(JSON.parse(JSON.stringify(DEFAULT_NOISE)))).toEqual(DEFAULT_NOISE);
    expect(BUNDLED_NOISE.source).toBe('training/noise/movenet_noise.json');
  });
});
