/**
 * The lifter network in tfjs, mirroring training/parallax_train/model.py module for module: every weight is looked
 * up by its PyTorch state_dict name and its shape is checked against the manifest's config on load. The transformer
 * blocks themselves live in blocks.ts (shared with the temporal lifter).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LifterConfig } from './manifest';
import { blockShapes, Blocks, outputShapes, checkShapes, disposeLinear, foldLinear, linear, type Linear } from './blocks';

/** The shape every tensor must have for a config (PyTorch names, nn.Linear weights are out×in). */
export function expectedShapes(c: LifterConfig): Map<string, number[]> {
  const D = c.dim;
  const m = new Map<string, number[]>();
  m.set('joint_emb', [c.n_joints, D]);
  m.set('inp.weight', [D, c.n_features]);
  m.set('inp.bias', [D]);
  for (let i = 0; i < c.n_spatial; i++) blockShapes(m, `spatial.${i}`, D, c.ffn);
  for (let i = 0; i < c.n_fusion; i++) blockShapes(m, `fusion.${i}`, D, c.ffn);
  m.set('pose_emb', [c.n_joints, D]);
  for (let i = 0; i < c.n_pose; i++) blockShapes(m, `pose.${i}`, D, c.ffn);
  outputShapes(m, D);
  return m;
}

export class LifterNet {
  private disposed = false;
  private readonly inp: Linear;
  private readonly jointEmb: tf.Tensor;
  private readonly poseEmb: tf.Tensor;
  private readonly blocks: Blocks;
  private readonly head: Linear;

  constructor(
    readonly config: LifterConfig,
    weights: ReadonlyMap<string, tf.Tensor>,
  ) {
    checkShapes('lifter', expectedShapes(config), weights);
    this.blocks = new Blocks(config.dim, config.heads, config.ffn, config.ln_eps);
    const D = config.dim;
    const get = (n: string) => weights.get(n)!.dataSync() as Float32Array;
    this.inp = foldLinear(get('inp.weight'), get('inp.bias'), config.n_features, D);
    this.jointEmb = tf.clone(weights.get('joint_emb')!);
    this.poseEmb = tf.clone(weights.get('pose_emb')!);
    for (let i = 0; i < config.n_spatial; i++) this.blocks.load(`spatial.${i}`, get);
    for (let i = 0; i < config.n_fusion; i++) this.blocks.load(`fusion.${i}`, get);
    for (let i = 0; i < config.n_pose; i++) this.blocks.load(`pose.${i}`, get);
    this.head = foldLinear(get('head.weight'), get('head.bias'), D, 5, get('ln_out.weight'), get('ln_out.bias'));
    for (const t of weights.values()) t.dispose();
  }

  /** See Blocks.packRows. */
  get packRows(): number {
    return this.blocks.packRows;
  }
  set packRows(n: number) {
    this.blocks.packRows = n;
  }

  /**
   * tokens (B,V,J,F), mask (B,V,J), base (B,J,3) → pose (B,J,3) canonical metres and logErr (B,J,2)
   * (log metres: the lifter's predicted error, then its starting triangulation's).
   */
  forward(tokens: tf.Tensor, mask: tf.Tensor, base: tf.Tensor): { pose: tf.Tensor; logErr: tf.Tensor } {
    return tf.tidy(() => {
      const { pose, logErr } = this.forwardDetailed(tokens, mask, base);
      return { pose, logErr };
    });
  }

  /**
   * As forward, plus the per-joint embedding (B,J,D): the pose block's output layer-normalised without the affine
   * (what the temporal lifter reads per frame set; training/parallax_train/model_temporal.py encode()).
   */
  forwardDetailed(tokens: tf.Tensor, mask: tf.Tensor, base: tf.Tensor): { pose: tf.Tensor; logErr: tf.Tensor; emb: tf.Tensor } {
    if (this.disposed) throw new Error('lifter: used after dispose()');
    const c = this.config;
    const [B, V, J, F] = tokens.shape;
    if (F !== c.n_features || J !== c.n_joints) throw new Error(`lifter: tokens are [${tokens.shape}], expected [B,V,${c.n_joints},${c.n_features}]`);
    return tf.tidy(() => {
      const D = c.dim;
      const bl = this.blocks;
      const x0 = tf.reshape(linear(this.inp, tf.reshape(tokens, [B * V * J, F])), [B * V, J, D]);
      let x = tf.reshape(tf.add(x0, this.jointEmb), [B * V * J, D]); // rows (b, v, j)
      if (c.n_spatial > 0) {
        const kb = bl.keyBias(tf.reshape(mask, [B * V, J]), B * V, J);
        for (let i = 0; i < c.n_spatial; i++) x = bl.block(`spatial.${i}`, x, B * V, J, kb);
      }
      if (c.n_fusion > 0) {
        const kb = bl.keyBias(tf.reshape(mask, [B, V * J]), B, V * J);
        for (let i = 0; i < c.n_fusion; i++) x = bl.block(`fusion.${i}`, x, B, V * J, kb);
      }
      const m = tf.reshape(mask, [B, V, J, 1]);
      const summed = tf.sum(tf.mul(tf.reshape(x, [B, V, J, D]), m), 1);
      const pooled = tf.div(summed, tf.maximum(tf.sum(m, 1), 1)); // (B,J,D)
      let xp = tf.reshape(tf.add(pooled, this.poseEmb), [B * J, D]);
      for (let i = 0; i < c.n_pose; i++) xp = bl.block(`pose.${i}`, xp, B, J, null);
      const emb = bl.normalize(xp);
      const out = tf.reshape(linear(this.head, emb), [B, J, 5]);
      const [res, logErr] = tf.split(out, [3, 2], -1);
      return { pose: tf.add(base, tf.mul(res, c.out_scale)), logErr, emb: tf.reshape(emb, [B, J, D]) };
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeLinear(this.inp);
    disposeLinear(this.head);
    this.blocks.dispose();
    tf.dispose([this.jointEmb, this.poseEmb]);
  }
}
