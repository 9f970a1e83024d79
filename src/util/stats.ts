/**
 * The one quantile of the project (eval reports, benchmarks, robust medians): linear interpolation between order
 * statistics (Hyndman & Fan type 7, NumPy's default), so q = 0.5 of an even count is the mean of the two middle
 * values and p95 of 20 values is 95 % of the way from the 19th to the 20th. An empty sample gives NaN.
 */

/** The q-quantile (0 ≤ q ≤ 1) of values already sorted ascending. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  // Equal neighbours (an order statistic hit exactly, or two infinities) are the answer: no ∞ − ∞.
  if (sorted[lo] === sorted[hi]) return sorted[lo];
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The q-quantile of values in any order (the input is not changed). */
export function quantile(xs: ArrayLike<number>, q: number): number {
  return quantileSorted(Float64Array.from(xs).sort(), q);
}

export function median(xs: ArrayLike<number>): number {
  return quantile(xs, 0.5);
}
