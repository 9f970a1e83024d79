/**
 * Fusion per person: the registry's methods run on each associated person's single-person frame set, giving a
 * PersonPoses per person. FusionMethod is unchanged: a frame method ('frame' timing) is one instance that gets every
 * person of a frame set in one call (the lifter batches them); a stateful method ('causal', 'offline') keeps its past
 * per person, so each person id gets its own instance, forked from the one made from the registry (FusionMethod.fork:
 * the network's weights are loaded once and shared), and disposed when the tracker forgets the id (`retainOnly`).
 * The pipeline (fusion/pipeline.ts) and `npm run eval:multi` both fuse people through `fuseMethod`.
 */
import type { Camera } from '../geometry/camera';
import { createMethods, type MethodEnv } from '../fusion/registry';
import { isTimeJump } from '../fusion/segments';
import { isStateful, type FrameViews, type FusionMethod, type PersonPoses, type Pose3D } from '../fusion/types';

/** One person to fuse: a stable id and the person's single-person frame set. */
export interface PersonViews {
  id: number;
  views: FrameViews;
}

interface Instance {
  method: FusionMethod;
  /** The method it was forked from: another one under the same id (a lifter reloaded on another backend) replaces it. */
  source: FusionMethod;
  /** Time of the last frame set this person was fused at. */
  last: number;
}

/**
 * The per-person instances of stateful methods. A person's instance forgets its past where that person's own time
 * jumps (segments.ts: a person lost for longer than MAX_GAP_S who comes back under the same id starts afresh).
 */
export class PersonInstances {
  private readonly byPerson = new Map<number, Map<string, Instance>>();
  /** Forks made so far (diagnostics and tests). */
  forks = 0;

  /** `proto`'s instance for `person` at `time` (seconds), made on first use. */
  instance(proto: FusionMethod, person: number, time: number): FusionMethod {
    let mine = this.byPerson.get(person);
    if (!mine) this.byPerson.set(person, (mine = new Map()));
    let e = mine.get(proto.id);
    if (e && e.source !== proto) {
      e.method.dispose?.();
      e = undefined;
    }
    if (!e) {
      if (!proto.fork) throw new Error(`${proto.id}: keeps a past between frame sets and cannot be forked per person`);
      e = { method: proto.fork(), source: proto, last: time };
      this.forks++;
      mine.set(proto.id, e);
    } else if (isTimeJump(e.last, time)) e.method.reset?.();
    e.last = time;
    return e.method;
  }

  /** Ids that hold instances. */
  get people(): number[] {
    return [...this.byPerson.keys()];
  }

  /** Disposes the instances of every person not in `ids` (people the tracker has forgotten). */
  retainOnly(ids: Iterable<number>): void {
    const keep = new Set(ids);
    for (const [id, mine] of this.byPerson) {
      if (keep.has(id)) continue;
      for (const e of mine.values()) e.method.dispose?.();
      this.byPerson.delete(id);
    }
  }

  /** Disposes every person's instance of method `id` (the method is being taken out). */
  drop(id: string): void {
    for (const mine of this.byPerson.values()) {
      mine.get(id)?.method.dispose?.();
      mine.delete(id);
    }
  }

  /** Disposes every instance (a new take, a time jump for everyone, a new rig). */
  clear(): void {
    this.retainOnly([]);
  }
}

/**
 * One method's pose for every person of one frame set: a frame method in one call for all of them, a stateful one
 * through each person's own instance (together, where the method can run its forks in one batch).
 */
export async function fuseMethod(
  m: FusionMethod, instances: PersonInstances, cameras: readonly Camera[], people: readonly PersonViews[], time: number, batchForks = true,
): Promise<(Pose3D | null)[]> {
  if (!people.length) return [];
  if (!isStateful(m)) return m.estimateFrames(cameras, people.map((p) => p.views));
  if (m.estimateForks && batchForks) {
    const forks = people.map((p) => instances.instance(m, p.id, time));
    return m.estimateForks(forks, cameras, people.map((p) => p.views), time);
  }
  const out: (Pose3D | null)[] = [];
  for (const p of people) out.push((await instances.instance(m, p.id, time).estimateFrames(cameras, [p.views], [time]))[0]);
  return out;
}

export class PeopleFusion {
  private readonly instances = new PersonInstances();

  /**
   * `methods`: as made by the registry; stateful ones are forked per person and never fed themselves.
   * `batchForks` false runs each person's fork in a call of its own (`npm run eval:multi -- --per-person-calls`:
   * what the batch saves).
   */
  constructor(private readonly methods: readonly FusionMethod[], private readonly batchForks = true) {}

  /** The registry's methods `ids` (default: its default set). */
  static async create(env: MethodEnv, ids?: readonly string[], onUnavailable?: (id: string, reason: string) => void, batchForks = true): Promise<PeopleFusion> {
    return new PeopleFusion(await createMethods(env, ids, { onUnavailable }), batchForks);
  }

  /** Method ids in the order results carry them. */
  get methodIds(): string[] {
    return this.methods.map((m) => m.id);
  }

  /** Forks of stateful methods made so far. */
  get forks(): number {
    return this.instances.forks;
  }

  /**
   * Every method's pose for every person of one frame set (time in seconds, for the stateful methods). `timings`,
   * when given, gets each method's time (ms) for all people added to it.
   */
  async fuse(cameras: readonly Camera[], people: readonly PersonViews[], time: number, timings?: Record<string, number>): Promise<PersonPoses[]> {
    const poses: Record<string, Pose3D | null>[] = people.map(() => ({}));
    for (const m of this.methods) {
      const s = performance.now();
      const out = await fuseMethod(m, this.instances, cameras, people, time, this.batchForks);
      out.forEach((pose, i) => (poses[i][m.id] = pose));
      if (timings) timings[m.id] = (timings[m.id] ?? 0) + performance.now() - s;
    }
    return people.map((p, i) => ({ person: p.id, poses: poses[i] }));
  }

  /** Disposes the per-person state of every id not in `ids` (people the tracker has forgotten). */
  retainOnly(ids: Iterable<number>): void {
    this.instances.retainOnly(ids);
  }

  /** A time jump or a new take: every method forgets its past. */
  reset(): void {
    for (const m of this.methods) m.reset?.();
    this.instances.clear();
  }

  dispose(): void {
    this.instances.clear();
    for (const m of this.methods) m.dispose?.();
  }
}
