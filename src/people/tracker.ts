/**
 * Identities in 3D: gives each associated person a stable id over time.
 *
 * A track holds a person's last 3D joints, the centre of its body and a smoothed velocity. Each frame set:
 * - `priors(time)` predicts every recently seen track to `time` (constant velocity) for the association, which
 *   can then match detections to people it already knows;
 * - `update(time, people)` keeps the association's match when the person is where the track predicts, then
 *   assigns the rest by minimum total 3D distance (Hungarian) inside a gate that widens with the time a track has
 *   been lost (re-identification after a short loss), and opens new ids for the people left over.
 * A track unseen for longer than `maxLostS` is forgotten; its id is never reused.
 */
import { JOINT, NUM_JOINTS } from '../keypoints/coco17';
import { assign } from './hungarian';
import type { AssociatedPerson, PersonPrior } from './types';
import { quantileSorted } from '../util/stats';

export interface TrackerOptions {
  /** A track unseen this long (s) is forgotten. */
  maxLostS: number;
  /** Tracks lost longer than this (s) stop being priors for the association (only the tracker re-identifies them). */
  priorMaxLostS: number;
  /** Matching gate, metres between torso centres, for a track seen in the previous frame set … */
  gateM: number;
  /** … widened by this speed (m/s) times the time since the track was last seen. */
  maxSpeed: number;
  /** Share of a new velocity measurement in the smoothed velocity. */
  velocityGain: number;
  /**
   * Share of a new measurement in the track's joints (1: the last frame set's as they are). The joints are the
   * association's prior for the next frame set, and one frame set's linear triangulation can be off by decimetres.
   */
  jointGain: number;
  /** How far (m) a prior's joints may be from the truth even for a person seen in the previous frame set. */
  priorSlackM: number;
}

/**
 * Gate and joint gain chosen on the development takes (`npm run bench:multi:dev`, held-out "val" motions, two
 * seeds): gate 0.45 m and unsmoothed joints gave 0 and 2 identity switches there, gate 0.7 m with gain 0.5 none.
 */
export const defaultTrackerOptions: TrackerOptions = {
  maxLostS: 1.5,
  priorMaxLostS: 0.25,
  gateM: 0.7,
  maxSpeed: 2.0,
  velocityGain: 0.4,
  jointGain: 0.5,
  priorSlackM: 0.05,
};

interface Track {
  id: number;
  joints: Float64Array;
  valid: Uint8Array;
  centre: Float64Array;
  velocity: Float64Array;
  lastTime: number;
  hits: number;
}

export interface TrackedPerson {
  /** Stable person id (0, 1, 2 … in order of appearance). */
  id: number;
  person: AssociatedPerson;
}

const axis = new Float64Array(NUM_JOINTS);
const TORSO = [JOINT.left_shoulder, JOINT.right_shoulder, JOINT.left_hip, JOINT.right_hip];

/**
 * The body's centre: per axis, the median of the torso joints (of every valid joint when fewer than 3 torso joints
 * are valid). A median, because a person's linear triangulation can put a joint metres off (one the detector
 * grabbed from the person in front), and a centre that jumps breaks the identity; the torso, because the set of
 * joints stays the same from frame to frame (faces and hands come and go). False when no joint is valid.
 */
export function bodyCentre(joints: Float64Array, valid: Uint8Array, out: Float64Array): boolean {
  let torso = 0;
  for (const j of TORSO) torso += valid[j];
  for (let a = 0; a < 3; a++) {
    let n = 0;
    for (let j = 0; j < NUM_JOINTS; j++) if (valid[j] && (torso < 3 || TORSO.includes(j))) axis[n++] = joints[3 * j + a];
    if (n === 0) return false;
    out[a] = quantileSorted(axis.subarray(0, n).sort(), 0.5);
  }
  return true;
}

export class PersonTracker {
  private tracks: Track[] = [];
  private nextId = 0;
  private lastTime = -Infinity;
  private readonly c = new Float64Array(3);

  constructor(readonly options: TrackerOptions = defaultTrackerOptions) {}

  /** Forgets every track (a new take, time going back); ids start again at 0. */
  reset(): void {
    this.tracks = [];
    this.nextId = 0;
    this.lastTime = -Infinity;
  }

  /** The live tracks predicted to `time`, for the association. */
  priors(time: number): PersonPrior[] {
    const out: PersonPrior[] = [];
    for (const t of this.tracks) {
      const dt = time - t.lastTime;
      if (!(dt >= 0) || dt > this.options.priorMaxLostS) continue;
      const joints = new Float64Array(NUM_JOINTS * 3);
      for (let j = 0; j < NUM_JOINTS; j++) for (let a = 0; a < 3; a++) joints[3 * j + a] = t.joints[3 * j + a] + t.velocity[a] * dt;
      out.push({ id: t.id, joints, valid: t.valid, slack: this.options.priorSlackM + 0.5 * dt });
    }
    return out;
  }

  private predicted(t: Track, time: number, out: Float64Array): Float64Array {
    const dt = Math.max(0, time - t.lastTime);
    for (let a = 0; a < 3; a++) out[a] = t.centre[a] + t.velocity[a] * dt;
    return out;
  }

  private gate(t: Track, time: number): number {
    return this.options.gateM + this.options.maxSpeed * Math.max(0, time - t.lastTime);
  }

  /** Assigns ids to one frame set's people (time in seconds, non-decreasing; going back resets). */
  update(time: number, people: readonly AssociatedPerson[]): TrackedPerson[] {
    if (time < this.lastTime) this.reset();
    this.lastTime = time;
    this.tracks = this.tracks.filter((t) => time - t.lastTime <= this.options.maxLostS);
    const centres = people.map((p) => {
      const c = new Float64Array(3);
      return bodyCentre(p.joints, p.valid, c) ? c : null;
    });
    const trackOf = new Int32Array(people.length).fill(-1);
    const taken = new Uint8Array(this.tracks.length);
    const pred = new Float64Array(3);
    // The association's own match, where the person is where that track says.
    people.forEach((p, i) => {
      const k = this.tracks.findIndex((t) => t.id === p.priorId);
      const c = centres[i];
      if (k < 0 || taken[k] || !c) return;
      this.predicted(this.tracks[k], time, pred);
      // The association already found this person's detections consistent with the track: a wider gate.
      if (Math.hypot(c[0] - pred[0], c[1] - pred[1], c[2] - pred[2]) <= 2 * this.gate(this.tracks[k], time)) {
        trackOf[i] = k;
        taken[k] = 1;
      }
    });
    const rows = people.map((_, i) => i).filter((i) => trackOf[i] < 0 && centres[i]);
    const cols = this.tracks.map((_, k) => k).filter((k) => !taken[k]);
    if (rows.length && cols.length) {
      // Costs are distances over each track's own gate, so a long-lost track's wider gate is one common threshold.
      const cost = new Float64Array(rows.length * cols.length);
      rows.forEach((i, r) => {
        const c = centres[i]!;
        cols.forEach((k, q) => {
          const t = this.tracks[k];
          this.predicted(t, time, pred);
          cost[r * cols.length + q] = Math.hypot(c[0] - pred[0], c[1] - pred[1], c[2] - pred[2]) / this.gate(t, time);
        });
      });
      const a = assign(cost, rows.length, cols.length, 1);
      rows.forEach((i, r) => {
        if (a[r] >= 0) trackOf[i] = cols[a[r]];
      });
    }
    const out: TrackedPerson[] = [];
    people.forEach((p, i) => {
      const c = centres[i];
      let k = trackOf[i];
      if (k < 0) {
        this.tracks.push({ id: this.nextId++, joints: new Float64Array(NUM_JOINTS * 3), valid: new Uint8Array(NUM_JOINTS), centre: new Float64Array(3), velocity: new Float64Array(3), lastTime: time, hits: 0 });
        k = this.tracks.length - 1;
        if (c) this.tracks[k].centre.set(c);
      }
      const t = this.tracks[k];
      // Joints: the new measurement blended with the track's prediction (jointGain); unmeasured joints lapse.
      const dt = time - t.lastTime, g = t.hits > 0 ? this.options.jointGain : 1;
      for (let j = 0; j < NUM_JOINTS; j++) {
        if (!p.valid[j]) {
          t.valid[j] = 0;
          continue;
        }
        for (let a = 0; a < 3; a++) {
          const k = 3 * j + a;
          t.joints[k] = t.valid[j] ? g * p.joints[k] + (1 - g) * (t.joints[k] + t.velocity[a] * dt) : p.joints[k];
        }
        t.valid[j] = 1;
      }
      const prev = Float64Array.from(t.centre);
      if (c && bodyCentre(t.joints, t.valid, t.centre) && t.hits > 0 && dt > 1e-6) {
        const gv = this.options.velocityGain;
        for (let a = 0; a < 3; a++) t.velocity[a] = (1 - gv) * t.velocity[a] + (gv * (t.centre[a] - prev[a])) / dt;
        // A centre that jumped (a bad frame) must not fling the prediction: no faster than maxSpeed.
        const v = Math.hypot(t.velocity[0], t.velocity[1], t.velocity[2]);
        if (v > this.options.maxSpeed) for (let a = 0; a < 3; a++) t.velocity[a] *= this.options.maxSpeed / v;
      }
      t.lastTime = time;
      t.hits++;
      out.push({ id: t.id, person: p });
    });
    return out;
  }

  /** Ids of the tracks currently remembered (seen within maxLostS of the last update). */
  get ids(): number[] {
    return this.tracks.map((t) => t.id);
  }
}
