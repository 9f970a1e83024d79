import { describe, expect, it } from 'vitest';
import { median, quantile, quantileSorted } from './stats';

describe('quantile (linear interpolation between order statistics)', () => {
  it('interpolates between the two order statistics around (n - 1) q', () => {
    const xs = [5, 1, 4, 2, 3]; // sorted 1..5
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile(xs, 1)).toBe(5);
    expect(quantile(xs, 0.5)).toBe(3);
    expect(quantile(xs, 0.9)).toBeCloseTo(4.6, 12);
    expect(quantile(Array.from({ length: 20 }, (_, i) => i + 1), 0.95)).toBeCloseTo(19.05, 12);
  });
  it('takes the mean of the two middle values as the median of an even count, leaves the input as it was', () => {
    const xs = [4, 1, 3, 2];
    expect(median(xs)).toBe(2.5);
    expect(xs).toEqual([4, 1, 3, 2]);
  });
  it('gives NaN for no values, the value for one, and sorts numerically (not as strings)', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(median([7])).toBe(7);
    expect(median([10, 9, 100])).toBe(10);
    expect(quantileSorted(Float64Array.of(1, 2), 0.25)).toBe(1.25);
    expect(median([1, Infinity, Infinity])).toBe(Infinity);
    expect(median([1, 3, Infinity, Infinity])).toBe(Infinity);
  });
});
