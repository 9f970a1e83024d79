/**
 * Scoring fusion methods on takes with ground truth: the engine behind `npm run eval`. Pure; the CLI only
 * reads files and prints.
 */
import type { Camera } from '../geometry/camera';
import type { FusionMethod, Pose3D } from '../fusion/types';
import { timeSegments } from '../fusion/segments';
import { NUM_JOINTS } from '../keypoints/coco17';
import type { Take } from '../take/take';
import { seededRandom } from '../util/random';
import { quantileSorted } from '../util/stats';

export interface ErrorStats {
  /** MPJPE per evaluated frame, summarised (mm). */
  meanMm: number;
  medianMm: number;
  p90Mm: number;
  /** Frame sets evaluated (frames with ground truth × camera subsets). */
  frames: number;
  /** Of those, how many the method gave no pose for. */
  noPose: number;
  /** Fraction of ground-truth joints the method estimated, over frames with a pose. */
  jointCoverage: number;
}

export interface EvalRow extends ErrorStats {
  method: string;
  views: number;
  subsets: number;
  /** Frame sets where the method handed over to another (the lifter's fallback to triangulation, info.fallback). */
  fallbacks?: number;
  /**
   * Acceleration error (jitter), mm/frame²: |second difference of the pose − that of the truth| per joint, mean over
   * joints and over every frame set whose neighbours on both sides lie in the same continuous segment and have a
   * pose and truth; NaN where there is none.
   */
  accelMm: number;
}

/** Deterministic camera subsets of size k: all of them when there are at most `max`, else a seeded sample. */
export function cameraSubsets(nCams: number, k: number, max: number): number[][] {
  const all: number[][] = [];
  const rec = (start: number, cur: number[]) => {
    if (cur.length === k) {
      all.push(cur.slice());
      return;
    }
    for (let i = start; i < nCams; i++) {
      cur.push(i);
      rec(i + 1, cur);
      cur.pop();
    }
  };
  if (k < 1 || k > nCams) return [];
  rec(0, []);
  if (all.length <= max) return all;
  const rand = seededRandom(1000 * nCams + k);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, max).sort((a, b) => a.join(',').localeCompare(b.join(',')));
}

export function summarise(perFrameMm: number[], frames: number, noPose: number, covered: number, gtJoints: number): ErrorStats {
  const sorted = Float64Array.from(perFrameMm).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    meanMm: sorted.length ? sum / sorted.length : NaN,
    medianMm: quantileSorted(sorted, 0.5),
    p90Mm: quantileSorted(sorted, 0.9),
    frames,
    noPose,
    jointCoverage: gtJoints ? covered / gtJoints : 0,
  };
}

export interface EvalOptions {
  /** View counts to evaluate; default 2 … number of cameras. */
  viewCounts?: number[];
  /** At most this many camera subsets per view count. */
  maxSubsets: number;
}

/**
 * Every frame set of the take through a method, for one camera subset: in time order, one call per continuous
 * segment (timeSegments: a gap over 0.5 s or time going back), reset() before each, so temporal methods never carry
 * motion across a cut, a subset change or another take. Frame methods ignore times and reset.
 */
export async function runSubset(take: Take, method: FusionMethod, subset: readonly number[]): Promise<{ poses: (Pose3D | null)[]; segment: Int32Array }> {
  const cams: Camera[] = subset.map((i) => take.cameras[i]);
  const times = take.frames.map((f) => f.time);
  const poses: (Pose3D | null)[] = new Array(take.frames.length).fill(null);
  const segment = new Int32Array(take.frames.length);
  let s = 0;
  for (const [a, b] of timeSegments(times)) {
    method.reset?.();
    const views = take.frames.slice(a, b).map((f) => subset.map((i) => f.views[i]));
    const out = await method.estimateFrames(cams, views, times.slice(a, b));
    out.forEach((p, k) => (poses[a + k] = p));
    segment.fill(s++, a, b);
  }
  method.reset?.();
  return { poses, segment };
}

/** Mean over joints valid in all six poses of |Δ²pose − Δ²truth| (m), or NaN. */
function accelError(p: (Pose3D | null)[], g: (Pose3D | null)[]): number {
  let sum = 0, n = 0;
  for (let j = 0; j < NUM_JOINTS; j++) {
    if (![0, 1, 2].every((k) => p[k]!.valid[j] && g[k]!.valid[j])) continue;
    let e2 = 0;
    for (let a = 0; a < 3; a++) {
      const x = (k: number, q: (Pose3D | null)[]) => q[k]!.joints[3 * j + a];
      const d = x(2, p) - 2 * x(1, p) + x(0, p) - (x(2, g) - 2 * x(1, g) + x(0, g));
      e2 += d * d;
    }
    sum += Math.sqrt(e2);
    n++;
  }
  return n ? sum / n : NaN;
}

/** Runs every method on every requested camera subset of the take and scores it against the take's truth. */
export async function evaluateTake(take: Take, methods: readonly FusionMethod[], opts: EvalOptions): Promise<EvalRow[]> {
  const nCams = take.cameras.length;
  const counts = (opts.viewCounts ?? Array.from({ length: nCams - 1 }, (_, i) => i + 2)).filter((k) => k >= 1 && k <= nCams);
  const gts = take.frames.map((f) => (f.gt && f.gt.valid.some((v) => v) ? f.gt : null));
  const rows: EvalRow[] = [];
  for (const k of counts) {
    const subsets = cameraSubsets(nCams, k, opts.maxSubsets);
    for (const method of methods) {
      const perFrame: number[] = [];
      const accel: number[] = [];
      let frames = 0, noPose = 0, covered = 0, gtJoints = 0, fallbacks = 0;
      for (const subset of subsets) {
        const { poses, segment } = await runSubset(take, method, subset);
        poses.forEach((pose, fi) => {
          const gt = gts[fi];
          if (!gt) return;
          frames++;
          if (!pose) {
            noPose++;
            return;
          }
          if (pose.info?.fallback === true) fallbacks++;
          let err = 0, n = 0;
          for (let j = 0; j < NUM_JOINTS; j++) {
            if (!gt.valid[j]) continue;
            gtJoints++;
            if (!pose.valid[j]) continue;
            covered++;
            err += Math.hypot(
              pose.joints[3 * j] - gt.joints[3 * j],
              pose.joints[3 * j + 1] - gt.joints[3 * j + 1],
              pose.joints[3 * j + 2] - gt.joints[3 * j + 2],
            );
            n++;
          }
          if (n > 0) perFrame.push((1000 * err) / n);
          else noPose++;
          if (fi > 0 && fi + 1 < poses.length && segment[fi - 1] === segment[fi] && segment[fi + 1] === segment[fi]) {
            const p3 = poses.slice(fi - 1, fi + 2), g3 = gts.slice(fi - 1, fi + 2);
            if (p3.every((p) => p) && g3.every((g) => g)) {
              const a = accelError(p3, g3);
              if (Number.isFinite(a)) accel.push(1000 * a);
            }
          }
        });
      }
      const accelMm = accel.length ? accel.reduce((a, b) => a + b, 0) / accel.length : NaN;
      rows.push({ method: method.id, views: k, subsets: subsets.length, ...summarise(perFrame, frames, noPose, covered, gtJoints), fallbacks, accelMm });
    }
  }
  return rows;
}

/** A fixed-width text table of eval rows. */
export function formatTable(rows: readonly EvalRow[]): string {
  const head = ['views', 'method', 'subsets', 'frames', 'no pose', 'fallback', 'joints %', 'mean mm', 'median mm', 'p90 mm', 'accel mm/f²'];
  const body = rows.map((r) => [
    String(r.views),
    r.method,
    String(r.subsets),
    String(r.frames),
    String(r.noPose),
    String(r.fallbacks ?? 0),
    (100 * r.jointCoverage).toFixed(1),
    r.meanMm.toFixed(1),
    r.medianMm.toFixed(1),
    r.p90Mm.toFixed(1),
    Number.isFinite(r.accelMm) ? r.accelMm.toFixed(2) : '–',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
