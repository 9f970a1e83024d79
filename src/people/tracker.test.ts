import { describe, expect, it } from 'vitest';
import { placedPose, projectPose, ringRig, seededRandom } from '../testing/synthetic';
import { PeopleAssociator } from './associate';
import { assign } from './hungarian';
import { PersonTracker, bodyCentre } from './tracker';

describe('assignment', () => {
  it('finds the minimum-cost matching of rectangular matrices and leaves gated pairs out', () => {
    // Greedy would take (0,0)=1 then (1,1)=10; the optimum is (0,1)+(1,0) = 4.
    expect([...assign([1, 2, 2, 10], 2, 2)]).toEqual([1, 0]);
    expect([...assign([5, 1, 9, 4, 8, 2], 2, 3)]).toEqual([1, 2]);
    expect([...assign([5, 4, 1, 8, 9, 2], 3, 2)]).toEqual([-1, 0, 1]);
    expect([...assign([0.5, 3, 3, 3], 2, 2, 1)]).toEqual([0, -1]);
  });
});

const cams = ringRig(4);

/** Two people walking towards each other 0.5 m apart, crossing at t = 1.5 s, at 1.4 m/s. */
function crossing(t: number): Float64Array[] {
  const x = -2.1 + 1.4 * t;
  return [placedPose(Math.PI / 2, x, -0.25), placedPose(-Math.PI / 2, -x, 0.25)];
}

function run(frames: number, posesAt: (t: number) => Float64Array[], hidden: (t: number, k: number) => boolean = () => false) {
  const assoc = new PeopleAssociator(cams), tracker = new PersonTracker();
  const idsOf: number[][] = [];
  const c = new Float64Array(3), tc = new Float64Array(3);
  for (let f = 0; f < frames; f++) {
    const t = f / 30;
    const poses = posesAt(t);
    const rand = seededRandom(100 + f);
    const frame = cams.map(() => [] as Float32Array[]);
    poses.forEach((p, k) => {
      if (hidden(t, k)) return;
      projectPose(cams, p, 2, rand).forEach((kp, v) => frame[v].push(kp));
    });
    for (const view of frame) view.reverse(); // detector order says nothing about who is who
    const tracked = tracker.update(t, assoc.associate(frame, tracker.priors(t)).people);
    // Which truth each id is: the nearest true torso centre.
    const row: number[] = poses.map(() => -1);
    for (const tp of tracked) {
      bodyCentre(tp.person.joints, tp.person.valid, c);
      let best = -1, bestD = Infinity;
      poses.forEach((p, k) => {
        bodyCentre(p, new Uint8Array(17).fill(1), tc);
        const d = Math.hypot(c[0] - tc[0], c[1] - tc[1], c[2] - tc[2]);
        if (d < bestD) { bestD = d; best = k; }
      });
      expect(bestD).toBeLessThan(0.1);
      row[best] = tp.id;
    }
    idsOf.push(row);
  }
  return idsOf;
}

describe('tracking identities in 3D', () => {
  it('keeps both identities through a crossing', () => {
    const ids = run(90, crossing);
    expect(new Set(ids[0])).toEqual(new Set([0, 1]));
    for (const row of ids) expect(row).toEqual(ids[0]);
  });

  it('re-identifies a person after a short loss and gives a newcomer a new id', () => {
    const posesAt = (t: number) => [placedPose(0, -0.8 + 0.5 * t, 0), placedPose(Math.PI, 0.8, 0.3), placedPose(0, 1.5, -1.2)];
    // Person 1 unseen from 0.5 s to 0.9 s; person 2 enters at 1.2 s.
    const ids = run(60, posesAt, (t, k) => (k === 1 && t >= 0.5 && t < 0.9) || (k === 2 && t < 1.2));
    const [a, b] = ids[0];
    expect(new Set([a, b])).toEqual(new Set([0, 1]));
    expect(ids[0][2]).toBe(-1);
    expect(ids[20]).toEqual([a, -1, -1]);
    expect(ids[30]).toEqual([a, b, -1]);
    expect(ids[59]).toEqual([a, b, 2]);
  });

  it('forgets a person lost for longer than maxLostS, and resets when time goes back', () => {
    const tracker = new PersonTracker({ ...new PersonTracker().options, maxLostS: 0.2 });
    const assoc = new PeopleAssociator(cams);
    const frameAt = (x: number) => projectPose(cams, placedPose(0, x, 0)).map((kp) => [kp]);
    expect(tracker.update(0, assoc.associate(frameAt(0), tracker.priors(0)).people)[0].id).toBe(0);
    expect(tracker.update(0.5, []).length).toBe(0);
    expect(tracker.ids).toEqual([]);
    expect(tracker.update(0.6, assoc.associate(frameAt(0), tracker.priors(0.6)).people)[0].id).toBe(1);
    expect(tracker.update(0.1, assoc.associate(frameAt(0), tracker.priors(0.1)).people)[0].id).toBe(0);
  });
});
