/**
 * Intrinsics of one camera from several board views: Zhang's closed form, then Levenberg–Marquardt over
 * (fx, fy, cx, cy, k1, k2, p1, p2, k3) and every view's pose, with outlier views dropped and refitted.
 */
import { levenbergMarquardt } from '../geometry/lm';
import { matrixToRodrigues, rodriguesToMatrix } from '../geometry/rotation';
import { boardObjectPoints, type BoardSpec } from './board';
import { findHomography } from './homography';
import { poseFromNormalizedHomography, viewResiduals, type RigidPose } from './pose';
import { zhangIntrinsics } from './zhang';
import { median } from '../util/stats';

export interface IntrinsicsOptions {
  /** Keep k3 at 0 (default: when there are fewer than 10 views, where it is poorly determined). */
  fixK3?: boolean;
  /** A view is dropped when its RMS exceeds max(this × median, minOutlierPx). */
  outlierFactor: number;
  minOutlierPx: number;
  /** Never go below this many views when dropping. */
  minViews: number;
}

export const defaultIntrinsicsOptions: IntrinsicsOptions = { outlierFactor: 3, minOutlierPx: 1, minViews: 4 };

export interface IntrinsicsResult {
  K: Float64Array;
  dist: Float64Array;
  /** RMS reprojection error over the kept views, pixels. */
  rms: number;
  /** Per input view: its RMS (pixels, with the final intrinsics) and whether it was kept. */
  perViewRms: number[];
  kept: boolean[];
  /** Board → camera pose per input view (null for dropped views). */
  poses: Array<RigidPose | null>;
}

/** views: detected corners per image (x y interleaved, board order). Null when fewer than 3 views or no solution. */
export function calibrateIntrinsics(
  board: BoardSpec, views: Float64Array[], width: number, height: number, options: Partial<IntrinsicsOptions> = {},
): IntrinsicsResult | null {
  const o = { ...defaultIntrinsicsOptions, ...options };
  if (views.length < 3) return null;
  const obj = boardObjectPoints(board);
  const n = board.cols * board.rows;
  const Hs = views.map((v) => findHomography(obj, 3, v, n));
  let kept = Hs.map((h) => h !== null);
  if (kept.filter(Boolean).length < 3) return null;
  const guess = zhangIntrinsics(Hs.filter((h): h is Float64Array => h !== null), width, height);
  if (!guess) return null;
  let K = new Float64Array([guess.fx, 0, guess.cx, 0, guess.fy, guess.cy, 0, 0, 1]);
  let dist = new Float64Array(5);
  let poses: Array<RigidPose | null> = Hs.map((H) => (H ? seedPose(H, K) : null));
  const fixK3 = o.fixK3 ?? views.length < 10;
  let rms = NaN;
  let perViewRms: number[] = [];
  for (let round = 0; round < 3; round++) {
    const idx = kept.map((k, i) => (k ? i : -1)).filter((i) => i >= 0);
    const fit = refine(K, dist, idx.map((i) => poses[i]!), idx.map((i) => views[i]), obj, fixK3);
    K = fit.K;
    dist = fit.dist;
    idx.forEach((i, j) => (poses[i] = fit.poses[j]));
    rms = fit.rms;
    perViewRms = views.map((v, i) => (poses[i] ? viewRms(K, dist, poses[i]!, obj, v) : NaN));
    const limit = Math.max(o.outlierFactor * median(idx.map((i) => perViewRms[i])), o.minOutlierPx);
    const worst = idx.filter((i) => perViewRms[i] > limit).sort((a, b) => perViewRms[b] - perViewRms[a]);
    const room = idx.length - o.minViews;
    if (worst.length === 0 || room <= 0) break;
    const drop = new Set(worst.slice(0, room));
    kept = kept.map((k, i) => k && !drop.has(i));
    poses = poses.map((p, i) => (kept[i] ? p : null));
  }
  // Dropped views still get a pose and an error with the final intrinsics, for the user's table.
  return { K, dist, rms, perViewRms, kept, poses };
}

function seedPose(H: Float64Array, K: Float64Array): RigidPose {
  // Homography into normalised coordinates: K⁻¹ H (zero skew).
  const Hn = Float64Array.from(H);
  for (let j = 0; j < 3; j++) {
    Hn[3 + j] = (H[3 + j] - K[5] * H[6 + j]) / K[4];
    Hn[j] = (H[j] - K[2] * H[6 + j]) / K[0];
  }
  return poseFromNormalizedHomography(Hn);
}

function viewRms(K: Float64Array, dist: Float64Array, pose: RigidPose, obj: Float64Array, pix: Float64Array): number {
  const r = new Float64Array(pix.length);
  viewResiduals(K, dist, matrixToRodrigues(pose.R), pose.t, obj, pix, r, 0);
  let s = 0;
  for (const x of r) s += x * x;
  return Math.sqrt(s / (r.length / 2));
}

function refine(K0: Float64Array, dist0: Float64Array, poses: RigidPose[], views: Float64Array[], obj: Float64Array, fixK3: boolean) {
  const V = views.length, n = obj.length / 3;
  const nParams = 9 + 6 * V;
  const p0 = new Float64Array(nParams);
  p0.set([K0[0], K0[4], K0[2], K0[5], ...dist0]);
  poses.forEach((pose, v) => {
    p0.set(matrixToRodrigues(pose.R), 9 + 6 * v);
    p0.set(pose.t, 12 + 6 * v);
  });
  const unpack = (p: Float64Array) => ({
    K: new Float64Array([p[0], 0, p[2], 0, p[1], p[3], 0, 0, 1]),
    dist: new Float64Array([p[4], p[5], p[6], p[7], fixK3 ? 0 : p[8]]),
  });
  const scratch = new Float64Array(2 * n);
  const res = levenbergMarquardt(
    {
      nParams,
      nResiduals: 2 * n * V,
      residuals: (p, r) => {
        const { K, dist } = unpack(p);
        for (let v = 0; v < V; v++) viewResiduals(K, dist, p.subarray(9 + 6 * v), p.subarray(12 + 6 * v), obj, views[v], r, 2 * n * v);
      },
      jacobian: (p, J) => {
        J.fill(0);
        const { K, dist } = unpack(p);
        for (let v = 0; v < V; v++) {
          const base = 2 * n * v;
          viewResiduals(K, dist, p.subarray(9 + 6 * v), p.subarray(12 + 6 * v), obj, views[v], scratch, 0, (row, col, val) => {
            if (col === 8 && fixK3) return;
            const c = col < 9 ? col : 9 + 6 * v + (col - 9);
            J[(base + row) * nParams + c] = val;
          });
        }
      },
    },
    p0,
    { maxIterations: 100, costTolerance: 1e-12 },
  );
  const { K, dist } = unpack(res.params);
  const outPoses = views.map((_, v) => ({
    R: rodriguesToMatrix(res.params[9 + 6 * v], res.params[10 + 6 * v], res.params[11 + 6 * v]),
    t: Float64Array.from(res.params.subarray(12 + 6 * v, 15 + 6 * v)),
  }));
  return { K, dist, poses: outPoses, rms: res.rms * Math.SQRT2 };
}
