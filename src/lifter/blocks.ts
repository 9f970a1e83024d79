/**
 * The transformer machinery both lifters share (model.ts: the single-frame network; temporal-model.ts: the temporal
 * one): PyTorch weights folded for tfjs, pre-norm blocks, masked multi-head attention. Mirrors Block in
 * training/parallax_train/model.py.
 */
import * as tf from '@tensorflow/tfjs-core';

export const MASK_NEG = -1e9;

export interface Linear {
  W: tf.Tensor2D;
  b: tf.Tensor1D;
}
interface BlockWeights {
  q: Linear;
  k: Linear;
  v: Linear;
  proj: Linear;
  fc1: Linear;
  fc2: Linear;
}

/**
 * The output end both networks share: a final LayerNorm and a 5-wide head per joint (a 3D residual from the base
 * pose, and two log error terms).
 */
export function outputShapes(m: Map<string, number[]>, D: number): void {
  m.set('ln_out.weight', [D]);
  m.set('ln_out.bias', [D]);
  m.set('head.weight', [5, D]);
  m.set('head.bias', [5]);
}

/** Shapes of one block's PyTorch tensors under prefix p. */
export function blockShapes(m: Map<string, number[]>, p: string, D: number, ffn: number): void {
  m.set(`${p}.ln1.weight`, [D]);
  m.set(`${p}.ln1.bias`, [D]);
  m.set(`${p}.qkv.weight`, [3 * D, D]);
  m.set(`${p}.qkv.bias`, [3 * D]);
  m.set(`${p}.proj.weight`, [D, D]);
  m.set(`${p}.proj.bias`, [D]);
  m.set(`${p}.ln2.weight`, [D]);
  m.set(`${p}.ln2.bias`, [D]);
  m.set(`${p}.fc1.weight`, [ffn, D]);
  m.set(`${p}.fc1.bias`, [ffn]);
  m.set(`${p}.fc2.weight`, [D, ffn]);
  m.set(`${p}.fc2.bias`, [D]);
}

/** Checks a weight map against the expected shapes: every tensor present with its shape, nothing extra. */
export function checkShapes(what: string, want: Map<string, number[]>, weights: ReadonlyMap<string, tf.Tensor>): void {
  for (const [name, shape] of want) {
    const t = weights.get(name);
    if (!t) throw new Error(`${what} weights: missing tensor "${name}"`);
    if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i]))
      throw new Error(`${what} weights: "${name}" has shape [${t.shape}], the config needs [${shape}]`);
  }
  for (const name of weights.keys()) if (!want.has(name)) throw new Error(`${what} weights: unexpected tensor "${name}"`);
}

/**
 * Linear weights ready for tfjs: transposed to in×out, with a preceding LayerNorm's affine (gamma, beta) and a
 * constant output scale folded in, computed in float64: W' = scale · diag(gamma) Wᵀ, b' = scale · (W beta + b).
 */
export function foldLinear(W: Float32Array, b: Float32Array, nIn: number, nOut: number, gamma?: Float32Array, beta?: Float32Array, scale = 1): Linear {
  const Wt = new Float32Array(nIn * nOut);
  const bo = new Float32Array(nOut);
  for (let o = 0; o < nOut; o++) {
    let acc = b[o];
    for (let i = 0; i < nIn; i++) {
      const w = W[o * nIn + i];
      Wt[i * nOut + o] = scale * (gamma ? gamma[i] : 1) * w;
      if (beta) acc += w * beta[i];
    }
    bo[o] = scale * acc;
  }
  return { W: tf.tensor2d(Wt, [nIn, nOut]), b: tf.tensor1d(bo) };
}

/** fc2 after the folded GELU: its input arrives scaled by √2 relative to PyTorch's, so W' = s·Wᵀ, b unchanged. */
function foldWithInputScale(W: Float32Array, b: Float32Array, nIn: number, nOut: number, s: number): Linear {
  const Wt = new Float32Array(nIn * nOut);
  for (let o = 0; o < nOut; o++) for (let i = 0; i < nIn; i++) Wt[i * nOut + o] = s * W[o * nIn + i];
  return { W: tf.tensor2d(Wt, [nIn, nOut]), b: tf.tensor1d(b) };
}

export function linear(l: Linear, x: tf.Tensor): tf.Tensor {
  return tf.fused.matMul({ a: x as tf.Tensor2D, b: l.W, bias: l.b });
}

export function disposeLinear(l: Linear): void {
  tf.dispose([l.W, l.b]);
}

/** Pre-norm blocks of one width, by PyTorch prefix, with the attention layouts tfjs-wasm runs fastest. */
export class Blocks {
  private readonly blocks = new Map<string, BlockWeights>();
  private readonly masks = new Map<string, tf.Tensor>();
  /**
   * Attention rows (tokens × heads) up to which a whole stage is packed into one 2-D product (see attention()).
   * 0 = never pack (PyTorch's per-item layout), for tests of the other path.
   */
  packRows = 320;

  constructor(
    readonly dim: number,
    readonly heads: number,
    readonly ffn: number,
    readonly lnEps: number,
  ) {
    if (dim % heads !== 0) throw new Error(`lifter config: dim ${dim} is not a multiple of heads ${heads}`);
  }

  /** Folds block p's PyTorch tensors (read through get) for tfjs. */
  load(p: string, get: (name: string) => Float32Array): void {
    const D = this.dim, dh = D / this.heads;
    const g1 = get(`${p}.ln1.weight`), b1 = get(`${p}.ln1.bias`);
    const qkvW = get(`${p}.qkv.weight`), qkvB = get(`${p}.qkv.bias`);
    // Rows of qkv are [q; k; v] (PyTorch's reshape(…, 3, H, dh)); 1/√dh is folded into q.
    const part = (i: number, scale: number) =>
      foldLinear(qkvW.subarray(i * D * D, (i + 1) * D * D), qkvB.subarray(i * D, (i + 1) * D), D, D, g1, b1, scale);
    // GELU in erf form: fc1 emits u = h/√2, so gelu(h) = u(1 + erf(u))/√2 and the 1/√2 goes into fc2.
    this.blocks.set(p, {
      q: part(0, 1 / Math.sqrt(dh)),
      k: part(1, 1),
      v: part(2, 1),
      proj: foldLinear(get(`${p}.proj.weight`), get(`${p}.proj.bias`), D, D),
      fc1: foldLinear(get(`${p}.fc1.weight`), get(`${p}.fc1.bias`), D, this.ffn, get(`${p}.ln2.weight`), get(`${p}.ln2.bias`), Math.SQRT1_2),
      fc2: foldWithInputScale(get(`${p}.fc2.weight`), get(`${p}.fc2.bias`), this.ffn, D, Math.SQRT1_2),
    });
  }

  /** LayerNorm without its affine part (folded into the next linear). */
  normalize(x: tf.Tensor): tf.Tensor {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.lnEps)));
  }

  /** Additive mask over packed rows (item, token, head): 0 where two rows share item and head, MASK_NEG elsewhere. */
  private packMask(N: number, T: number, H: number): tf.Tensor {
    const key = `${N}x${T}x${H}`;
    let m = this.masks.get(key);
    if (!m) {
      const n = N * T * H;
      const data = new Float32Array(n * n).fill(MASK_NEG);
      for (let i = 0; i < n; i++) {
        const item = Math.floor(i / (T * H)), h = i % H;
        for (let t = 0; t < T; t++) data[i * n + (item * T + t) * H + h] = 0;
      }
      m = tf.keep(tf.tensor2d(data, [n, n])); // built inside a forward's tidy, reused across calls
      this.masks.set(key, m);
    }
    return m;
  }

  private packed(N: number, T: number): boolean {
    return N * T * this.heads <= this.packRows;
  }

  /** The key mask (N,T) of 0/1 as the additive bias attention() wants for this stage's layout. */
  keyBias(mask2d: tf.Tensor, N: number, T: number): tf.Tensor {
    const H = this.heads;
    const bias = tf.mul(tf.sub(1, mask2d), MASK_NEG);
    if (this.packed(N, T)) return tf.reshape(tf.tile(tf.reshape(bias, [N * T, 1]), [1, H]), [1, N * T * H]);
    return tf.reshape(tf.tile(tf.reshape(bias, [N, 1, T]), [1, H, 1]), [N * H, 1, T]);
  }

  /**
   * Multi-head softmax attention for N items of T tokens; q/k/v rows (N·T, D). On tfjs-wasm only a 2-D matMul
   * without transposeB takes the fast path, and every batch entry of a batched one costs a fixed overhead. So a
   * small stage (N·T·H ≤ packRows) runs as one (NTH × NTH) product over rows (item, token, head), which needs no
   * head transposes, with a mask that keeps each row within its own item and head (the off-block weights are
   * exactly 0 after the softmax: the same sums as per item); a large one as a batched product per (item, head).
   */
  private attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, N: number, T: number, keyBias: tf.Tensor | null): tf.Tensor {
    const D = this.dim, H = this.heads, dh = D / H;
    if (this.packed(N, T)) {
      const n = N * T * H;
      let att = tf.matMul(tf.reshape(q, [n, dh]), tf.transpose(tf.reshape(k, [n, dh])));
      if (n > T) att = tf.add(att, this.packMask(N, T, H));
      if (keyBias) att = tf.add(att, keyBias);
      return tf.reshape(tf.matMul(tf.softmax(att, -1), tf.reshape(v, [n, dh])), [N * T, D]);
    }
    const heads = (t: tf.Tensor, perm: number[]) => tf.transpose(tf.reshape(t, [N, T, H, dh]), perm);
    const qh = tf.reshape(heads(q, [0, 2, 1, 3]), [N * H, T, dh]);
    const kT = tf.reshape(heads(k, [0, 2, 3, 1]), [N * H, dh, T]);
    const vh = tf.reshape(heads(v, [0, 2, 1, 3]), [N * H, T, dh]);
    let att = tf.matMul(qh, kT);
    if (keyBias) att = tf.add(att, keyBias);
    const o = tf.matMul(tf.softmax(att, -1), vh);
    return tf.reshape(tf.transpose(tf.reshape(o, [N, H, T, dh]), [0, 2, 1, 3]), [N * T, D]);
  }

  /** Pre-norm block `name` on rows x (N·T, D). */
  block(name: string, x: tf.Tensor, N: number, T: number, keyBias: tf.Tensor | null): tf.Tensor {
    const w = this.blocks.get(name)!;
    const xn = this.normalize(x);
    const y = this.attention(linear(w.q, xn), linear(w.k, xn), linear(w.v, xn), N, T, keyBias);
    const x1 = tf.add(x, linear(w.proj, y));
    const u = linear(w.fc1, this.normalize(x1));
    return tf.add(x1, linear(w.fc2, tf.mul(u, tf.add(tf.erf(u), 1))));
  }

  /**
   * Block `name` evaluated only at one query row per item: x rows (N·T, D), mask2d (N,T) 0/1 over keys, rows (N)
   * int32 indices into x of each item's query. Returns those rows after the block (N, D): the same numbers as
   * block() followed by a gather, at a T-th of the query, projection and feed-forward work (a last layer whose other
   * outputs nobody reads).
   */
  blockAt(name: string, x: tf.Tensor, N: number, T: number, mask2d: tf.Tensor, rows: tf.Tensor): tf.Tensor {
    const w = this.blocks.get(name)!;
    const D = this.dim, H = this.heads, dh = D / H;
    const xn = this.normalize(x);
    const q = tf.reshape(linear(w.q, tf.gather(xn, rows)), [N * H, 1, dh]);
    const kT = tf.reshape(tf.transpose(tf.reshape(linear(w.k, xn), [N, T, H, dh]), [0, 2, 3, 1]), [N * H, dh, T]);
    const v = tf.reshape(tf.transpose(tf.reshape(linear(w.v, xn), [N, T, H, dh]), [0, 2, 1, 3]), [N * H, T, dh]);
    const bias = tf.reshape(tf.tile(tf.reshape(tf.mul(tf.sub(1, mask2d), MASK_NEG), [N, 1, T]), [1, H, 1]), [N * H, 1, T]);
    const att = tf.softmax(tf.add(tf.matMul(q, kT), bias), -1);
    const y = tf.reshape(tf.matMul(att, v), [N, D]);
    const x1 = tf.add(tf.gather(x, rows), linear(w.proj, y));
    const u = linear(w.fc1, this.normalize(x1));
    return tf.add(x1, linear(w.fc2, tf.mul(u, tf.add(tf.erf(u), 1))));
  }

  dispose(): void {
    for (const b of this.blocks.values()) [b.q, b.k, b.v, b.proj, b.fc1, b.fc2].forEach(disposeLinear);
    tf.dispose([...this.masks.values()]);
    this.blocks.clear();
    this.masks.clear();
  }
}
