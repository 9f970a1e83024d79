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
 * on the temporal network's own error predictions. The batched network steps are temporal-batch.ts.
 */
import type { Camera } from '../geometry/camera';
import type { FrameViews, FusionMethod, Pose3D } from '../fusion/types';
import { sameRig } from '../fusion/same-rig';
import { TriangulationMethod } from '../triangulation/methods';
import { applyFallback, DEFAULT_FALLBACK_RULE, type FallbackRule } from './fallback';
import type { LiftResult } from './lifter';
import { encodeFrameSets, planCall, runTargets, type Call, type Encoded } from './temporal-batch';
import type { TemporalNet } from './temporal-model';
import { WINDOW_CONSTANTS } from './window';

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
    const call = this.plan(frames, await encodeFrameSets(this.net, cameras, frames, times, this.batchSize));
    await runTargets(this.net, call.targets, this.batchSize);
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
    const enc = await encodeFrameSets(this.net, cameras, views, views.map(() => time), this.batchSize);
    const calls = forks.map((f, k) => f.plan([views[k]], [enc[k]]));
    await runTargets(this.net, calls.flatMap((c) => c.targets), this.batchSize);
    for (const [k, f] of forks.entries()) await f.finish(cameras, calls[k]);
    return calls.map((c) => c.out[0].pose);
  }

  private useRig(cameras: readonly Camera[]): void {
    if (!sameRig(this.cameras, cameras)) this.reset();
    this.cameras = cameras;
  }

  /** This call's windows, after this instance's held past. */
  private plan(frames: ReadonlyArray<FrameViews>, enc: Encoded[]): Call {
    return planCall(this.history, this.timing === 'offline', frames, enc);
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

  dispose(): void {
    this.history = [];
    if (this.ownsNet) this.net.dispose();
  }
}
