/**
 * The temporal lifter's network in tfjs, mirroring training/parallax_train/model_temporal.py: the single-frame
 * LifterNet as the per-frame encoder (tensors under `frame.`), then attention over time per joint and among the
 * target frame set's joints. Inputs are built by temporal.ts (temporalInputs); weights by PyTorch name, shapes
 * checked on load.
 */
import * as tf from '@tensorflow/tfjs-core';
import { blockShapes, Blocks, outputShapes, checkShapes, disposeLinear, foldLinear, linear, type Linear } from './blocks';
import { LifterNet } from './model';
import type { TemporalConfig } from './temporal-manifest';

/** Numbers per (frame set, joint) token: embedding, pose in the target's frame, pose − target pose, log errors, time. */
export function temporalInputSize(c: TemporalConfig): number {
  return c.frame.dim + 3 + 3 + 2 + 3;
}

export function expectedTemporalShapes(c: TemporalConfig): Map<string, number[]> {
  const D = c.dim, J = c.frame.n_joints;
  const m = new Map<string, number[]>();
  m.set('inp.weight', [D, temporalInputSize(c)]);
  m.set('inp.bias', [D]);
  m.set('joint_emb', [J, D]);
  for (let i = 0; i < c.n_time; i++) blockShapes(m, `time.${i}`, D, c.ffn);
  m.set('pose_emb', [J, D]);
  for (let i = 0; i < c.n_pose; i++) blockShapes(m, `pose.${i}`, D, c.ffn);
  outputShapes(m, D);
  return m;
}

export class TemporalNet {
  readonly frame: LifterNet;
  private disposed = false;
  private readonly inp: Linear;
  private readonly jointEmb: tf.Tensor;
  private readonly poseEmb: tf.Tensor;
  private readonly blocks: Blocks;
  private readonly head: Linear;

  constructor(
    readonly config: TemporalConfig,
    weights: ReadonlyMap<string, tf.Tensor>,
  ) {
    const own = new Map<string, tf.Tensor>();
    const enc = new Map<string, tf.Tensor>();
    for (const [k, t] of weights) {
      if (k.startsWith('frame.')) enc.set(k.slice('frame.'.length), t);
      else own.set(k, t);
    }
    checkShapes('temporal lifter', expectedTemporalShapes(config), own);
    this.frame = new LifterNet(config.frame, enc);
    const c = config, D = c.dim;
    this.blocks = new Blocks(D, c.heads, c.ffn, c.ln_eps);
    const get = (n: string) => own.get(n)!.dataSync() as Float32Array;
    this.inp = foldLinear(get('inp.weight'), get('inp.bias'), temporalInputSize(c), D);
    this.jointEmb = tf.clone(own.get('joint_emb')!);
    this.poseEmb = tf.clone(own.get('pose_emb')!);
    for (let i = 0; i < c.n_time; i++) this.blocks.load(`time.${i}`, get);
    for (let i = 0; i < c.n_pose; i++) this.blocks.load(`pose.${i}`, get);
    this.head = foldLinear(get('head.weight'), get('head.bias'), D, 5, get('ln_out.weight'), get('ln_out.bias'));
    for (const t of own.values()) t.dispose();
  }

  /** See Blocks.packRows (both the encoder's and the temporal stages'). */
  set packRows(n: number) {
    this.blocks.packRows = n;
    this.frame.packRows = n;
  }

  /**
   * The temporal part for B windows of T slots: xIn (B,T,J,n_in) tokens, slotMask (B,T) 1 = a frame set with
   * features, target (B) the target's slot, targetPose (B,J,3) the encoder's pose of the target (its canonical
   * frame). → pose (B,J,3) canonical metres, logErr (B,J,2) log metres (own error, the starting triangulation's).
   */
  async run(xIn: Float32Array, slotMask: Float32Array, target: ArrayLike<number>, targetPose: Float32Array, B: number, T: number): Promise<{ pose: Float32Array; logErr: Float32Array }> {
    if (this.disposed) throw new Error('temporal lifter: used after dispose()');
    const c = this.config, J = c.frame.n_joints, D = c.dim, nIn = temporalInputSize(c);
    if (xIn.length !== B * T * J * nIn) throw new Error(`temporal lifter: inputs hold ${xIn.length} numbers, expected ${B}×${T}×${J}×${nIn}`);
    const keyMask = new Float32Array(B * J * T);
    const rows = new Int32Array(B * J);
    for (let b = 0; b < B; b++)
      for (let j = 0; j < J; j++) {
        keyMask.set(slotMask.subarray(b * T, (b + 1) * T), (b * J + j) * T);
        rows[b * J + j] = (b * J + j) * T + target[b];
      }
    const out = tf.tidy(() => {
      const bl = this.blocks;
      const x0 = tf.reshape(linear(this.inp, tf.tensor2d(xIn, [B * T * J, nIn])), [B, T, J, D]);
      let x = tf.reshape(tf.transpose(tf.add(x0, this.jointEmb), [0, 2, 1, 3]), [B * J * T, D]); // rows (b, j, t)
      const m2 = tf.tensor2d(keyMask, [B * J, T]);
      const kb = bl.keyBias(m2, B * J, T);
      const idx = tf.tensor1d(rows, 'int32');
      // Only the target's token is read after the last time block, so that block runs at the target only.
      for (let i = 0; i < c.n_time - 1; i++) x = bl.block(`time.${i}`, x, B * J, T, kb);
      const xt = c.n_time > 0 ? bl.blockAt(`time.${c.n_time - 1}`, x, B * J, T, m2, idx) : tf.gather(x, idx);
      let xp = tf.reshape(tf.add(tf.reshape(xt, [B, J, D]), this.poseEmb), [B * J, D]);
      for (let i = 0; i < c.n_pose; i++) xp = bl.block(`pose.${i}`, xp, B, J, null);
      const o = tf.reshape(linear(this.head, bl.normalize(xp)), [B, J, 5]);
      const [res, logErr] = tf.split(o, [3, 2], -1);
      return { pose: tf.add(tf.tensor3d(targetPose, [B, J, 3]), tf.mul(res, c.out_scale)), logErr };
    });
    try {
      const [pose, logErr] = (await Promise.all([out.pose.data(), out.logErr.data()])) as Float32Array[];
      return { pose, logErr };
    } finally {
      tf.dispose([out.pose, out.logErr]);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.frame.dispose();
    disposeLinear(this.inp);
    disposeLinear(this.head);
    this.blocks.dispose();
    tf.dispose([this.jointEmb, this.poseEmb]);
  }
}
