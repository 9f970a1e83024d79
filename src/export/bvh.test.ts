import { describe, expect, it } from 'vitest';
import { COCO17_NAMES, NUM_JOINTS } from '../keypoints';
import { FIGURE_CYCLE_S, figurePose } from '../sim/figure';
import { makeRng } from '../sim/rng';
import { writeBvh } from './bvh';
import { bvhFramePositions, parseBvh } from './bvh-reader';
import type { PoseLike } from './types';

function figureSeq(n: number, fps: number): PoseLike[] {
  return Array.from({ length: n }, (_, f) => ({ joints: figurePose((f / fps) % FIGURE_CYCLE_S), valid: new Uint8Array(NUM_JOINTS).fill(1) }));
}

function maxError(poses: (PoseLike | null)[], text: string) {
  const data = parseBvh(text);
  expect(data.motion).toHaveLength(poses.length);
  const idx = COCO17_NAMES.map((n) => data.joints.findIndex((j) => j.name === n));
  expect(idx.every((i) => i >= 0)).toBe(true);
  const errs: number[] = [];
  poses.forEach((p, f) => {
    if (!p) return;
    const pos = bvhFramePositions(data, f);
    for (let j = 0; j < NUM_JOINTS; j++) {
      if (!p.valid[j]) continue;
      const i = idx[j];
      errs.push(Math.hypot(pos[3 * i] / 100 - p.joints[3 * j], pos[3 * i + 1] / 100 - p.joints[3 * j + 1], pos[3 * i + 2] / 100 - p.joints[3 * j + 2]));
    }
  });
  return { max: Math.max(...errs), mean: errs.reduce((a, b) => a + b, 0) / errs.length };
}

describe('BVH export', () => {
  it('reads back the procedural figure (constant bones) within 1 mm over a whole cycle', () => {
    const poses = figureSeq(Math.round(FIGURE_CYCLE_S * 10), 10);
    const text = writeBvh(poses, { fps: 10 });
    expect(text.startsWith('HIERARCHY\nROOT Hips')).toBe(true);
    const e = maxError(poses, text);
    expect(e.max).toBeLessThan(0.001);
  });

  it('reads back noisy poses (bone lengths varying ±1 cm) within 1 cm on average, and survives gaps', () => {
    const rng = makeRng(5);
    const poses: (PoseLike | null)[] = figureSeq(120, 15).map((p) => {
      const j = p.joints.map((v) => v + 0.004 * rng.normal());
      return { joints: Float64Array.from(j), valid: p.valid };
    });
    poses[10] = null;
    (poses[20] as PoseLike).valid = Uint8Array.from({ length: 17 }, (_, j) => (j === 9 ? 0 : 1));
    const text = writeBvh(poses, { fps: 15 });
    expect(text).not.toMatch(/NaN/);
    const e = maxError(poses, text);
    expect(e.mean).toBeLessThan(0.01);
  });
});
