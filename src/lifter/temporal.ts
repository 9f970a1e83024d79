/**
 * The temporal lifter as a stateful FusionMethod (issue 13): every frame set goes through the single-frame encoder
 * once; the target's window (window.ts) of encoded frame sets, moved into the target's canonical frame through the
 * world, goes through the temporal network (temporal-model.ts).
 *
 * 'lifter-temporal' (timing 'causal'): the window holds the target and the frame sets before it: no added latency
 * beyond the network's own; the pose of a frame set is final when it arrives (live).
 * 'lifter-offline' (timing 'offline'): the window is centred: up to 0.5 s of frame sets on each side, from this
 * call and the past ones kept since reset(); frame sets after the call's last are not waited for (a whole take or
 * export is one call).
 *
 * State: the encoded frame sets of the last 0.5 s of the current segment. It is forgotten on reset(), when time
 * jumps (a gap over MAX_GAP_S or time going back: fusion/segments.ts) and when the camera array changes. A target
 * frame set with fewer than 2 usable views gets no pose (with the reason); absent views and joints in other frame
 * sets of the window are masked. The fallback to robust triangulation is the single-frame lifter's (fallback.ts),
 * on the temporal network's own error predictions.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Camera } from '../geometry/camera';
import type { FrameViews, FusionMethod, Pose3D } from '../fusion/types';
import { isTimeJump } from '../fusion/segments';
import { sameRig } from '../fusion/same-rig';
import { NUM_JOINTS } from '../keypoints/coco17';
import { TriangulationMethod } from '../triangulation/methods';
import { applyFallback, DEFAULT_FALLBACK_RULE, type FallbackRule } from './fallback';
import { canonicalToWorld, frameFeatures, N_FEATURES, type FrameFeatures } from './features';
import type { LiftResult } from './lifter';
import { temporalInputSize, type TemporalNet } from './temporal-model';
import { selectWindow, timeFeatures, WINDOW_CONSTANTS } from './window';

const J = NUM_JOINTS;

/** One frame set after the encoder. */
interface Encoded {
  time: number;
  f: FrameFeatures;
  /** World pose (J×3) from the encoder, null where the features were not ok. */
  world: Float64Array | null;
  logErr: Float32Array | null;
  emb: Float32Array | null;
}

/** A frame set to lift: its window (indices into `all`, the past and the call), the result written to out[i]. */
interface Target {
  i: number;
  idx: number[];
  nPast: number;
  all: Encoded[];
  out: LiftResult[];
}

/** One call's work between encoding and keeping its history. */
interface Call {
  frames: ReadonlyArray<FrameViews>;
  all: Encoded[];
  segStart: number[];
  out: LiftResult[];
  targets: Target[];
}

export interface TemporalOptions {
  offline?: boolean;
  label?: string;
  /** Where the network steps aside, this method's pose is used; null = never. Default robust triangulation. */
  fallback?: FusionMethod | null;
  rule?: FallbackRule;
}

export class TemporalLifterMethod implements FusionMethod {
  readonly id: 'lifter-temporal' | 'lifter-offline';
  readonly label: string;
  readonly timing: 'causal' | 'offline';
  readonly fallback: FusionMethod | null;
  readonly rule: FallbackRule;
  /** Frame sets (encoder) and windows (temporal network) run together. */
  batchSize = 64;
  private history: Encoded[] = [];
  private cameras: readonly Camera[] | null = null;
  /** False for a fork: the network belongs to the instance it was forked from. */
  private readonly ownsNet: boolean;

  constructor(
    readonly net: TemporalNet,
    options: TemporalOptions = {},
    ownsNet = true,
  ) {
    this.ownsNet = ownsNet;
    const offline = options.offline ?? false;
    this.id = offline ? 'lifter-offline' : 'lifter-temporal';
    this.timing = offline ? 'offline' : 'causal';
    this.label = options.label ?? (offline ? 'Temporal lifter, offline (±0.5 s)' : 'Temporal lifter (live, past 0.5 s)');
    this.fallback = options.fallback === undefined ? new TriangulationMethod('robust') : options.fallback;
    this.rule = options.rule ?? DEFAULT_FALLBACK_RULE;
  }

  reset(): void {
    this.history = [];
    this.cameras = null;
  }

  /**
   * Another person's instance: the same network (its weights are not loaded again) and fallback (triangulation,
   * which keeps no past), a history of its own.
   */
  fork(): TemporalLifterMethod {
    const f = new TemporalLifterMethod(this.net, { offline: this.timing === 'offline', label: this.label, fallback: this.fallback, rule: this.rule }, false);
    f.batchSize = this.batchSize;
    return f;
  }

  /** Encoded frame sets held for the next call (for tests: the state stays bounded). */
  get heldFrameSets(): number {
    return this.history.length;
  }

  async estimateFrames(cameras: readonly Camera[], frames: ReadonlyArray<FrameViews>, times?: ArrayLike<number>): Promise<(Pose3D | null)[]> {
    return (await this.estimateDetailed(cameras, frames, times)).map((r) => r.pose);
  }

  async estimateDetailed(cameras: readonly Camera[], frames: ReadonlyArray<FrameViews>, times?: ArrayLike<number>): Promise<LiftResult[]> {
    if (!times || times.length !== frames.length)
      throw new Error(`${this.id}: needs one time per frame set (got ${times ? times.length : 'none'} for ${frames.length})`);
    this.useRig(cameras);
    const call = this.plan(frames, await this.encode(cameras, frames, times));
    await this.runTargets(call.targets);
    await this.finish(cameras, call);
    return call.out;
  }

  /**
   * One frame set for several forks of this method (one person each, `views[k]` for `forks[k]`), as estimateFrames
   * on each would give, with one encoder batch and one batch of windows for all of them. Forks of another network
   * (or other methods) are run one by one.
   */
  async estimateForks(forks: readonly FusionMethod[], cameras: readonly Camera[], views: readonly FrameViews[], time: number): Promise<(Pose3D | null)[]> {
    const mine = forks.every((f): f is TemporalLifterMethod => f instanceof TemporalLifterMethod && f.net === this.net && f.timing === this.timing);
    if (!mine) return Promise.all(forks.map(async (f, k) => (await f.estimateFrames(cameras, [views[k]], [time]))[0]));
    for (const f of forks) f.useRig(cameras);
    const enc = await this.encode(cameras, views, views.map(() => time));
    const calls = forks.map((f, k) => f.plan([views[k]], [enc[k]]));
    await this.runTargets(calls.flatMap((c) => c.targets));
    for (const [k, f] of forks.entries()) await f.finish(cameras, calls[k]);
    return calls.map((c) => c.out[0].pose);
  }

  private useRig(cameras: readonly Camera[]): void {
    if (!sameRig(this.cameras, cameras)) this.reset();
    this.cameras = cameras;
  }

  /** The call's encoded frame sets after the held past: segments (a time jump starts afresh) and the windows to run. */
  private plan(frames: ReadonlyArray<FrameViews>, enc: Encoded[]): Call {
    const all: Encoded[] = [...this.history];
    const segStart: number[] = this.history.map(() => 0);
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
    const h0 = this.history.length;
    const out: LiftResult[] = new Array(frames.length);
    const targets: Target[] = [];
    for (let i = 0; i < enc.length; i++) {
      const k = h0 + i;
      if (!all[k].world) {
        out[i] = { pose: null, reason: all[k].f.reason ?? 'no usable views' };
        continue;
      }
      targets.push({ i, all, out, ...selectWindow(t, k, this.timing === 'offline', segStart[k], segEnd[k]) });
    }
    return { frames, all, segStart, out, targets };
  }

  private async runTargets(targets: readonly Target[]): Promise<void> {
    for (let s = 0; s < targets.length; s += this.batchSize) {
      const chunk = targets.slice(s, s + this.batchSize);
      const res = await this.runWindows(chunk);
      chunk.forEach((c, k) => (c.out[c.i] = res[k]));
    }
  }

  /** The fallback where the network steps aside, then the past the next call's windows can reach. */
  private async finish(cameras: readonly Camera[], call: Call): Promise<void> {
    const { all, segStart } = call;
    if (this.fallback) await applyFallback(this.fallback, this.rule, cameras, call.frames, call.out, call.targets.map((c) => c.i));
    // Keep the last segment's final SIDE_S seconds.
    const lastStart = segStart[all.length - 1] ?? 0;
    const tEnd = all.length ? all[all.length - 1].time : 0;
    this.history = all.slice(lastStart).filter((e) => tEnd - e.time <= WINDOW_CONSTANTS.side_s + 1e-6);
  }

  /** Features and the single-frame encoder for every frame set of the call (batched). */
  private async encode(cameras: readonly Camera[], frames: ReadonlyArray<FrameViews>, times: ArrayLike<number>): Promise<Encoded[]> {
    const enc: Encoded[] = frames.map((views, i) => ({ time: times[i], f: frameFeatures(cameras, views), world: null, logErr: null, emb: null }));
    const okIdx = enc.flatMap((e, i) => (e.f.ok ? [i] : []));
    const V = cameras.length, F = N_FEATURES, Df = this.net.config.frame.dim;
    for (let s = 0; s < okIdx.length; s += this.batchSize) {
      const chunk = okIdx.slice(s, s + this.batchSize);
      const B = chunk.length;
      const tokens = new Float32Array(B * V * J * F), mask = new Float32Array(B * V * J), base = new Float32Array(B * J * 3);
      chunk.forEach((i, b) => {
        tokens.set(enc[i].f.tokens, b * V * J * F);
        mask.set(enc[i].f.mask, b * V * J);
        base.set(enc[i].f.base, b * J * 3);
      });
      const r = tf.tidy(() => this.net.frame.forwardDetailed(tf.tensor4d(tokens, [B, V, J, F]), tf.tensor3d(mask, [B, V, J]), tf.tensor3d(base, [B, J, 3])));
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
  private async runWindows(chunk: readonly Target[]): Promise<LiftResult[]> {
    const c = this.net.config, Df = c.frame.dim, nIn = temporalInputSize(c);
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
    const { pose, logErr } = await this.net.run(x, slot, target, tpose, B, T);
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

  dispose(): void {
    this.history = [];
    if (this.ownsNet) this.net.dispose();
  }
}
