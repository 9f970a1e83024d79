/**
 * Which simultaneous snapshots really show one board to two cameras. Being still at the same moment is not enough:
 * two cameras can each see a board (two boards, or one board and a poster of one) that are not the same pose. For a
 * fixed rig, every true shared view gives the same relative pose between the two cameras (camera a ← camera b =
 * board pose in a ∘ (board pose in b)⁻¹, each from planar PnP); unrelated boards give relative poses that scatter.
 * So a pair's shared snapshots count only as the largest set that agree with one another, and only from two on: a
 * single snapshot cannot be checked, and waits for a second.
 */
import type { Camera } from '../geometry/camera';
import { rotationAngleBetween } from '../geometry/rotation';
import { boardObjectPoints, type BoardSpec } from './board';
import { compose, invert } from './extrinsics';
import { solvePlanarPnP, type RigidPose } from './pose';

export interface SharedViewTolerance {
  /** Largest rotation between two snapshots' relative poses, degrees (PnP of one board view is good to ~1°). */
  rotDeg: number;
  /** Largest distance between their translations, as a fraction of the baseline, or at least minM metres. */
  transFrac: number;
  minM: number;
}

export const SHARED_VIEW_TOLERANCE: SharedViewTolerance = { rotDeg: 5, transFrac: 0.1, minM: 0.05 };

/** One simultaneous snapshot: board corners per camera index. */
export type Snapshot = ReadonlyMap<number, Float64Array>;

export interface PairCheck {
  a: number;
  b: number;
  /** Snapshots both cameras saw. */
  seen: number[];
  /** Those that agree (the largest consistent set, from two on); empty while they do not. */
  confirmed: number[];
  /** Seen but inconsistent with the confirmed set (or with each other while none is confirmed). */
  rejected: number[];
}

export interface SharedViewCheck {
  pairs: PairCheck[];
  /** Per snapshot, the cameras whose view of it belongs to a confirmed pair: the only ones to calibrate from. */
  kept: Array<Set<number>>;
}

/** Board → camera by PnP, per camera that saw the snapshot and could be solved. */
export function boardPosesInCameras(board: BoardSpec, cameras: readonly Camera[], s: Snapshot): Map<number, RigidPose> {
  const obj = boardObjectPoints(board);
  const out = new Map<number, RigidPose>();
  for (const [c, corners] of s) {
    const r = cameras[c] ? solvePlanarPnP(cameras[c], obj, corners) : null;
    if (r) out.set(c, r.pose);
  }
  return out;
}

export function posesAgree(p: RigidPose, q: RigidPose, tol: SharedViewTolerance = SHARED_VIEW_TOLERANCE): boolean {
  if ((rotationAngleBetween(p.R, q.R) * 180) / Math.PI > tol.rotDeg) return false;
  const base = Math.max(Math.hypot(p.t[0], p.t[1], p.t[2]), Math.hypot(q.t[0], q.t[1], q.t[2]));
  return Math.hypot(p.t[0] - q.t[0], p.t[1] - q.t[1], p.t[2] - q.t[2]) <= Math.max(tol.minM, tol.transFrac * base);
}

/**
 * cameras: with calibrated intrinsics (their R, t are not used). Checks every camera pair over all snapshots.
 */
export function checkSharedViews(
  board: BoardSpec, cameras: readonly Camera[], snapshots: readonly Snapshot[], tol: SharedViewTolerance = SHARED_VIEW_TOLERANCE,
): SharedViewCheck {
  return checkSharedPoses(cameras.length, snapshots.map((s) => boardPosesInCameras(board, cameras, s)), tol);
}

/** The same check from each snapshot's board poses (boardPosesInCameras), so a live caller solves each PnP once. */
export function checkSharedPoses(nCameras: number, poses: ReadonlyArray<ReadonlyMap<number, RigidPose>>, tol: SharedViewTolerance = SHARED_VIEW_TOLERANCE): SharedViewCheck {
  const kept = poses.map(() => new Set<number>());
  const pairs: PairCheck[] = [];
  for (let a = 0; a < nCameras; a++) {
    for (let b = a + 1; b < nCameras; b++) {
      const seen: number[] = [];
      const rel: RigidPose[] = [];
      poses.forEach((m, s) => {
        const pa = m.get(a), pb = m.get(b);
        if (pa && pb) {
          seen.push(s);
          rel.push(compose(pa, invert(pb)));
        }
      });
      let best: number[] = [];
      rel.forEach((r) => {
        const agree = seen.filter((_, j) => posesAgree(r, rel[j], tol));
        if (agree.length > best.length) best = agree;
      });
      const confirmed = best.length >= 2 ? best : [];
      const rejected = seen.length >= 2 ? seen.filter((s) => !confirmed.includes(s)) : [];
      for (const s of confirmed) kept[s].add(a).add(b);
      pairs.push({ a, b, seen, confirmed, rejected });
    }
  }
  return { pairs, kept };
}

/**
 * Camera groups linked through confirmed pairs (union–find): one group holding every camera means the rig can be
 * put in one frame.
 */
export function linkedGroups(nCameras: number, pairs: readonly Pick<PairCheck, 'a' | 'b' | 'confirmed'>[], minShared = 1): number[][] {
  const parent = Array.from({ length: nCameras }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (const p of pairs) if (p.confirmed.length >= minShared) parent[find(p.a)] = find(p.b);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < nCameras; i++) groups.set(find(i), [...(groups.get(find(i)) ?? []), i]);
  return [...groups.values()];
}
