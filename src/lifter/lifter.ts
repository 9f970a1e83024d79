/**
 * The learned multi-view lifter as a FusionMethod: features (features.ts) → tfjs network (model.ts) → world pose.
 * Frame sets with fewer than 2 usable views, or whose views cannot see depth (depth.ts), get no pose, and the
 * reason is kept (estimateDetailed). By default a
 * frame set whose own predicted errors say the network did worse than triangulation (fallback.ts) gets robust
 * triangulation's pose instead, marked info.fallback = true with info.fallbackReason; id 'lifter'. Without the
 * fallback (options.fallback = null) it is the raw network, id 'lifter-raw'.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Camera } from '../geometry/camera';
import type { FrameViews, FusionMethod, Pose3D } from '../fusion/types';
import { NUM_JOINTS } from '../keypoints/coco17';
import { canonicalToWorld, frameFeatures, N_FEATURES, type FrameFeatures } from './features';
import type { LifterNet } from './model';
import { TriangulationMethod } from '../triangulation/methods';
import { applyFallback, DEFAULT_FALLBACK_RULE, type FallbackRule } from './fallback';
import { depthRefusal } from './depth';

const J = NUM_JOINTS;

export interface LiftResult {
  pose: Pose3D | null;
  /** Why pose is null. */
  reason?: string;
}

export interface LifterOptions {
  label?: string;
  /** Where the network steps aside, this method's pose is used; null = never (the raw network). Default robust. */
  fallback?: FusionMethod | null;
  rule?: FallbackRule;
}

export class LifterMethod implements FusionMethod {
  readonly id: 'lifter' | 'lifter-raw';
  readonly label: string;
  readonly fallback: FusionMethod | null;
  readonly rule: FallbackRule;
  /** Frame sets run through the network together (throughput on wasm; memory on WebGL). */
  batchSize = 64;

  constructor(
    readonly net: LifterNet,
    options: LifterOptions = {},
  ) {
    this.fallback = options.fallback === undefined ? new TriangulationMethod('robust') : options.fallback;
    this.rule = options.rule ?? DEFAULT_FALLBACK_RULE;
    this.id = this.fallback ? 'lifter' : 'lifter-raw';
    this.label = options.label ?? (this.fallback ? 'Lifter (MPL-style)' : 'Lifter, raw network (no fallback)');
  }

  async estimateFrames(cameras: readonly Camera[], frames: ReadonlyArray<FrameViews>): Promise<(Pose3D | null)[]> {
    return (await this.estimateDetailed(cameras, frames)).map((r) => r.pose);
  }

  async estimateDetailed(cameras: readonly Camera[], frames: ReadonlyArray<FrameViews>): Promise<LiftResult[]> {
    const out: LiftResult[] = new Array(frames.length);
    const feats: FrameFeatures[] = [];
    const index: number[] = [];
    for (let i = 0; i < frames.length; i++) {
      const f = frameFeatures(cameras, frames[i]);
      const noDepth = f.ok ? depthRefusal(cameras, frames[i], f.anchor) : null;
      if (!f.ok) out[i] = { pose: null, reason: f.reason ?? 'no usable views' };
      else if (noDepth) out[i] = { pose: null, reason: noDepth };
      else {
        feats.push(f);
        index.push(i);
      }
    }
    for (let s = 0; s < feats.length; s += this.batchSize) {
      const chunk = feats.slice(s, s + this.batchSize);
      const res = await this.run(cameras.length, chunk);
      chunk.forEach((f, k) => (out[index[s + k]] = res[k]));
    }
    if (this.fallback) await applyFallback(this.fallback, this.rule, cameras, frames, out, index);
    return out;
  }

  private async run(V: number, chunk: FrameFeatures[]): Promise<LiftResult[]> {
    const B = chunk.length, F = N_FEATURES;
    const tokens = new Float32Array(B * V * J * F);
    const mask = new Float32Array(B * V * J);
    const base = new Float32Array(B * J * 3);
    chunk.forEach((f, b) => {
      tokens.set(f.tokens, b * V * J * F);
      mask.set(f.mask, b * V * J);
      base.set(f.base, b * J * 3);
    });
    const { poseData, errData } = await runNet(this.net, tokens, mask, base, [B, V, J, F]);
    return chunk.map((f, b) => {
      const can = poseData.subarray(b * J * 3, (b + 1) * J * 3);
      const joints = canonicalToWorld(f, can);
      if (!joints.every(Number.isFinite)) return { pose: null, reason: 'the network produced a non-finite pose' };
      let predErr = 0, baseErr = 0;
      for (let j = 0; j < J; j++) {
        predErr += Math.exp(errData[(b * J + j) * 2]);
        baseErr += Math.exp(errData[(b * J + j) * 2 + 1]);
      }
      const pose: Pose3D = {
        joints,
        valid: new Uint8Array(J).fill(1),
        info: {
          views: f.nViews,
          predictedErrorMm: Math.round((predErr / J) * 1e4) / 10,
          predictedTriangulationErrorMm: Math.round((baseErr / J) * 1e4) / 10,
        },
      };
      return { pose };
    });
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** One forward pass on typed arrays; every tensor is released before returning. */
export async function runNet(
  net: LifterNet,
  tokens: Float32Array,
  mask: Float32Array,
  base: Float32Array,
  shape: [number, number, number, number],
): Promise<{ poseData: Float32Array; errData: Float32Array }> {
  const [B, V, Jn] = shape;
  const tT = tf.tensor4d(tokens, shape);
  const tM = tf.tensor3d(mask, [B, V, Jn]);
  const tB = tf.tensor3d(base, [B, Jn, 3]);
  const { pose, logErr } = net.forward(tT, tM, tB);
  try {
    const [poseData, errData] = (await Promise.all([pose.data(), logErr.data()])) as Float32Array[];
    return { poseData, errData };
  } finally {
    tf.dispose([tT, tM, tB, pose, logErr]);
  }
}
