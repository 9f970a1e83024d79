/**
 * Scoring the multi-person chain (association → tracking → fusion per person) on takes with several people's
 * truth: the engine behind `npm run eval:multi`. Pure; the CLI reads files and prints.
 *
 * Per frame set, the people found are matched to the true people by minimum total MPJPE (Hungarian) of the first
 * method's pose (the association's triangulation where it has none), a pair counting only below `matchGateM`.
 * - recall: matched true people / true people seen by ≥ 2 cameras (by the take's labels; every true person when
 *   the take has none); precision: people found that match a true person / people found.
 * - PCP (percentage of correct parts) per method over true people seen by ≥ 2 cameras, a missed person scoring 0:
 *   a part is correct when the mean of its two end-joint errors is ≤ half its true length. Parts: the 8 limbs of
 *   COCO17_LIMBS plus the torso (shoulder centre to hip centre).
 * - MPJPE per method over matched people.
 * - identity switches: per true person, each time the tracker id it is matched to differs from the previous one.
 */
import type { Camera } from '../geometry/camera';
import type { Pose3D } from '../fusion/types';
import { COCO17_LIMBS, JOINT, NUM_JOINTS } from '../keypoints/coco17';
import { PeopleAssociator, type AssociationOptions, defaultAssociationOptions } from '../people/associate';
import type { PeopleFusion } from '../people/fuse';
import { assign } from '../people/hungarian';
import { PersonTracker, defaultTrackerOptions, type TrackerOptions } from '../people/tracker';
import type { MultiTake, PersonTruth } from '../take/multi';

export interface FoundPerson {
  id: number;
  /** The association's linear triangulation. */
  joints: Float64Array;
  valid: Uint8Array;
  nViews: number;
  poses: Readonly<Record<string, Pose3D | null>>;
}

export interface RunFrame {
  people: FoundPerson[];
  /** Association + tracking time of this frame set, ms. */
  assocMs: number;
}

/** Runs association, tracking and fusion per person over a take, in time order. */
export async function runMultiTake(
  take: MultiTake,
  fusion: PeopleFusion,
  assoc: AssociationOptions = defaultAssociationOptions,
  track: TrackerOptions = defaultTrackerOptions,
  cameras: readonly Camera[] = take.cameras,
): Promise<RunFrame[]> {
  const associator = new PeopleAssociator(cameras, assoc);
  const tracker = new PersonTracker(track);
  fusion.reset();
  const out: RunFrame[] = [];
  for (const f of take.frames) {
    const t0 = performance.now();
    const a = associator.associate(f.views, tracker.priors(f.time));
    const tracked = tracker.update(f.time, a.people);
    const assocMs = performance.now() - t0;
    fusion.retainOnly(tracker.ids);
    const fused = await fusion.fuse(cameras, tracked.map((t) => ({ id: t.id, views: t.person.views })), f.time);
    out.push({
      assocMs,
      people: tracked.map((t, i) => ({ id: t.id, joints: t.person.joints, valid: t.person.valid, nViews: t.person.nViews, poses: fused[i].poses })),
    });
  }
  return out;
}

/** Mean joint error (m) over joints valid in both; NaN when none. */
export function mpjpe(joints: Float64Array, valid: Uint8Array, truth: PersonTruth): number {
  let s = 0, n = 0;
  for (let j = 0; j < NUM_JOINTS; j++) {
    if (!valid[j] || !truth.valid[j]) continue;
    s += Math.hypot(joints[3 * j] - truth.joints[3 * j], joints[3 * j + 1] - truth.joints[3 * j + 1], joints[3 * j + 2] - truth.joints[3 * j + 2]);
    n++;
  }
  return n ? s / n : NaN;
}

const SHOULDERS = [JOINT.left_shoulder, JOINT.right_shoulder], HIPS = [JOINT.left_hip, JOINT.right_hip];

function point(joints: Float64Array, valid: Uint8Array, ends: readonly number[], out: Float64Array): boolean {
  out.fill(0);
  for (const j of ends) {
    if (!valid[j]) return false;
    for (let a = 0; a < 3; a++) out[a] += joints[3 * j + a] / ends.length;
  }
  return true;
}

const pa = new Float64Array(3), pb = new Float64Array(3), ga = new Float64Array(3), gb = new Float64Array(3);

/** Correct parts / parts of one person (PCP with α = 0.5); a missing pose scores 0. */
export function pcp(pose: Pose3D | null, truth: PersonTruth): { correct: number; parts: number } {
  const parts: Array<[readonly number[], readonly number[]]> = [...COCO17_LIMBS.map(([a, b]) => [[a], [b]] as [number[], number[]]), [SHOULDERS, HIPS]];
  let correct = 0, total = 0;
  for (const [a, b] of parts) {
    if (!point(truth.joints, truth.valid, a, ga) || !point(truth.joints, truth.valid, b, gb)) continue;
    total++;
    if (!pose || !point(pose.joints, pose.valid, a, pa) || !point(pose.joints, pose.valid, b, pb)) continue;
    const len = Math.hypot(ga[0] - gb[0], ga[1] - gb[1], ga[2] - gb[2]);
    const e = 0.5 * (Math.hypot(pa[0] - ga[0], pa[1] - ga[1], pa[2] - ga[2]) + Math.hypot(pb[0] - gb[0], pb[1] - gb[1], pb[2] - gb[2]));
    if (e <= 0.5 * len) correct++;
  }
  return { correct, parts: total };
}

export interface MethodScore {
  method: string;
  /** Mean MPJPE over matched people, mm. */
  mpjpeMm: number;
  /** PCP over true people seen by ≥ 2 cameras, %. */
  pcp: number;
  /** Per true person id: summed error (m) and count of matched frame sets with a pose, for the alone comparison. */
  perPerson: Map<number, { frames: number[]; errors: number[] }>;
}

export interface MultiScore {
  frameSets: number;
  eligible: number;
  found: number;
  matchedEligible: number;
  matchedFound: number;
  recall: number;
  precision: number;
  idSwitches: number;
  personMinutes: number;
  assocMeanMs: number;
  assocP95Ms: number;
  methods: MethodScore[];
}

/** Scores a run against the take's truth; `methods` in report order, the first one used for matching. */
export function scoreMultiTake(take: MultiTake, run: readonly RunFrame[], methods: readonly string[], matchGateM = 0.3): MultiScore {
  let eligible = 0, found = 0, matchedEligible = 0, matchedFound = 0, idSwitches = 0, presentFrames = 0;
  const lastId = new Map<number, number>();
  const ms = methods.map((m) => ({ method: m, err: 0, n: 0, correct: 0, parts: 0, perPerson: new Map<number, { frames: number[]; errors: number[] }>() }));
  take.frames.forEach((f, fi) => {
    const truths = f.gt ?? [];
    const people = run[fi].people;
    presentFrames += truths.length;
    const seen = truths.map((p) => (f.labels ? f.labels.reduce((n, l) => n + (l?.includes(p.id) ? 1 : 0), 0) >= 2 : true));
    const cost = new Float64Array(people.length * truths.length);
    people.forEach((q, i) => {
      const pose = q.poses[methods[0]];
      truths.forEach((t, k) => {
        const e = pose ? mpjpe(pose.joints, pose.valid, t) : mpjpe(q.joints, q.valid, t);
        cost[i * truths.length + k] = Number.isFinite(e) ? e : Infinity;
      });
    });
    const match = assign(cost, people.length, truths.length, matchGateM);
    const byTruth = new Int32Array(truths.length).fill(-1);
    match.forEach((k, i) => k >= 0 && (byTruth[k] = i));
    found += people.length;
    matchedFound += match.filter((k) => k >= 0).length;
    truths.forEach((t, k) => {
      const i = byTruth[k];
      if (seen[k]) {
        eligible++;
        if (i >= 0) matchedEligible++;
      }
      if (i >= 0) {
        const prev = lastId.get(t.id);
        if (prev !== undefined && prev !== people[i].id) idSwitches++;
        lastId.set(t.id, people[i].id);
      }
      for (const m of ms) {
        const pose = i >= 0 ? people[i].poses[m.method] ?? null : null;
        if (seen[k]) {
          const p = pcp(pose, t);
          m.correct += p.correct;
          m.parts += p.parts;
        }
        if (!pose) continue;
        const e = mpjpe(pose.joints, pose.valid, t);
        if (!Number.isFinite(e)) continue;
        m.err += e;
        m.n++;
        let pp = m.perPerson.get(t.id);
        if (!pp) m.perPerson.set(t.id, (pp = { frames: [], errors: [] }));
        pp.frames.push(fi);
        pp.errors.push(e);
      }
    });
  });
  const times = run.map((r) => r.assocMs).sort((a, b) => a - b);
  return {
    frameSets: take.frames.length,
    eligible, found, matchedEligible, matchedFound,
    recall: eligible ? matchedEligible / eligible : NaN,
    precision: found ? matchedFound / found : NaN,
    idSwitches,
    personMinutes: presentFrames / take.fps / 60,
    assocMeanMs: times.reduce((a, b) => a + b, 0) / Math.max(times.length, 1),
    assocP95Ms: times.length ? times[Math.floor(0.95 * (times.length - 1))] : NaN,
    methods: ms.map((m) => ({ method: m.method, mpjpeMm: (1000 * m.err) / m.n, pcp: m.parts ? (100 * m.correct) / m.parts : NaN, perPerson: m.perPerson })),
  };
}
