/**
 * Fusion per person: the registry's methods run on each associated person's single-person frame set, giving a
 * PersonPoses per person. FusionMethod is unchanged: a frame method ('frame' timing) is one shared instance that
 * gets every person of a frame set in one call (the lifter batches them); a stateful method ('causal', 'offline')
 * keeps its past per person, so each person id gets its own instance, made from the registry when the person first
 * appears and disposed when the caller says the id is gone (`retainOnly`, with the tracker's ids).
 */
import type { Camera } from '../geometry/camera';
import { createMethods, methodSpec, type MethodEnv } from '../fusion/registry';
import type { FrameViews, FusionMethod, PersonPoses, Pose3D } from '../fusion/types';

/** One person to fuse: a stable id and the person's single-person frame set. */
export interface PersonViews {
  id: number;
  views: FrameViews;
}

export class PeopleFusion {
  private readonly perPerson = new Map<number, Map<string, FusionMethod>>();

  /**
   * `shared`: the frame methods, used for every person. `stateful`: ids of methods needing an instance per person,
   * made by `make` (PeopleFusion.create wires both from the registry).
   */
  constructor(
    private readonly shared: readonly FusionMethod[],
    private readonly stateful: readonly string[] = [],
    private readonly make: (id: string) => Promise<FusionMethod> = () => Promise.reject(new Error('no factory for per-person methods')),
  ) {}

  /** The registry's methods `ids` (default: its default set), split by their timing. */
  static async create(env: MethodEnv, ids?: readonly string[], onUnavailable?: (id: string, reason: string) => void): Promise<PeopleFusion> {
    const made = await createMethods(env, ids, { onUnavailable });
    const shared = made.filter((m) => (m.timing ?? 'frame') === 'frame');
    const stateful = made.filter((m) => (m.timing ?? 'frame') !== 'frame').map((m) => m.id);
    // The first instance of a stateful method only told us it loads; people get their own.
    for (const m of made) if ((m.timing ?? 'frame') !== 'frame') m.dispose?.();
    return new PeopleFusion(shared, stateful, async (id) => {
      const spec = methodSpec(id);
      if (!spec) throw new Error(`unknown method "${id}"`);
      return spec.create(env);
    });
  }

  /** Method ids in the order results carry them. */
  get methodIds(): string[] {
    return [...this.shared.map((m) => m.id), ...this.stateful];
  }

  /** Every method's pose for every person of one frame set (time in seconds, for the stateful methods). */
  async fuse(cameras: readonly Camera[], people: readonly PersonViews[], time: number): Promise<PersonPoses[]> {
    const poses: Record<string, Pose3D | null>[] = people.map(() => ({}));
    if (people.length) {
      const frames = people.map((p) => p.views);
      for (const m of this.shared) {
        const out = await m.estimateFrames(cameras, frames);
        out.forEach((pose, i) => (poses[i][m.id] = pose));
      }
    }
    for (let i = 0; i < people.length; i++) {
      const mine = await this.instancesFor(people[i].id);
      for (const id of this.stateful) poses[i][id] = (await mine.get(id)!.estimateFrames(cameras, [people[i].views], [time]))[0];
    }
    return people.map((p, i) => ({ person: p.id, poses: poses[i] }));
  }

  private async instancesFor(person: number): Promise<Map<string, FusionMethod>> {
    let mine = this.perPerson.get(person);
    if (!mine) {
      mine = new Map();
      for (const id of this.stateful) mine.set(id, await this.make(id));
      this.perPerson.set(person, mine);
    }
    return mine;
  }

  /** Disposes the per-person state of every id not in `ids` (people the tracker has forgotten). */
  retainOnly(ids: Iterable<number>): void {
    const keep = new Set(ids);
    for (const [id, mine] of this.perPerson) {
      if (keep.has(id)) continue;
      for (const m of mine.values()) m.dispose?.();
      this.perPerson.delete(id);
    }
  }

  /** A time jump or a new take: every method forgets its past. */
  reset(): void {
    for (const m of this.shared) m.reset?.();
    this.retainOnly([]);
  }

  dispose(): void {
    this.retainOnly([]);
    for (const m of this.shared) m.dispose?.();
  }
}
