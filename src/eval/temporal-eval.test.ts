/**
 * npm run eval's engine with temporal methods: frame sets in time order with their times, one call per continuous
 * segment with reset() before it (and per camera subset), every frame set fed (also those without truth), and a
 * small continuous take with known answers (MPJPE and acceleration error).
 */
import { describe, expect, it } from 'vitest';
import { cameraToJSON, type Camera } from '../geometry/camera';
import type { FrameViews, FusionMethod, Pose3D } from '../fusion/types';
import { SmoothedMethod } from '../fusion/smoothed';
import { COCO17_NAMES } from '../keypoints/coco17';
import { parseTake } from '../take/take';
import { projectPose, ringRig, standingPose } from '../testing/synthetic';
import { TriangulationMethod } from '../triangulation/methods';
import { evaluateTake } from './evaluate';

/** A walk along x at 1 m/s, exact projections, 30 fps; a 2 s cut after frame 9; frame 3 has no truth. */
function walkTake(gtOffset = 0) {
  const cams = ringRig(3);
  const base = standingPose();
  const times = [...Array.from({ length: 10 }, (_, i) => i / 30), ...Array.from({ length: 8 }, (_, i) => 2.3 + i / 30)];
  const frames = times.map((t, i) => {
    const p = base.map((v, k) => (k % 3 === 0 ? v + 1.0 * t : v));
    const views = projectPose(cams, Float64Array.from(p), 0);
    return {
      time: t,
      views: views.map((v) => Array.from({ length: 17 }, (_, j) => [v[3 * j], v[3 * j + 1], v[3 * j + 2]])),
      gt: i === 3 ? null : Object.fromEntries(COCO17_NAMES.map((n, j) => [n, [p[3 * j] + gtOffset, p[3 * j + 1], p[3 * j + 2]]])),
    };
  });
  return parseTake({ format: 'multiview-take', version: 1, fps: 30, keypoints2d: 'coco17', cameras: cams.map(cameraToJSON), frames });
}

class Recorder implements FusionMethod {
  readonly id = 'recorder';
  readonly label = 'recorder';
  readonly timing = 'causal' as const;
  log: string[] = [];
  private readonly robust = new TriangulationMethod('robust');
  reset(): void {
    this.log.push('reset');
  }
  async estimateFrames(cams: readonly Camera[], frames: ReadonlyArray<FrameViews>, times?: ArrayLike<number>): Promise<(Pose3D | null)[]> {
    this.log.push(`${cams.length}v:${Array.from(times!, (t) => t.toFixed(3)).join(',')}`);
    return this.robust.estimateFrames(cams, frames);
  }
}

describe('evaluateTake with temporal methods', () => {
  it('feeds every frame set in time order, one call per segment, reset before each and per subset', async () => {
    const rec = new Recorder();
    const rows = await evaluateTake(walkTake(), [rec], { viewCounts: [2], maxSubsets: 2 });
    const calls = rec.log.filter((l) => l !== 'reset');
    expect(calls).toHaveLength(4); // 2 subsets × 2 segments
    expect(calls[0].split(':')[1].split(',')).toHaveLength(10); // frame 3 (no truth) is fed too
    expect(calls[1].split(':')[1].split(',')[0]).toBe('2.300');
    // A reset before every segment call.
    rec.log.forEach((l, i) => {
      if (l !== 'reset') expect(rec.log[i - 1]).toBe('reset');
    });
    expect(rows[0].frames).toBe(2 * 17);
  });

  it('scores a continuous take with known answers: MPJPE and acceleration error', async () => {
    const methods = [new TriangulationMethod('robust'), new SmoothedMethod(new TriangulationMethod('robust'), { offline: true }), new SmoothedMethod(new TriangulationMethod('robust'), { offline: false })];
    const rows = await evaluateTake(walkTake(0.01), methods, { viewCounts: [3], maxSubsets: 1 });
    const by = Object.fromEntries(rows.map((r) => [r.method, r]));
    // Exact detections of a uniform walk, truth 10 mm off along x: 10 mm for triangulation and for a zero-phase
    // polynomial (it reproduces linear motion), zero acceleration error (the offset is constant).
    expect(by['robust'].meanMm).toBeCloseTo(10, 2);
    expect(by['robust-offline'].meanMm).toBeCloseTo(10, 2);
    expect(by['robust'].accelMm).toBeLessThan(1e-3);
    expect(by['robust-offline'].accelMm).toBeLessThan(1e-3);
    // One Euro lags a moving body: worse than the raw triangulation here, and never across the cut.
    expect(by['robust-smoothed'].meanMm).toBeGreaterThan(10.5);
    expect(by['robust-smoothed'].frames).toBe(17);
  });
});
