/**
 * Scoring fusion methods on takes with ground truth: the engine behind `npm run eval`. Pure; the CLI only
 * reads files and prints.
 */
import type { Camera } from '../geometry/camera';
import type { FrameViews, FusionMethod } from '../fusion/types';
import { NUM_JOINTS } from '../keypoints/coco17';
import type { Take } from '../take/take';
import { seededRandom } from '../util/random';

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

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarise(perFrameMm: number[], frames: number, noPose: number, covered: number, gtJoints: number): ErrorStats {
  const sorted = Float64Array.from(perFrameMm).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    meanMm: sorted.length ? sum / sorted.length : NaN,
    medianMm: quantile(sorted, 0.5),
    p90Mm: quantile(sorted, 0.9),
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

/** Runs every method on every requested camera subset of the take and scores it against the take's truth. */
export async function evaluateTake(take: Take, methods: readonly FusionMethod[], opts: EvalOptions): Promise<EvalRow[]> {
  const nCams = take.cameras.length;
  const counts = (opts.viewCounts ?? Array.from({ length: nCams - 1 }, (_, i) => i + 2)).filter((k) => k >= 1 && k <= nCams);
  const gtFrames = take.frames.filter((f) => f.gt && f.gt.valid.some((v) => v));
  const rows: EvalRow[] = [];
  for (const k of counts) {
    const subsets = cameraSubsets(nCams, k, opts.maxSubsets);
    for (const method of methods) {
      const perFrame: number[] = [];
      let frames = 0, noPose = 0, covered = 0, gtJoints = 0, fallbacks = 0;
      for (const subset of subsets) {
        const cams: Camera[] = subset.map((i) => take.cameras[i]);
        const views: FrameViews[] = gtFrames.map((f) => subset.map((i) => f.views[i]));
        const poses = await method.estimateFrames(cams, views);
        poses.forEach((pose, fi) => {
          const gt = gtFrames[fi].gt!;
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
        });
      }
      rows.push({ method: method.id, views: k, subsets: subsets.length, ...summarise(perFrame, frames, noPose, covered, gtJoints), fallbacks });
    }
  }
  return rows;
}

/** A fixed-width text table of eval rows. */
export function formatTable(rows: readonly EvalRow[]): string {
  const head = ['views', 'method', 'subsets', 'frames', 'no pose', 'fallback', 'joints %', 'mean mm', 'median mm', 'p90 mm'];
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
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
