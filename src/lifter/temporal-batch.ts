/**
 * The temporal lifter's work in batches: encode frame sets (single-frame encoder), plan each target's window after
 * the held past, and run the windows through the temporal network. Apart from temporal.ts (the FusionMethod: state,
 * rig, fallback, history) because one batch path serves two callers: one method's call over many frame sets, and
 * one frame set for many forks (one person each) that share a network — their targets run in one batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Camera } from '../geometry/camera';
import type { FrameViews } from '../fusion/types';
import { isTimeJump } from '../fusion/segments';
import { NUM_JOINTS } from '../keypoints/coco17';
import { canonicalToWorld, frameFeatures, N_FEATURES, type FrameFeatures } from './features';
import type { LiftResult } from './lifter';
import { temporalInputSize, type TemporalNet } from './temporal-model';
import { selectWindow, timeFeatures } from './window';

const J = NUM_JOINTS;

/** One frame set after the encoder. */
export interface Encoded {
  time: number;
  f: FrameFeatures;
  /** World pose (J×3) from the encoder, null where the features were not ok. */
  world: Float64Array | null;
  logErr: Float32Array | null;
  emb: Float32Array | null;
}

/** A frame set to lift: its window (indices into `all`, the past and the call), the result written to out[i]. */
export interface Target {
  i: number;
  idx: number[];
  nPast: number;
  all: Encoded[];
  out: LiftResult[];
}

/** One call's work between encoding and keeping its history. */
export interface Call {
  frames: ReadonlyArray<FrameViews>;
  all: Encoded[];
  segStart: number[];
  out: LiftResult[];
  targets: Target[];
}

/**
 * The call's encoded frame sets after the held past (`history`): segments (a time jump starts afresh) and the
 * windows to run.
 */
export function planCall(history: readonly Encoded[], offline: boolean, frames: ReadonlyArray<FrameViews>, enc: Encoded[]): Call {
  const all: Encoded[] = [...history];
  const segStart: number[] = history.map(() => 0);
  let start = 0;
  for (const e of enc) {
    const prev = all[all.length - 1];
    if (prev && isTimeJump(prev.time, e.time)) start = all.length;
    all.push(e);
    segStart.push(start);
  }
  const segEnd = new Array<number>(all.length);
  for (let i = all.length - 1; i >= 0; i--) segEnd[i] = i + 1 < all.length && segStart[i + 1] === segStart[i] ? segEnd[i + 1] : i + 1;
  const t = all.map((e) => e.time);
  const h0 = history.length;
  const out: LiftResult[] = new Array(frames.length);
  const targets: Target[] = [];
  for (let i = 0; i < enc.length; i++) {
    const k = h0 + i;
    if (!all[k].world) {
      out[i] = { pose: null, reason: all[k].f.reason ?? 'no usable views' };
      continue;
    }
    targets.push({ i, all, out, ...selectWindow(t, k, offline, segStart[k], segEnd[k]) });
  }
  return { frames, all, segStart, out, targets };
}

/** The targets' windows through the network, `batchSize` at a time; each result lands in its call's out. */
export async function runTargets(net: TemporalNet, targets: readonly Target[], batchSize: number): Promise<void> {
  for (let s = 0; s < targets.length; s += batchSize) {
    const chunk = targets.slice(s, s + batchSize);
    const res = await runWindows(net, chunk);
    chunk.forEach((c, k) => (c.out[c.i] = res[k]));
  }
}

/** Features and the single-frame encoder for every frame set of the call (batched). */
export async function encodeFrameSets(net: TemporalNet, cameras: readonly Camera[], frames: ReadonlyArray<FrameViews>, times: ArrayLike<number>, batchSize: number): Promise<Encoded[]> {
  const enc: Encoded[] = frames.map((views, i) => ({ time: times[i], f: frameFeatures(cameras, views), world: null, logErr: null, emb: null }));
  const okIdx = enc.flatMap((e, i) => (e.f.ok ? [i] : []));
  const V = cameras.length, F = N_FEATURES, Df = net.config.frame.dim;
  for (let s = 0; s < okIdx.length; s += batchSize) {
    const chunk = okIdx.slice(s, s + batchSize);
    const B = chunk.length;
    const tokens = new Float32Array(B * V * J * F), mask = new Float32Array(B * V * J), base = new Float32Array(B * J * 3);
    chunk.forEach((i, b) => {
      tokens.set(enc[i].f.tokens, b * V * J * F);
      mask.set(enc[i].f.mask, b * V * J);
      base.set(enc[i].f.base, b * J * 3);
    });
    const r = tf.tidy(() => net.frame.forwardDetailed(tf.tensor4d(tokens, [B, V, J, F]), tf.tensor3d(mask, [B, V, J]), tf.tensor3d(base, [B, J, 3])));
    let pose: Float32Array, logErr: Float32Array, emb: Float32Array;
    try {
      [pose, logErr, emb] = (await Promise.all([r.pose.data(), r.logErr.data(), r.emb.data()])) as Float32Array[];
    } finally {
      tf.dispose([r.pose, r.logErr, r.emb]);
    }
    chunk.forEach((i, b) => {
      const can = pose.subarray(b * J * 3, (b + 1) * J * 3);
      const world = canonicalToWorld(enc[i].f, can);
      if (!world.every(Number.isFinite)) {
        enc[i].f = { ...enc[i].f, ok: false, reason: 'the network produced a non-finite pose' };
        return;
      }
      enc[i].world = world;
      enc[i].logErr = logErr.slice(b * J * 2, (b + 1) * J * 2);
      enc[i].emb = emb.slice(b * J * Df, (b + 1) * J * Df);
    });
  }
  return enc;
}

/** The temporal network on a batch of windows (each padded to the batch's longest). */
async function runWindows(net: TemporalNet, chunk: readonly Target[]): Promise<LiftResult[]> {
  const c = net.config, Df = c.frame.dim, nIn = temporalInputSize(c);
  const B = chunk.length, T = Math.max(...chunk.map((w) => w.idx.length));
  const x = new Float32Array(B * T * J * nIn);
  const slot = new Float32Array(B * T);
  const tpose = new Float32Array(B * J * 3);
  const target = chunk.map((w) => w.nPast);
  const ref = new Float64Array(J * 3);
  chunk.forEach((w, b) => {
    const all = w.all;
    const tg = all[w.idx[w.nPast]];
    const Q = tg.f.frame, A = tg.f.anchor;
    const toRef = (world: Float64Array, into: Float64Array) => {
      for (let j = 0; j < J; j++) {
        const dx = world[3 * j] - A[0], dy = world[3 * j + 1] - A[1], dz = world[3 * j + 2] - A[2];
        for (let r = 0; r < 3; r++) into[3 * j + r] = Q[3 * r] * dx + Q[3 * r + 1] * dy + Q[3 * r + 2] * dz;
      }
    };
    toRef(tg.world!, ref);
    for (let n = 0; n < 3 * J; n++) tpose[b * J * 3 + n] = ref[n];
    const tp = tpose.subarray(b * J * 3, (b + 1) * J * 3);
    w.idx.forEach((k, s) => {
      const e = all[k];
      if (!e.world) return; // masked slot
      slot[b * T + s] = 1;
      toRef(e.world, ref);
      const tau = e.time - tg.time;
      for (let j = 0; j < J; j++) {
        const at = ((b * T + s) * J + j) * nIn;
        x.set(e.emb!.subarray(j * Df, (j + 1) * Df), at);
        let o = at + Df;
        for (let r = 0; r < 3; r++) x[o++] = ref[3 * j + r];
        for (let r = 0; r < 3; r++) x[o++] = (ref[3 * j + r] - tp[3 * j + r]) * c.diff_scale;
        x[o++] = e.logErr![2 * j];
        x[o++] = e.logErr![2 * j + 1];
        timeFeatures(tau, c.time_scale_s, x, o);
      }
    });
  });
  const { pose, logErr } = await net.run(x, slot, target, tpose, B, T);
  return chunk.map((w, b) => {
    const all = w.all;
    const tg = all[w.idx[w.nPast]];
    const joints = canonicalToWorld(tg.f, pose.subarray(b * J * 3, (b + 1) * J * 3));
    if (!joints.every(Number.isFinite)) return { pose: null, reason: 'the network produced a non-finite pose' };
    let predErr = 0, baseErr = 0;
    for (let j = 0; j < J; j++) {
      predErr += Math.exp(logErr[(b * J + j) * 2]);
      baseErr += Math.exp(logErr[(b * J + j) * 2 + 1]);
    }
    const first = all[w.idx[0]].time, last = all[w.idx[w.idx.length - 1]].time;
    return {
      pose: {
        joints,
        valid: new Uint8Array(J).fill(1),
        info: {
          views: tg.f.nViews,
          predictedErrorMm: Math.round((predErr / J) * 1e4) / 10,
          predictedTriangulationErrorMm: Math.round((baseErr / J) * 1e4) / 10,
          windowFrameSets: w.idx.filter((k) => all[k].world).length,
          windowMs: Math.round((last - first) * 1000),
        },
      },
    };
  });
}
