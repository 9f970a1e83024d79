/**
 * Association across views: which detection in each view is which person, in one frame set, solved over all
 * views at once.
 *
 * 1. Every detection's joints become world rays (affinity.ts).
 * 2. A graph: a node per detection and per prior (a tracked person's predicted 3D pose); signed edge weights from
 *    ray-to-ray agreement between detections of different views, and from point-to-ray agreement between a prior
 *    and a detection (its tolerance widened by how far the person may have moved).
 * 3. Correlation clustering with one node per camera and one prior per cluster (cluster.ts): a cluster is judged
 *    on all its pairs, so three or more views must agree with each other, not merely in a chain.
 * 4. Each cluster seen by ≥ 2 cameras is triangulated with the project's linear triangulation, and with ≥ 3 views
 *    the member that disagrees most with the others' 3D is dropped while it is beyond the gate (relative to its
 *    box), so one wrong view cannot stay attached to a person.
 *
 * Clusters left with one camera (a false detection, a reflection, a person seen by one camera) are unassigned.
 */
import type { Camera } from '../geometry/camera';
import { projectPoint } from '../geometry/camera';
import { COCO17_FLIP, NUM_JOINTS } from '../keypoints/coco17';
import { personScale, prepareRig, triangulatePose, type PreparedRig } from '../triangulation/triangulate';
import type { ViewKeypoints } from '../fusion/types';
import { cameraCentres, detectionRays, pairAffinity, priorAffinity, type AffinityOptions, type DetectionRays } from './affinity';
import { correlationCluster } from './cluster';
import type { AssociatedPerson, Association, MultiFrameViews, PersonPrior } from './types';
import { quantileSorted } from '../util/stats';

export interface AssociationOptions extends AffinityOptions {
  /** A detection with fewer usable joints than this is nobody (a detector's stray blob). */
  minDetectedJoints: number;
  /** Weight of a prior's edges relative to a detection's. */
  priorWeight: number;
  /** With ≥ 3 views, a member whose median reprojection error exceeds this fraction of its box is dropped. */
  maxMemberError: number;
  /**
   * A cluster whose objective (summed edge weights, priors included) is below this is nobody: two unrelated
   * detections whose rays happen to cross barely agree (such pairs score under 0.03; on the development takes,
   * bench-out/multi-dev from held-out "val" motions, true two-view people score 0.17 and up).
   */
  minPersonScore: number;
}

export const defaultAssociationOptions: AssociationOptions = {
  minScore: 0.2,
  rayTolerance: 0.2,
  threshold: 0.5,
  minJoints: 4,
  fullWeightJoints: 10,
  minDetectedJoints: 5,
  priorWeight: 1,
  maxMemberError: 0.12,
  minPersonScore: 0.05,
};

/** The per-rig state of the association (camera centres, the prepared rig); one per rig, reused every frame set. */
export class PeopleAssociator {
  private readonly rig: PreparedRig;
  private readonly centres: Float64Array[];
  private readonly uv = new Float64Array(2);
  private readonly errs = new Float64Array(NUM_JOINTS);
  /** Ray buffers reused from one frame set to the next. */
  private readonly pool: DetectionRays[] = [];

  constructor(
    readonly cameras: readonly Camera[],
    readonly options: AssociationOptions = defaultAssociationOptions,
  ) {
    if (cameras.length > 30) throw new Error(`association: at most 30 cameras (got ${cameras.length})`);
    this.rig = prepareRig(cameras);
    this.centres = cameraCentres(cameras);
  }

  /** Associates one frame set's detections; `priors` are the tracked people predicted to this frame set's time. */
  associate(frame: MultiFrameViews, priors: readonly PersonPrior[] = []): Association {
    const o = this.options, V = this.cameras.length;
    const rays: DetectionRays[] = [];
    const unassigned: Array<[number, number]> = [];
    for (let v = 0; v < Math.min(V, frame.length); v++) {
      const people = frame[v];
      if (!people) continue;
      people.forEach((kp, i) => {
        if (this.pool.length <= rays.length) this.pool.push(detectionRays(this.cameras[v], this.centres[v], kp, v, i, o.minScore));
        const r = detectionRays(this.cameras[v], this.centres[v], kp, v, i, o.minScore, this.pool[rays.length]);
        if (r.count >= o.minDetectedJoints) rays.push(r);
        else unassigned.push([v, i]);
      });
    }
    const nd = rays.length, n = nd + priors.length;
    const W = new Float64Array(n * n), group = new Int32Array(n);
    for (let a = 0; a < nd; a++) {
      group[a] = rays[a].view;
      for (let b = a + 1; b < nd; b++) {
        if (rays[a].view === rays[b].view) continue;
        W[a * n + b] = W[b * n + a] = pairAffinity(rays[a], rays[b], o);
      }
    }
    for (let k = 0; k < priors.length; k++) {
      const p = priors[k], i = nd + k;
      group[i] = V; // one prior per person
      for (let a = 0; a < nd; a++) W[a * n + i] = W[i * n + a] = o.priorWeight * priorAffinity(rays[a], p.joints, p.valid, p.slack, o);
    }
    const label = correlationCluster({ n, W, group });
    const nClusters = n === 0 ? 0 : Math.max(...label) + 1;
    const people: AssociatedPerson[] = [];
    for (let c = 0; c < nClusters; c++) {
      const members: number[] = [];
      let priorId = -1, score = 0;
      for (let i = 0; i < n; i++) {
        if (label[i] !== c) continue;
        for (let k = 0; k < i; k++) if (label[k] === c) score += W[i * n + k];
        if (i < nd) members.push(i);
        else priorId = priors[i - nd].id;
      }
      if (score < o.minPersonScore) {
        for (const m of members) unassigned.push([rays[m].view, rays[m].index]);
        continue;
      }
      const person = this.buildPerson(frame, rays, members, priorId, score, unassigned);
      if (person) people.push(person);
    }
    return { people, unassigned };
  }

  /** Triangulates a cluster and drops its most inconsistent views (≥ 3 views); null when < 2 views remain. */
  private buildPerson(frame: MultiFrameViews, rays: DetectionRays[], members: number[], priorId: number, score: number, unassigned: Array<[number, number]>): AssociatedPerson | null {
    const V = this.cameras.length;
    const drop = (m: number) => unassigned.push([rays[m].view, rays[m].index]);
    let live = members.slice();
    for (;;) {
      if (live.length < 2) {
        live.forEach(drop);
        return null;
      }
      const views: (ViewKeypoints | null)[] = new Array(V).fill(null);
      for (const m of live) views[rays[m].view] = frame[rays[m].view]![rays[m].index];
      const pose = triangulatePose(this.rig, views, 'dlt');
      if (!pose) {
        live.forEach(drop);
        return null;
      }
      let worst = -1, worstErr = this.options.maxMemberError;
      if (live.length >= 3) {
        for (const m of live) {
          const e = this.memberError(views[rays[m].view]!, rays[m].view, pose.joints, pose.valid);
          if (e > worstErr) {
            worstErr = e;
            worst = m;
          }
        }
      }
      if (worst < 0) {
        const detections = new Int32Array(V).fill(-1);
        for (const m of live) detections[rays[m].view] = rays[m].index;
        return { detections, views, nViews: live.length, joints: pose.joints, valid: pose.valid, priorId, score };
      }
      drop(worst);
      live = live.filter((m) => m !== worst);
    }
  }

  /**
   * Median reprojection error of a detection against 3D joints, as a fraction of its box (the better of straight
   * and left/right-mirrored, as in the affinity); Infinity when nothing compares.
   */
  private memberError(kp: ViewKeypoints, view: number, joints: Float64Array, valid: Uint8Array): number {
    const cam = this.cameras[view];
    const scale = personScale(cam, kp, this.options.minScore);
    let best = Infinity;
    for (let flip = 0; flip < 2; flip++) {
      let n = 0;
      for (let j = 0; j < NUM_JOINTS; j++) {
        const jp = flip ? COCO17_FLIP[j] : j;
        if (!valid[jp] || !(kp[3 * j + 2] >= this.options.minScore)) continue;
        this.errs[n++] = projectPoint(cam, joints[3 * jp], joints[3 * jp + 1], joints[3 * jp + 2], this.uv)
          ? Math.hypot(this.uv[0] - kp[3 * j], this.uv[1] - kp[3 * j + 1]) / scale
          : Infinity;
      }
      if (n === 0) continue;
      best = Math.min(best, quantileSorted(this.errs.subarray(0, n).sort(), 0.5));
      // A straight match within the gate needs no mirrored try.
      if (best <= this.options.maxMemberError) break;
    }
    return best;
  }
}
