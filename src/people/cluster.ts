/**
 * Correlation clustering with exclusive groups: the multi-way matching behind the association. Nodes are the
 * detections of every view (and the tracked people as priors); W[i][j] > 0 says "same person", < 0 "different",
 * and a cluster may hold at most one node of each group (one detection per camera, one prior). The objective is
 * the sum of W over the pairs inside clusters, so a cluster is judged on every pair of its members at once: a
 * detection that agrees with one view but contradicts two others is not chained in.
 *
 * Solved approximately in two steps: agglomeration (merge the two compatible clusters with the largest positive
 * summed cross weight until none is left), then local search over single moves and same-group swaps between
 * clusters, which repairs early merges that later evidence contradicts. Both steps only ever raise the objective.
 */

export interface ClusterProblem {
  n: number;
  /** n × n symmetric weights, row-major; the diagonal is ignored. */
  W: Float64Array;
  /** Group of each node (0–30): two nodes of one group never share a cluster. */
  group: Int32Array;
}

/** Sum of W between node i and the members of cluster c, leaving out `skip`. */
function linkSum(p: ClusterProblem, label: Int32Array, i: number, c: number, skip = -1): number {
  let s = 0;
  const row = i * p.n;
  for (let k = 0; k < p.n; k++) if (label[k] === c && k !== i && k !== skip) s += p.W[row + k];
  return s;
}

function memberOfGroup(p: ClusterProblem, label: Int32Array, c: number, g: number): number {
  for (let k = 0; k < p.n; k++) if (label[k] === c && p.group[k] === g) return k;
  return -1;
}

/** Cluster label per node (0 … clusters − 1, dense). */
export function correlationCluster(p: ClusterProblem, maxPasses = 8): Int32Array {
  const n = p.n;
  const label = new Int32Array(n);
  for (let i = 0; i < n; i++) label[i] = i;
  const mask = new Uint32Array(n);
  for (let i = 0; i < n; i++) mask[i] = 1 << p.group[i];
  const alive = new Uint8Array(n).fill(1);
  // Cluster-to-cluster summed weights, updated on every merge.
  const G = Float64Array.from(p.W);
  for (;;) {
    let best = 1e-12, bi = -1, bj = -1;
    for (let i = 0; i < n; i++) {
      if (!alive[i]) continue;
      for (let j = i + 1; j < n; j++) {
        if (!alive[j] || mask[i] & mask[j]) continue;
        const g = G[i * n + j];
        if (g > best) {
          best = g;
          bi = i;
          bj = j;
        }
      }
    }
    if (bi < 0) break;
    alive[bj] = 0;
    mask[bi] |= mask[bj];
    for (let k = 0; k < n; k++) {
      G[bi * n + k] += G[bj * n + k];
      G[k * n + bi] = G[bi * n + k];
    }
    for (let k = 0; k < n; k++) if (label[k] === bj) label[k] = bi;
  }
  localSearch(p, label, maxPasses);
  return relabel(label);
}

/** Single-node moves (to another cluster or alone) and same-group swaps, while one raises the objective. */
function localSearch(p: ClusterProblem, label: Int32Array, maxPasses: number): void {
  const n = p.n;
  for (let pass = 0; pass < maxPasses; pass++) {
    let moved = false;
    for (let i = 0; i < n; i++) {
      const ci = label[i];
      const here = linkSum(p, label, i, ci);
      let bestGain = 1e-9, bestC = -1, bestSwap = -1;
      // Alone: a fresh label no one holds.
      if (-here > bestGain) {
        bestGain = -here;
        bestC = n + i;
      }
      const tried = new Set<number>([ci]);
      for (let k = 0; k < n; k++) {
        const c = label[k];
        if (tried.has(c)) continue;
        tried.add(c);
        const rival = memberOfGroup(p, label, c, p.group[i]);
        if (rival < 0) {
          const gain = linkSum(p, label, i, c) - here;
          if (gain > bestGain) {
            bestGain = gain;
            bestC = c;
            bestSwap = -1;
          }
        } else {
          // i takes rival's place in c, rival takes i's place in ci.
          const gain = linkSum(p, label, i, c, rival) + linkSum(p, label, rival, ci, i) - here - linkSum(p, label, rival, c);
          if (gain > bestGain) {
            bestGain = gain;
            bestC = c;
            bestSwap = rival;
          }
        }
      }
      if (bestC < 0) continue;
      if (bestSwap >= 0) label[bestSwap] = ci;
      label[i] = bestC;
      moved = true;
    }
    if (!moved) break;
  }
}

function relabel(label: Int32Array): Int32Array {
  const map = new Map<number, number>();
  const out = new Int32Array(label.length);
  for (let i = 0; i < label.length; i++) {
    let c = map.get(label[i]);
    if (c === undefined) {
      c = map.size;
      map.set(label[i], c);
    }
    out[i] = c;
  }
  return out;
}

/** The objective: summed W over pairs inside clusters. */
export function clusterObjective(p: ClusterProblem, label: Int32Array): number {
  let s = 0;
  for (let i = 0; i < p.n; i++) for (let j = i + 1; j < p.n; j++) if (label[i] === label[j]) s += p.W[i * p.n + j];
  return s;
}
