/**
 * Scoring the multi-person chain (association → tracking → fusion per person) on takes with several people's
 * truth: the engine behind `npm run eval:multi`. Pure; the CLI reads files and prints.
 *
 * Per frame set, the people found are matched to the true people two ways:
 * - by labels (synthetic takes say which true person each detection shows): a person found is the true person
 *   most of its detections show, when at least two of them do and no other person found claims it first (more
 *   detections win). This judges the association itself.
 * - in 3D (any take with truth): minimum total MPJPE (Hungarian) of the first method's pose (the association's
 *   triangulation where it has none), a pair counting only below `matchGateM`.
 * The label matching is the main one where labels exist; the scores below use it, the 3D one is reported beside.
 * - recall: matched true people / true people seen by ≥ 2 cameras (by the labels; every true person when the take
 *   has none); precision: people found that match a true person / people found.
 * - purity: of the detections given to matched people, the share that show that person.
 * - PCP (percentage of correct parts) per method over true people seen by ≥ 2 cameras, a missed person scoring 0:
 *   a part is correct when the mean of its two end-joint errors is ≤ half its true length. Parts: the 8 limbs of
 *   COCO17_LIMBS plus the torso (shoulder centre to hip centre).
 * - MPJPE per method over matched people.
 * - identity switches: per true person, each time the tracker id it is matched to differs from the previous one.
 */
import type { Camera } from '../geometry/camera';
import type { Pose3D } from '../fusion/types';
import { COCO17_LIMBS, JOINT, NUM_JOINTS } from '../keypoints/coco17';
import { type AssociationOptions, defaultAssociationOptions } from '../people/associate';
import type { PeopleFusion } from '../people/fuse';
import { assign } from '../people/hungarian';
import { defaultTrackerOptions, type TrackerOptions } from '../people/tracker';
import { PeopleStage } from '../people/stage';
import type { MultiTake, PersonTruth } from '../take/multi';
import { quantile } from '../util/stats';

export interface FoundPerson {
  id: number;
  /** Per camera, the index of this person's detection, or −1. */
  detections: Int32Array;
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
  /** Each method's time for all people of this frame set, ms (wall). */
  fusionMs: Record<string, number>;
}

/** Runs association, tracking and fusion per person over a take, in time order. */
export async function runMultiTake(
  take: MultiTake,
  fusion: PeopleFusion,
  assoc: AssociationOptions = defaultAssociationOptions,
  track: TrackerOptions = defaultTrackerOptions,
  cameras: readonly Camera[] = take.cameras,
): Promise<RunFrame[]> {
  const stage = new PeopleStage(cameras, assoc, track);
  fusion.reset();
  const out: RunFrame[] = [];
  for (const f of take.frames) {
    const t0 = performance.now();
    const tracked = stage.step(f.time, f.views).people;
    const assocMs = performance.now() - t0;
    fusion.retainOnly(stage.ids);
    const fusionMs: Record<string, number> = {};
    const fused = await fusion.fuse(cameras, tracked.map((t) => ({ id: t.id, views: t.person.views })), f.time, fusionMs);
    out.push({
      assocMs,
      fusionMs,
      people: tracked.map((t, i) => ({ id: t.id, detections: t.person.detections, joints: t.person.joints, valid: t.person.valid, nViews: t.person.nViews, poses: fused[i].poses })),
    });
  }
  return out;
}

/** Mean joint error (m) over joints valid in both; NaN when none. */
export function mpjpe(joints: Float64Array, valid: Uint8Array, truth: Pick<PersonTruth, 'joints' | 'valid'>): number {
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
  /** True people seen by ≥ 2 cameras, summed over frame sets. */
  eligible: number;
  /** People found, summed over frame sets. */
  found: number;
  matchedEligible: number;
  matchedFound: number;
  recall: number;
  precision: number;
  /** The same by 3D matching (MPJPE below the gate). */
  recall3d: number;
  precision3d: number;
  /** Share of matched people's detections that show that person (NaN without labels). */
  purity: number;
  idSwitches: number;
  personMinutes: number;
  assocMeanMs: number;
  assocP95Ms: number;
  methods: MethodScore[];
}

/** Label matching: per person found, the index of the true person it is (−1 none). See the file comment. */
function matchByLabels(people: readonly FoundPerson[], truths: readonly PersonTruth[], labels: ReadonlyArray<readonly number[] | null>): { match: Int32Array; pure: number; total: number } {
  const votes = people.map((p) => {
    const count = new Map<number, number>();
    p.detections.forEach((d, v) => {
      if (d < 0) return;
      const id = labels[v]?.[d] ?? -1;
      count.set(id, (count.get(id) ?? 0) + 1);
    });
    let best = -1, n = 0;
    for (const [id, c] of count) if (id >= 0 && c > n) [best, n] = [id, c];
    return { best, n, total: [...count.values()].reduce((a, b) => a + b, 0) };
  });
  const match = new Int32Array(people.length).fill(-1);
  const taken = new Set<number>();
  let pure = 0, total = 0;
  for (const i of people.map((_, i) => i).sort((a, b) => votes[b].n - votes[a].n)) {
    const { best, n } = votes[i];
    const k = truths.findIndex((t) => t.id === best);
    if (n < 2 || k < 0 || taken.has(k)) continue;
    taken.add(k);
    match[i] = k;
    pure += n;
    total += votes[i].total;
  }
  return { match, pure, total };
}

/** Scores a run against the take's truth; `methods` in report order, the first one used for 3D matching. */
export function scoreMultiTake(take: MultiTake, run: readonly RunFrame[], methods: readonly string[], matchGateM = 0.5): MultiScore {
  let eligible = 0, found = 0, matchedEligible = 0, matchedFound = 0, idSwitches = 0, presentFrames = 0;
  let matched3dEligible = 0, matched3dFound = 0, pure = 0, pureTotal = 0;
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
    const match3d = assign(cost, people.length, truths.length, matchGateM);
    let match = match3d;
    if (f.labels) {
      const byLabel = matchByLabels(people, truths, f.labels);
      match = byLabel.match;
      pure += byLabel.pure;
      pureTotal += byLabel.total;
    }
    found += people.length;
    matchedFound += match.filter((k) => k >= 0).length;
    matched3dFound += match3d.filter((k) => k >= 0).length;
    const byTruth = new Int32Array(truths.length).fill(-1);
    match.forEach((k, i) => k >= 0 && (byTruth[k] = i));
    truths.forEach((t, k) => {
      const i = byTruth[k];
      if (seen[k]) {
        eligible++;
        if (i >= 0) matchedEligible++;
        if (match3d.includes(k)) matched3dEligible++;
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
  const times = run.map((r) => r.assocMs);
  return {
    frameSets: take.frames.length,
    eligible, found, matchedEligible, matchedFound,
    recall: eligible ? matchedEligible / eligible : NaN,
    precision: found ? matchedFound / found : NaN,
    recall3d: eligible ? matched3dEligible / eligible : NaN,
    precision3d: found ? matched3dFound / found : NaN,
    purity: pureTotal ? pure / pureTotal : NaN,
    idSwitches,
    personMinutes: presentFrames / take.fps / 60,
    assocMeanMs: times.reduce((a, b) => a + b, 0) / Math.max(times.length, 1),
    assocP95Ms: quantile(times, 0.95),
    methods: ms.map((m) => ({ method: m.method, mpjpeMm: (1000 * m.err) / m.n, pcp: m.parts ? (100 * m.correct) / m.parts : NaN, perPerson: m.perPerson })),
  };
}
