/**
 * Initial rig poses: board pose per observation by planar PnP, relative camera poses averaged over the board
 * snapshots two cameras share, chained along a maximum spanning tree of the co-visibility graph (edge weight =
 * shared snapshots). The reference camera (most shared views) defines the frame until the world frame is set.
 */
import { makeCamera, type Camera } from '../geometry/camera';
import { orthonormalize, rotationAngleBetween } from '../geometry/rotation';
import { boardObjectPoints, type BoardSpec } from './board';
import type { BoardObservation } from './bundle';
import { solvePlanarPnP, type RigidPose } from './pose';
import { median } from '../util/stats';

export interface RigInit {
  cameras: Camera[];
  /** Board → reference frame per snapshot, null when no connected camera saw it. */
  boardPoses: Array<RigidPose | null>;
  reference: number;
  /** Shared snapshots per camera pair (symmetric, nc × nc). */
  shared: number[][];
  /** Camera pairs with no shared snapshot (they can still be linked through others). */
  missingPairs: Array<[number, number]>;
  /** Cameras not connected to the reference through shared snapshots: their poses are unknown. */
  unreachable: number[];
  /** Tree edges [parent, child]. */
  tree: Array<[number, number]>;
}

export function compose(a: RigidPose, b: RigidPose): RigidPose {
  const R = new Float64Array(9), t = new Float64Array(3);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) R[i * 3 + j] = a.R[i * 3] * b.R[j] + a.R[i * 3 + 1] * b.R[3 + j] + a.R[i * 3 + 2] * b.R[6 + j];
    t[i] = a.R[i * 3] * b.t[0] + a.R[i * 3 + 1] * b.t[1] + a.R[i * 3 + 2] * b.t[2] + a.t[i];
  }
  return { R, t };
}

export function invert(a: RigidPose): RigidPose {
  const R = new Float64Array(9), t = new Float64Array(3);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) R[i * 3 + j] = a.R[j * 3 + i];
  for (let i = 0; i < 3; i++) t[i] = -(R[i * 3] * a.t[0] + R[i * 3 + 1] * a.t[1] + R[i * 3 + 2] * a.t[2]);
  return { R, t };
}

/** Robust mean of rigid transforms: chordal mean, then again over the ones near it (rotation and translation). */
export function averagePoses(poses: RigidPose[]): RigidPose {
  const mean = (list: RigidPose[]): RigidPose => {
    const R = new Float64Array(9), t = new Float64Array(3);
    for (const p of list) {
      for (let k = 0; k < 9; k++) R[k] += p.R[k];
      for (let k = 0; k < 3; k++) t[k] += p.t[k] / list.length;
    }
    return { R: orthonormalize(R), t };
  };
  const m = mean(poses);
  if (poses.length < 3) return m;
  const dev = poses.map((p) => rotationAngleBetween(p.R, m.R) * 10 + Math.hypot(p.t[0] - m.t[0], p.t[1] - m.t[1], p.t[2] - m.t[2]) / Math.max(1e-9, Math.hypot(...m.t)));
  const med = median(dev);
  const inliers = poses.filter((_, i) => dev[i] <= 3 * med + 1e-9);
  return mean(inliers.length > 0 ? inliers : poses);
}

/**
 * cameras: intrinsics (K, dist, size, name) of each camera; their R, t are ignored. observations: corners per
 * (camera, snapshot).
 */
export function initialiseRig(board: BoardSpec, cameras: readonly Camera[], observations: readonly BoardObservation[]): RigInit {
  const nc = cameras.length;
  const obj = boardObjectPoints(board);
  const nFrames = observations.reduce((m, o) => Math.max(m, o.frame + 1), 0);
  // Board → camera per (frame, camera)
  const T: Array<Map<number, RigidPose>> = Array.from({ length: nFrames }, () => new Map());
  for (const o of observations) {
    const r = solvePlanarPnP(cameras[o.camera], obj, o.corners);
    if (r) T[o.frame].set(o.camera, r.pose);
  }
  const shared = Array.from({ length: nc }, () => new Array<number>(nc).fill(0));
  for (const m of T) {
    const cams = [...m.keys()];
    for (const a of cams) for (const b of cams) if (a !== b) shared[a][b]++;
  }
  const missingPairs: Array<[number, number]> = [];
  for (let a = 0; a < nc; a++) for (let b = a + 1; b < nc; b++) if (shared[a][b] === 0) missingPairs.push([a, b]);
  const degree = shared.map((row) => row.reduce((s, v) => s + v, 0));
  const reference = degree.indexOf(Math.max(...degree));
  // Prim's maximum spanning tree from the reference.
  const pose: Array<RigidPose | null> = new Array(nc).fill(null);
  pose[reference] = { R: new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]), t: new Float64Array(3) };
  const tree: Array<[number, number]> = [];
  for (;;) {
    let best = 0, pa = -1, ch = -1;
    for (let a = 0; a < nc; a++) {
      if (!pose[a]) continue;
      for (let b = 0; b < nc; b++) if (!pose[b] && shared[a][b] > best) { best = shared[a][b]; pa = a; ch = b; }
    }
    if (ch < 0) break;
    // child ← parent: T_c←p = T_c←board ∘ (T_p←board)⁻¹ per shared snapshot
    const rel: RigidPose[] = [];
    for (const m of T) {
      const tp = m.get(pa), tc = m.get(ch);
      if (tp && tc) rel.push(compose(tc, invert(tp)));
    }
    pose[ch] = compose(averagePoses(rel), pose[pa]!);
    tree.push([pa, ch]);
  }
  const unreachable = pose.map((p, i) => (p ? -1 : i)).filter((i) => i >= 0);
  const boardPoses = T.map((m) => {
    const est: RigidPose[] = [];
    for (const [c, tcb] of m) if (pose[c]) est.push(compose(invert(pose[c]!), tcb));
    return est.length > 0 ? averagePoses(est) : null;
  });
  const outCams = cameras.map((c, i) => makeCamera({ name: c.name, width: c.width, height: c.height, K: c.K, dist: c.dist, R: pose[i]?.R ?? [1, 0, 0, 0, 1, 0, 0, 0, 1], t: pose[i]?.t ?? [0, 0, 0] }));
  return { cameras: outCams, boardPoses, reference, shared, missingPairs, unreachable, tree };
}
