/**
 * The lifter network in tfjs, mirroring training/parallax_train/model.py module for module: every weight is looked
 * up by its PyTorch state_dict name and its shape is checked against the manifest's config on load.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LifterConfig } from './manifest';

const MASK_NEG = -1e9;
const SQRT1_2 = Math.SQRT1_2;

/** The shape every tensor must have for a config (PyTorch names, nn.Linear weights are out×in). */
export function expectedShapes(c: LifterConfig): Map<string, number[]> {
  const D = c.dim;
  const m = new Map<string, number[]>();
  m.set('joint_emb', [c.n_joints, D]);
  m.set('inp.weight', [D, c.n_features]);
  m.set('inp.bias', [D]);
  const block = (p: string) => {
    m.set(`${p}.ln1.weight`, [D]);
    m.set(`${p}.ln1.bias`, [D]);
    m.set(`${p}.qkv.weight`, [3 * D, D]);
    m.set(`${p}.qkv.bias`, [3 * D]);
    m.set(`${p}.proj.weight`, [D, D]);
    m.set(`${p}.proj.bias`, [D]);
    m.set(`${p}.ln2.weight`, [D]);
    m.set(`${p}.ln2.bias`, [D]);
    m.set(`${p}.fc1.weight`, [c.ffn, D]);
    m.set(`${p}.fc1.bias`, [c.ffn]);
    m.set(`${p}.fc2.weight`, [D, c.ffn]);
    m.set(`${p}.fc2.bias`, [D]);
  };
  for (let i = 0; i < c.n_spatial; i++) block(`spatial.${i}`);
  for (let i = 0; i < c.n_fusion; i++) block(`fusion.${i}`);
  m.set('pose_emb', [c.n_joints, D]);
  for (let i = 0; i < c.n_pose; i++) block(`pose.${i}`);
  m.set('ln_out.weight', [D]);
  m.set('ln_out.bias', [D]);
  m.set('head.weight', [5, D]);
  m.set('head.bias', [5]);
  return m;
}

export class LifterNet {
  private disposed = false;
  /** Linear weights pre-transposed to in×out once, so every linear is one fused matMul + bias on 2-D rows. */
  private readonly w = new Map<string, tf.Tensor>();

  constructor(
    readonly config: LifterConfig,
    weights: ReadonlyMap<string, tf.Tensor>,
  ) {
    const want = expectedShapes(config);
    for (const [name, shape] of want) {
      const t = weights.get(name);
      if (!t) throw new Error(`lifter weights: missing tensor "${name}"`);
      if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i]))
        throw new Error(`lifter weights: "${name}" has shape [${t.shape}], the config needs [${shape}]`);
    }
    for (const name of weights.keys()) if (!want.has(name)) throw new Error(`lifter weights: unexpected tensor "${name}"`);
    if (config.dim % config.heads !== 0) throw new Error(`lifter config: dim ${config.dim} is not a multiple of heads ${config.heads}`);
    for (const [name, t] of weights) {
      if (name.endsWith('.weight') && t.shape.length === 2) {
        this.w.set(name, tf.transpose(t));
        t.dispose();
      } else this.w.set(name, t);
    }
  }

  private p(name: string): tf.Tensor {
    return this.w.get(name)!;
  }

  /** nn.Linear on rows x (n, in) → (n, out). */
  private linear(prefix: string, x: tf.Tensor): tf.Tensor {
    return tf.fused.matMul({ a: x as tf.Tensor2D, b: this.p(`${prefix}.weight`) as tf.Tensor2D, bias: this.p(`${prefix}.bias`) });
  }

  private layerNorm(prefix: string, x: tf.Tensor): tf.Tensor {
    const { mean, variance } = tf.moments(x, -1, true);
    const xn = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.config.ln_eps)));
    return tf.add(tf.mul(xn, this.p(`${prefix}.weight`)), this.p(`${prefix}.bias`));
  }

  /** Pre-norm block on rows x (N·T, D); keyBias (N,1,1,T) additive or null. */
  private block(prefix: string, x: tf.Tensor, N: number, T: number, keyBias: tf.Tensor | null): tf.Tensor {
    const D = this.config.dim, H = this.config.heads, dh = D / H;
    const qkv = this.linear(`${prefix}.qkv`, this.layerNorm(`${prefix}.ln1`, x)); // (N·T, 3D)
    const heads = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [N, T, H, dh]), [0, 2, 1, 3]), [N * H, T, dh]);
    const [q, k, v] = tf.split(qkv, 3, -1).map(heads);
    let att = tf.matMul(q, k, false, true);
    att = tf.mul(att, 1 / Math.sqrt(dh));
    if (keyBias) att = tf.add(tf.reshape(att, [N, H, T, T]), keyBias);
    att = tf.reshape(tf.softmax(att, -1), [N * H, T, T]);
    const y = tf.reshape(tf.transpose(tf.reshape(tf.matMul(att, v), [N, H, T, dh]), [0, 2, 1, 3]), [N * T, D]);
    const x1 = tf.add(x, this.linear(`${prefix}.proj`, y));
    const h = this.linear(`${prefix}.fc1`, this.layerNorm(`${prefix}.ln2`, x1));
    // GELU, erf form (tfjs has no gelu op).
    const g = tf.mul(tf.mul(h, 0.5), tf.add(tf.erf(tf.mul(h, SQRT1_2)), 1));
    return tf.add(x1, this.linear(`${prefix}.fc2`, g));
  }

  /**
   * tokens (B,V,J,F), mask (B,V,J), base (B,J,3) → pose (B,J,3) canonical metres and logErr (B,J,2)
   * (log metres: the lifter's predicted error, then its starting triangulation's).
   */
  forward(tokens: tf.Tensor, mask: tf.Tensor, base: tf.Tensor): { pose: tf.Tensor; logErr: tf.Tensor } {
    if (this.disposed) throw new Error('lifter: used after dispose()');
    const c = this.config;
    const [B, V, J, F] = tokens.shape;
    if (F !== c.n_features || J !== c.n_joints) throw new Error(`lifter: tokens are [${tokens.shape}], expected [B,V,${c.n_joints},${c.n_features}]`);
    return tf.tidy(() => {
      const D = c.dim;
      const emb = tf.reshape(tf.tile(this.p('joint_emb'), [B * V, 1]), [B * V * J, D]);
      let x = tf.add(this.linear('inp', tf.reshape(tokens, [B * V * J, F])), emb); // rows (b, v, j)
      const bias = tf.mul(tf.sub(1, mask), MASK_NEG);
      const sb = tf.reshape(bias, [B * V, 1, 1, J]);
      for (let i = 0; i < c.n_spatial; i++) x = this.block(`spatial.${i}`, x, B * V, J, sb);
      const fb = tf.reshape(bias, [B, 1, 1, V * J]);
      for (let i = 0; i < c.n_fusion; i++) x = this.block(`fusion.${i}`, x, B, V * J, fb);
      const m = tf.reshape(mask, [B, V, J, 1]);
      const summed = tf.sum(tf.mul(tf.reshape(x, [B, V, J, D]), m), 1);
      const pooled = tf.div(summed, tf.maximum(tf.sum(m, 1), 1)); // (B,J,D)
      let xp = tf.reshape(tf.add(pooled, this.p('pose_emb')), [B * J, D]);
      for (let i = 0; i < c.n_pose; i++) xp = this.block(`pose.${i}`, xp, B, J, null);
      const out = tf.reshape(this.linear('head', this.layerNorm('ln_out', xp)), [B, J, 5]);
      const [res, logErr] = tf.split(out, [3, 2], -1);
      return { pose: tf.add(base, tf.mul(res, c.out_scale)), logErr };
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.w.values()) t.dispose();
  }
}
