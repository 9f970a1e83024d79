import { describe, expect, it } from 'vitest';
import { DEFAULT_NOISE, parseNoiseParams, sampleDetection, type NoiseParams } from './noise';
import { BUNDLED_NOISE } from './noise-params';
import { makeRng } from './rng';

/** A vertical "person" 400 px tall in the middle of a 1000×1000 image. */
const uv = new Float64Array(34);
for (let j = 0; j < 17; j++) {
  uv[2 * j] = 500 + (j % 3) * 10;
  uv[2 * j + 1] = 300 + (400 * j) / 16;
}

function stats(params: NoiseParams, level: number, n = 20000) {
  const rng = makeRng(7);
  const out = new Float32Array(51);
  const sq = new Float64Array(17), miss = new Float64Array(17);
  let swaps = 0;
  for (let i = 0; i < n; i++) {
    sampleDetection(uv, 1000, 1000, params, level, rng, out);
    for (let j = 0; j < 17; j++) {
      const dx = out[3 * j] - uv[2 * j], dy = out[3 * j + 1] - uv[2 * j + 1];
      sq[j] += (dx * dx + dy * dy) / 2;
      if (out[3 * j + 2] <= params.score.miss_max) miss[j]++;
    }
    // Ankles (15, 16) are 25 px apart vertically: a swap moves the left ankle by ≈25 px.
    if (Math.abs(out[3 * 15 + 1] - uv[2 * 16 + 1]) < Math.abs(out[3 * 15 + 1] - uv[2 * 15 + 1])) swaps++;
  }
  return { sigma: Array.from(sq, (s) => Math.sqrt(s / n)), miss: Array.from(miss, (m) => m / n), swaps: swaps / n };
}

describe('detector-noise sampler', () => {
  it('is noiseless at level 0 with high scores', () => {
    const out = sampleDetection(uv, 1000, 1000, DEFAULT_NOISE, 0, makeRng(1));
    for (let j = 0; j < 17; j++) {
      expect(out[3 * j]).toBeCloseTo(uv[2 * j], 3);
      expect(out[3 * j + 2]).toBeGreaterThan(0.5);
    }
  });

  it('matches the model: core spread, tail, miss rate, swap rate', () => {
    // Without the tail the per-axis spread is sigma × size.
    const noTail = { ...DEFAULT_NOISE, tail: { prob: 0, scale: 0 }, swap_prob: 0 };
    const s = stats(noTail, 1);
    for (let j = 0; j < 17; j++) expect(s.sigma[j] / (DEFAULT_NOISE.sigma[j] * 400)).toBeGreaterThan(0.95);
    for (let j = 0; j < 17; j++) expect(s.sigma[j] / (DEFAULT_NOISE.sigma[j] * 400)).toBeLessThan(1.05);
    // With the tail the variance is the mixture's.
    const t = stats({ ...DEFAULT_NOISE, swap_prob: 0 }, 1);
    const p = DEFAULT_NOISE.tail.prob;
    const expected = Math.sqrt((1 - p) * (DEFAULT_NOISE.sigma[0] * 400) ** 2 + p * (DEFAULT_NOISE.tail.scale * 400) ** 2);
    expect(t.sigma[0] / expected).toBeGreaterThan(0.9);
    expect(t.sigma[0] / expected).toBeLessThan(1.1);
    // Miss rate: missed joints plus detected joints whose score fell to miss_max or below (none: min > miss_max).
    for (let j = 0; j < 17; j++) expect(Math.abs(t.miss[j] - DEFAULT_NOISE.miss_prob[j])).toBeLessThan(0.006);
    const w = stats({ ...noTail, sigma: new Array(17).fill(0), swap_prob: 0.1 }, 1);
    expect(Math.abs(w.swaps - 0.1)).toBeLessThan(0.01);
  });

  it('scales with the level', () => {
    const noTail = { ...DEFAULT_NOISE, tail: { prob: 0, scale: 0 }, swap_prob: 0 };
    const a = stats(noTail, 1, 4000), b = stats(noTail, 2, 4000);
    expect(b.sigma[5] / a.sigma[5]).toBeCloseTo(2, 1);
  });

  it('gives border-clamped, low-score joints outside the image and score 0 behind the camera', () => {
    const u2 = uv.slice();
    u2[0] = -50; // nose left of the image
    u2[2] = NaN; u2[3] = NaN; // left eye behind the camera
    const out = sampleDetection(u2, 1000, 1000, DEFAULT_NOISE, 1, makeRng(3));
    expect(out[0]).toBe(0);
    expect(out[2]).toBeLessThanOrEqual(DEFAULT_NOISE.outside.score_max);
    expect(out[5]).toBe(0);
  });

  it('validates the JSON and names the bad field', () => {
    expect(() => parseNoiseParams({ ...DEFAULT_NOISE, sigma: [1, 2] })).toThrow(/sigma/);
    expect(() => parseNoiseParams({ ...DEFAULT_NOISE, score: { ...DEFAULT_NOISE.score, base: 2 } })).toThrow(/score\.base/);
    expect(parseNoiseParams(JSON.parse(JSON.stringify(DEFAULT_NOISE)))).toEqual(DEFAULT_NOISE);
    expect(BUNDLED_NOISE.params.sigma).toHaveLength(17);
  });
});
