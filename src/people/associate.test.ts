import { describe, expect, it } from 'vitest';
import { NUM_JOINTS } from '../keypoints/coco17';
import { placedPose, projectPose, ringRig, seededRandom } from '../testing/synthetic';
import { PeopleAssociator } from './associate';
import { correlationCluster, clusterObjective } from './cluster';
import type { Association, MultiFrameViews, PersonPrior } from './types';

const cams = ringRig(4);

/** Per view, the detections of `poses` in a shuffled order; `where[v][i]` says which pose detection i is. */
function frameOf(poses: Float64Array[], seed: number, noisePx = 1.5, hide: Array<[number, number]> = []): { frame: Float32Array[][]; where: number[][] } {
  const rand = seededRandom(seed);
  const perPose = poses.map((p, k) => projectPose(cams, p, noisePx, seededRandom(seed * 31 + k)));
  const frame: Float32Array[][] = [], where: number[][] = [];
  for (let v = 0; v < cams.length; v++) {
    const ids = poses.map((_, k) => k).filter((k) => !hide.some(([hv, hk]) => hv === v && hk === k));
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [ids[i], ids[j]] = [ids[j], ids[i]];
    }
    frame.push(ids.map((k) => perPose[k][v]));
    where.push(ids);
  }
  return { frame, where };
}

/** For each found person, which pose each of its detections shows; every person must be one pose throughout. */
function identities(a: Association, where: number[][]): number[] {
  return a.people.map((p) => {
    const seen = new Set<number>();
    p.detections.forEach((d, v) => d >= 0 && seen.add(where[v][d]));
    expect(seen.size).toBe(1);
    return [...seen][0];
  });
}

function meanError(joints: Float64Array, valid: Uint8Array, truth: Float64Array): number {
  let s = 0, n = 0;
  for (let j = 0; j < NUM_JOINTS; j++) {
    if (!valid[j]) continue;
    s += Math.hypot(joints[3 * j] - truth[3 * j], joints[3 * j + 1] - truth[3 * j + 1], joints[3 * j + 2] - truth[3 * j + 2]);
    n++;
  }
  return s / n;
}

describe('correlation clustering', () => {
  it('keeps one node per group per cluster and prefers all-pairs agreement over a chain', () => {
    // Nodes 0,1,2 in groups 0,1,2 agree pairwise; node 3 (group 2) agrees with 0 only and contradicts 1.
    const n = 4, W = new Float64Array(n * n);
    const set = (a: number, b: number, w: number) => { W[a * n + b] = W[b * n + a] = w; };
    set(0, 1, 0.5); set(0, 2, 0.4); set(1, 2, 0.4); set(0, 3, 0.6); set(1, 3, -0.5);
    const label = correlationCluster({ n, W, group: Int32Array.from([0, 1, 2, 2]) });
    expect(label[0]).toBe(label[1]);
    expect(label[0]).toBe(label[2]);
    expect(label[3]).not.toBe(label[0]);
    expect(clusterObjective({ n, W, group: Int32Array.from([0, 1, 2, 2]) }, label)).toBeCloseTo(1.3, 9);
  });
});

describe('association across views', () => {
  const A = placedPose(0.3, -0.45, 0.1), B = placedPose(-0.4, 0.45, -0.1);

  it('separates two people side by side, every view matched', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { frame, where } = frameOf([A, B], seed);
      const a = new PeopleAssociator(cams).associate(frame);
      expect(a.people).toHaveLength(2);
      expect(a.unassigned).toHaveLength(0);
      expect(new Set(identities(a, where))).toEqual(new Set([0, 1]));
      for (const p of a.people) expect(p.nViews).toBe(4);
      const ids = identities(a, where);
      a.people.forEach((p, k) => expect(meanError(p.joints, p.valid, ids[k] ? B : A)).toBeLessThan(0.02));
    }
  });

  it('finds a person seen by two views only, next to one seen by all', () => {
    const { frame, where } = frameOf([A, B], 3, 1.5, [[2, 1], [3, 1]]);
    const a = new PeopleAssociator(cams).associate(frame);
    expect(a.people).toHaveLength(2);
    const ids = identities(a, where);
    const b = a.people[ids.indexOf(1)];
    expect(b.nViews).toBe(2);
    expect([...b.detections].map((d) => d >= 0)).toEqual([true, true, false, false]);
    expect(meanError(b.joints, b.valid, B)).toBeLessThan(0.03);
  });

  it('leaves a false detection (a poster in one view) to nobody', () => {
    const { frame, where } = frameOf([A, B], 4);
    // A person-shaped detection in view 2 that no other camera sees: the projection of a third body, elsewhere.
    const poster = projectPose(cams, placedPose(1.2, 0.2, 1.9))[0];
    frame[2].push(poster);
    const a = new PeopleAssociator(cams).associate(frame);
    expect(a.people).toHaveLength(2);
    expect(new Set(identities(a, [...where.slice(0, 2), [...where[2], -1], where[3]]))).toEqual(new Set([0, 1]));
    expect(a.unassigned).toEqual([[2, frame[2].length - 1]]);
  });

  it('keeps a half-occluded person (most joints hidden in one view) with the right body', () => {
    const { frame, where } = frameOf([A, B], 5);
    const kp = frame[1][where[1].indexOf(1)];
    for (let j = 0; j < NUM_JOINTS; j++) if (j < 5 || j % 2 === 0) kp[3 * j + 2] = 0;
    const a = new PeopleAssociator(cams).associate(frame);
    expect(a.people).toHaveLength(2);
    const ids = identities(a, where);
    expect(a.people[ids.indexOf(1)].nViews).toBe(4);
  });

  it('uses the previous people as priors and takes a person entering as new', () => {
    const C = placedPose(2.0, 1.6, 1.4);
    const { frame, where } = frameOf([A, B, C], 6);
    const all = new Uint8Array(NUM_JOINTS).fill(1);
    const priors: PersonPrior[] = [
      { id: 7, joints: A, valid: all, slack: 0.1 },
      { id: 9, joints: B, valid: all, slack: 0.1 },
    ];
    const a = new PeopleAssociator(cams).associate(frame, priors);
    expect(a.people).toHaveLength(3);
    const ids = identities(a, where);
    expect(a.people[ids.indexOf(0)].priorId).toBe(7);
    expect(a.people[ids.indexOf(1)].priorId).toBe(9);
    expect(a.people[ids.indexOf(2)].priorId).toBe(-1);
  });

  it('finds nobody in an empty frame set and survives lost cameras', () => {
    expect(new PeopleAssociator(cams).associate([[], null, [], []]).people).toHaveLength(0);
    const { frame } = frameOf([A, B], 8);
    const a = new PeopleAssociator(cams).associate([frame[0], null, frame[2], null]);
    expect(a.people).toHaveLength(2);
    for (const p of a.people) expect(p.views[1]).toBeNull();
  });
});
