import { describe, expect, it } from 'vitest';
import type { Camera } from '../geometry/camera';
import type { FrameViews, FusionMethod, Pose3D } from '../fusion/types';
import { NUM_JOINTS } from '../keypoints/coco17';
import { TriangulationMethod } from '../triangulation/methods';
import { placedPose, projectPose, ringRig } from '../testing/synthetic';
import { PeopleAssociator } from './associate';
import { PeopleFusion } from './fuse';

const cams = ringRig(4);
const A = placedPose(0.2, -0.5, 0), B = placedPose(2.5, 0.6, 0.2);

function err(p: Pose3D, truth: Float64Array): number {
  let s = 0;
  for (let j = 0; j < NUM_JOINTS; j++) s += Math.hypot(p.joints[3 * j] - truth[3 * j], p.joints[3 * j + 1] - truth[3 * j + 1], p.joints[3 * j + 2] - truth[3 * j + 2]);
  return s / NUM_JOINTS;
}

/**
 * A causal method that remembers how many frame sets it has seen: what a temporal method keeps, enough to see
 * whether two people's pasts were mixed. Its forks share `made` (what a network's weights would be).
 */
class CountingCausal implements FusionMethod {
  readonly id = 'counting';
  readonly label = 'counting';
  readonly timing = 'causal' as const;
  seen = 0;
  resets = 0;
  disposed = false;
  private readonly inner = new TriangulationMethod('dlt');
  constructor(readonly made: CountingCausal[] = []) {}
  async estimateFrames(cameras: readonly Camera[], frames: ReadonlyArray<FrameViews>): Promise<(Pose3D | null)[]> {
    const out = await this.inner.estimateFrames(cameras, frames);
    return out.map((p) => (p ? { ...p, info: { seen: ++this.seen } } : null));
  }
  reset() {
    this.seen = 0;
    this.resets++;
  }
  fork(): CountingCausal {
    const m = new CountingCausal(this.made);
    this.made.push(m);
    return m;
  }
  dispose() {
    this.disposed = true;
  }
}

describe('fusion per person', () => {
  const frame = [A, B].map((p) => projectPose(cams, p, 1)).reduce(
    (acc, views) => acc.map((list, v) => [...list, views[v]]),
    cams.map(() => [] as Float32Array[]),
  );
  const people = new PeopleAssociator(cams).associate(frame).people;

  it('gives every associated person every method pose, keyed by person id', async () => {
    const fusion = new PeopleFusion([new TriangulationMethod('dlt'), new TriangulationMethod('robust')]);
    expect(fusion.methodIds).toEqual(['dlt', 'robust']);
    const out = await fusion.fuse(cams, people.map((p, i) => ({ id: 10 + i, views: p.views })), 0);
    expect(out.map((p) => p.person)).toEqual([10, 11]);
    for (const p of out) {
      const truth = err(p.poses.dlt!, A) < err(p.poses.dlt!, B) ? A : B;
      expect(err(p.poses.dlt!, truth)).toBeLessThan(0.02);
      expect(err(p.poses.robust!, truth)).toBeLessThan(0.02);
    }
  });

  it('forks a stateful method per person id, disposes the fork when the id is gone, never feeds the original', async () => {
    const proto = new CountingCausal();
    const fusion = new PeopleFusion([proto]);
    const list = people.map((p, i) => ({ id: i, views: p.views }));
    await fusion.fuse(cams, list, 0);
    const second = await fusion.fuse(cams, list, 0.033);
    expect(proto.made).toHaveLength(2);
    expect(fusion.forks).toBe(2);
    expect(proto.seen).toBe(0);
    expect(second.map((p) => p.poses.counting!.info!.seen)).toEqual([2, 2]);
    fusion.retainOnly([1]);
    expect(proto.made.map((m) => m.disposed)).toEqual([true, false]);
    expect(proto.disposed).toBe(false);
    const third = await fusion.fuse(cams, list, 0.066);
    expect(third.map((p) => p.poses.counting!.info!.seen)).toEqual([1, 3]);
    expect(proto.made).toHaveLength(3);
  });

  it("resets a person's instance where that person's own time jumps (back after more than MAX_GAP_S)", async () => {
    const proto = new CountingCausal();
    const fusion = new PeopleFusion([proto]);
    const [a, b] = people.map((p, i) => ({ id: i, views: p.views }));
    for (const t of [0, 0.1, 0.2]) await fusion.fuse(cams, [a, b], t);
    // Person 1 unseen for 0.6 s while person 0 goes on.
    for (const t of [0.3, 0.4, 0.5, 0.6, 0.7]) await fusion.fuse(cams, [a], t);
    const back = await fusion.fuse(cams, [a, b], 0.8);
    expect(back.map((p) => p.poses.counting!.info!.seen)).toEqual([9, 1]);
    expect(proto.made.map((m) => m.resets)).toEqual([0, 1]);
    // Back within the gap: the past goes on.
    await fusion.fuse(cams, [a], 0.9);
    const again = await fusion.fuse(cams, [a, b], 1.2);
    expect(again.map((p) => p.poses.counting!.info!.seen)).toEqual([11, 2]);
  });
});
