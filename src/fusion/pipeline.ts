/**
 * The fusion pipeline: every method of the run on one frame set, on the rig set with setRig. Pure (no DOM, no
 * app state): the session feeds it, and its API is small and message-friendly (setRig, fuse, reset, settings)
 * so it can run in a worker unchanged.
 *
 * Temporal methods and smoothing keep state between frame sets; it is dropped where time jumps (segments.ts),
 * on a new rig and on reset(). With several people, each tracked person has an instance of every temporal method
 * (forked: the weights are shared), with a past of its own.
 */
import type { Camera } from '../geometry/camera';
import type { FusionMethod, Pose3D, FrameViews, PersonPoses } from './types';
import type { DetectedFrameSet, FusedFrameSet } from './flow';
import { byMethodOrder } from './registry';
import { isTimeJump } from './segments';
import { sameRig } from './same-rig';
import { NUM_JOINTS } from '../keypoints';
import { OneEuroPoseFilter, DEFAULT_ONE_EURO, type OneEuroParams } from '../export/one-euro';
import { PeopleStage } from '../people/stage';
import { fuseMethod, PersonInstances } from '../people/fuse';

export interface PipelineSettings {
  /** One Euro smoothing of each method's output; off by default so the comparison shows raw outputs. */
  smoothing: boolean;
  oneEuro: OneEuroParams;
}

export const DEFAULT_PIPELINE_SETTINGS: PipelineSettings = { smoothing: false, oneEuro: { ...DEFAULT_ONE_EURO } };

/** A method with a synchronous single-frame path (triangulation): no microtask per frame set. */
type SyncMethod = FusionMethod & { estimate?(cameras: readonly Camera[], views: FrameViews): Pose3D | null };

export class FusionPipeline {
  private methods: SyncMethod[] = [];
  private rig: readonly Camera[] | null = null;
  private settingsNow: PipelineSettings = { ...DEFAULT_PIPELINE_SETTINGS, oneEuro: { ...DEFAULT_PIPELINE_SETTINGS.oneEuro } };
  private filters = new Map<string, OneEuroPoseFilter>();
  /** Several people: each tracked person's filters per method, and when the person was last seen (seconds). */
  private personFilters = new Map<number, { last: number; byMethod: Map<string, OneEuroPoseFilter> }>();
  private lastTime = NaN;
  /** Association and identities of multi-person frame sets, per rig (made on the first such frame set). */
  private stage: PeopleStage | null = null;
  /** The temporal methods' instances per tracked person. */
  private readonly people = new PersonInstances();
  /** Told when a method throws on a frame set (its pose is then null and the others go on); default: console.warn. */
  onMethodError: ((id: string, error: unknown) => void) | null = null;

  constructor(methods: readonly FusionMethod[] = []) {
    for (const m of methods) this.addMethod(m);
  }

  /** Adds a method (e.g. the lifter once its weights have loaded), kept in the registry's display order. */
  addMethod(m: FusionMethod): void {
    this.people.drop(m.id);
    this.methods = this.methods.filter((x) => x.id !== m.id);
    this.methods.push(m);
    const order = byMethodOrder(this.methods.map((x) => x.id));
    this.methods.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  }

  /** Takes a method out (a lifter being moved to another backend); the caller disposes it. */
  removeMethod(id: string): FusionMethod | null {
    this.people.drop(id); // forks share the method's network, which the caller is about to free
    const m = this.methods.find((x) => x.id === id) ?? null;
    this.methods = this.methods.filter((x) => x.id !== id);
    return m;
  }

  get methodIds(): string[] {
    return this.methods.map((m) => m.id);
  }

  /** The calibrated cameras of the frame sets to come, one per view in order; null = none (fuse gives null). */
  setRig(cameras: readonly Camera[] | null): void {
    if (cameras === this.rig) return;
    // The same cameras rebuilt (a resumed simulation publishes its rig again; a rig posted to the worker arrives as
    // a copy) keep the past: people keep their ids, temporal methods their history.
    const same = !!cameras && sameRig(this.rig, cameras);
    this.rig = cameras;
    if (!same) this.reset();
  }

  get settings(): PipelineSettings {
    return this.settingsNow;
  }

  setSettings(patch: Partial<PipelineSettings>): void {
    this.settingsNow = { ...this.settingsNow, ...patch };
    this.resetSmoothing();
  }

  /** Forgets every past frame set: a new run, a jump on the timeline. */
  reset(): void {
    for (const m of this.methods) m.reset?.();
    this.people.clear();
    this.resetSmoothing();
    this.lastTime = NaN;
    this.stage = null;
  }

  /**
   * Runs every method on one frame set. Null when there is no rig or the frame set has another number of views
   * than the rig has cameras (nothing is fused against the wrong cameras).
   */
  async fuse(frame: DetectedFrameSet): Promise<FusedFrameSet | null> {
    const cameras = this.rig;
    if (!cameras || cameras.length !== frame.views.length) return null;
    if (Number.isFinite(this.lastTime) && isTimeJump(this.lastTime, frame.time)) this.reset();
    this.lastTime = frame.time;
    if (frame.people) return this.fusePeople(cameras, frame);
    const poses: Record<string, Pose3D | null> = {};
    const timings: Record<string, number> = {};
    const t0 = performance.now();
    for (const m of this.methods) {
      const s = performance.now();
      let pose: Pose3D | null;
      try {
        pose = m.estimate ? m.estimate(cameras, frame.views) : (await m.estimateFrames(cameras, [frame.views], [frame.time]))[0];
      } catch (e) {
        if (this.onMethodError) this.onMethodError(m.id, e);
        else console.warn(`${m.id} failed`, e);
        pose = null;
      }
      timings[m.id] = performance.now() - s;
      poses[m.id] = pose && this.settingsNow.smoothing ? this.smooth(m.id, frame.time, pose) : pose;
    }
    timings.fusion = performance.now() - t0;
    return { frame, people: [{ person: 0, poses }], timings };
  }

  /**
   * A multi-person frame set: association across views with the tracked people as priors, then every method per
   * person (frame methods batch all people in one call; temporal ones run each person's own instance). People carry
   * the tracker's stable ids; the instances of people it has forgotten are disposed. timings[method] is the
   * method's time for all people together.
   */
  private async fusePeople(cameras: readonly Camera[], frame: DetectedFrameSet): Promise<FusedFrameSet> {
    const t0 = performance.now();
    this.stage ??= new PeopleStage(cameras);
    const step = this.stage.step(frame.time, frame.people!);
    this.people.retainOnly(this.stage.ids);
    const timings: Record<string, number> = { association: performance.now() - t0 };
    const input = step.people.map((p) => ({ id: p.id, views: p.person.views }));
    let people: PersonPoses[] = step.people.map((p) => ({ person: p.id, poses: {} }));
    const s = performance.now();
    // One method at a time, so one that throws leaves its poses null and the others go on (as for one person).
    for (const m of this.methods) {
      const ms = performance.now();
      let out: (Pose3D | null)[] | null = null;
      try {
        out = await fuseMethod(m, this.people, cameras, input, frame.time);
      } catch (e) {
        if (this.onMethodError) this.onMethodError(m.id, e);
        else console.warn(`${m.id} failed`, e);
      }
      people.forEach((p, i) => ((p.poses as Record<string, Pose3D | null>)[m.id] = out?.[i] ?? null));
      timings[m.id] = performance.now() - ms;
    }
    timings.people = performance.now() - s;
    if (this.settingsNow.smoothing) {
      // Filters of people the tracker has forgotten go with them.
      const keep = new Set(this.stage.ids);
      for (const id of this.personFilters.keys()) if (!keep.has(id)) this.personFilters.delete(id);
      people = people.map((p) => this.smoothPerson(p, frame.time));
    }
    timings.fusion = performance.now() - t0;
    return { frame, people, timings };
  }

  dispose(): void {
    this.people.clear();
    for (const m of this.methods) m.dispose?.();
    this.methods = [];
  }

  private resetSmoothing(): void {
    for (const f of this.filters.values()) f.reset();
    this.personFilters.clear();
  }

  /**
   * One person's poses through that person's own filters: dropped with the person when the tracker forgets them,
   * started afresh where the person was unseen longer than a time jump (as their temporal methods are).
   */
  private smoothPerson(p: PersonPoses, time: number): PersonPoses {
    let mine = this.personFilters.get(p.person);
    if (!mine || isTimeJump(mine.last, time)) this.personFilters.set(p.person, (mine = { last: time, byMethod: new Map() }));
    mine.last = time;
    const poses: Record<string, Pose3D | null> = {};
    for (const [id, pose] of Object.entries(p.poses)) poses[id] = pose && this.smooth(id, time, pose, mine.byMethod);
    return { person: p.person, poses };
  }

  private smooth(id: string, time: number, pose: Pose3D, filters = this.filters): Pose3D {
    let f = filters.get(id);
    if (!f) filters.set(id, (f = new OneEuroPoseFilter(NUM_JOINTS * 3)));
    f.params = this.settingsNow.oneEuro;
    return { ...pose, joints: f.filter(time, pose.joints, pose.valid) };
  }
}
