import { describe, expect, it } from 'vitest';
import { makeRng } from '../sim/rng';
import { OneEuroPoseFilter } from './one-euro';

describe('One Euro pose filter', () => {
  it('passes a still pose unchanged, smooths jitter, follows fast motion with little lag, forgets invalid joints', () => {
    const f = new OneEuroPoseFilter(3);
    const valid = new Uint8Array([1]);
    const out = new Float64Array(3);
    for (let i = 0; i < 10; i++) f.filter(i / 30, Float64Array.of(1, 2, 3), valid, out);
    expect(Array.from(out)).toEqual([1, 2, 3]);

    const rng = makeRng(1);
    let rawVar = 0, outVar = 0;
    for (let i = 10; i < 400; i++) {
      const n = 0.01 * rng.normal();
      f.filter(i / 30, Float64Array.of(1 + n, 2, 3), valid, out);
      rawVar += n * n;
      outVar += (out[0] - 1) ** 2;
    }
    expect(outVar).toBeLessThan(rawVar / 4);

    // A 1 m/s ramp: after settling, lag stays below 10 cm.
    const g = new OneEuroPoseFilter(3);
    for (let i = 0; i < 60; i++) g.filter(i / 30, Float64Array.of(i / 30, 0, 0), valid, out);
    expect(59 / 30 - out[0]).toBeLessThan(0.1);
    expect(59 / 30 - out[0]).toBeGreaterThan(0);

    g.filter(61 / 30, Float64Array.of(5, 5, 5), new Uint8Array([0]), out);
    expect(Array.from(out)).toEqual([5, 5, 5]);
    g.filter(62 / 30, Float64Array.of(7, 7, 7), valid, out);
    expect(Array.from(out)).toEqual([7, 7, 7]); // history was forgotten: no smoothing towards old values
  });
});
