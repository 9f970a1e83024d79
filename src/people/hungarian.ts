/**
 * Minimum-cost assignment (Kuhn–Munkres with row/column potentials, O(n² m)) on a rectangular cost matrix.
 * Pairs costing `gate` or more are never assigned: they stay −1 rather than take a bad match.
 */

/** cost: rows × cols, row-major. Returns, per row, the assigned column or −1. */
export function assign(cost: ArrayLike<number>, rows: number, cols: number, gate = Infinity): Int32Array {
  const out = new Int32Array(rows).fill(-1);
  if (rows === 0 || cols === 0) return out;
  // The algorithm wants rows ≤ cols; solve the transpose otherwise.
  const transpose = rows > cols;
  const n = transpose ? cols : rows, m = transpose ? rows : cols;
  // Gated pairs get a cost above any sum of admissible ones, so the optimum avoids them where it can.
  let big = 1;
  for (let k = 0; k < rows * cols; k++) if (cost[k] < gate && Number.isFinite(cost[k])) big += Math.abs(cost[k]);
  const c = (i: number, j: number) => {
    const v = transpose ? cost[j * cols + i] : cost[i * cols + j];
    return v < gate && Number.isFinite(v) ? v : big;
  };
  const u = new Float64Array(n + 1), v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1), way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1), used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity, j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = c(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  for (let j = 1; j <= m; j++) {
    if (!p[j]) continue;
    const r = transpose ? j - 1 : p[j] - 1, col = transpose ? p[j] - 1 : j - 1;
    const val = cost[r * cols + col];
    if (val < gate && Number.isFinite(val)) out[r] = col;
  }
  return out;
}
