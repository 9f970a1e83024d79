/**
 * The metric check of a rig: board corners seen by two or more cameras at once are intersected as rays (least
 * squares over perpendicular distances) and the reconstructed square size is compared with the printed one.
 * Independent of the bundle adjustment's board model, so it catches scale and pose errors.
 */
import { cameraCenter, pixelRay, type Camera } from '../geometry/camera';
import { closestPointToRays } from '../geometry/rays';
import type { BoardSpec } from './board';
import type { BoardObservation } from './bundle';

export interface MetricCheck {
  /** Mean reconstructed square size, millimetres (NaN when no snapshot was seen by two cameras). */
  squareMm: number;
  /** Relative error vs the printed square, percent. */
  errorPercent: number;
  /** Snapshots used. */
  snapshots: number;
}

/** Where the corner's rays from every camera meet (plain least squares: no reweighting), or null if parallel. */
function intersectRays(centres: Float64Array[], dirs: Float64Array[]): Float64Array | null {
  const n = centres.length;
  const C = new Float64Array(3 * n), d = new Float64Array(3 * n);
  centres.forEach((c, k) => {
    C.set(c.subarray(0, 3), 3 * k);
    d.set(dirs[k].subarray(0, 3), 3 * k);
  });
  const r = closestPointToRays(d, C, new Float64Array(n).fill(1), n, 0, 1, 1e-9);
  return r.ok ? r.X : null;
}

export function metricCheck(board: BoardSpec, cameras: readonly Camera[], observations: readonly BoardObservation[]): MetricCheck {
  const byFrame = new Map<number, BoardObservation[]>();
  for (const o of observations) {
    const l = byFrame.get(o.frame) ?? [];
    l.push(o);
    byFrame.set(o.frame, l);
  }
  const centres = cameras.map((c) => cameraCenter(c));
  let sum = 0, count = 0, snapshots = 0;
  const n = board.cols * board.rows;
  for (const list of byFrame.values()) {
    if (list.length < 2) continue;
    snapshots++;
    const pts: Array<Float64Array | null> = [];
    for (let k = 0; k < n; k++) {
      const C: Float64Array[] = [], D: Float64Array[] = [];
      for (const o of list) {
        const d = new Float64Array(3);
        if (!pixelRay(cameras[o.camera], o.corners[2 * k], o.corners[2 * k + 1], d)) continue;
        C.push(centres[o.camera]);
        D.push(d);
      }
      pts.push(C.length >= 2 ? intersectRays(C, D) : null);
    }
    for (let r = 0; r < board.rows; r++)
      for (let c = 0; c < board.cols; c++) {
        const p = pts[r * board.cols + c];
        if (!p) continue;
        for (const q of [c + 1 < board.cols ? pts[r * board.cols + c + 1] : null, r + 1 < board.rows ? pts[(r + 1) * board.cols + c] : null]) {
          if (!q) continue;
          sum += Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
          count++;
        }
      }
  }
  const squareMm = count > 0 ? (1000 * sum) / count : NaN;
  return { squareMm, errorPercent: (100 * (squareMm - board.squareMm)) / board.squareMm, snapshots };
}
