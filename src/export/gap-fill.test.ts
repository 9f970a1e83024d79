import { describe, expect, it } from 'vitest';
import { NUM_JOINTS } from '../keypoints/coco17';
import { fillGaps } from './gap-fill';

/** Every joint on x = sin(2π·0.7 t), y = cos, z = t, at 60 fps. */
function sine(n: number, fps = 60) {
  const times = Array.from({ length: n }, (_, f) => f / fps);
  const poses = times.map((t) => {
    const joints = new Float64Array(NUM_JOINTS * 3);
    for (let j = 0; j < NUM_JOINTS; j++) joints.set([Math.sin(2 * Math.PI * 0.7 * t + j), Math.cos(2 * Math.PI * 0.7 * t), t], 3 * j);
    return { joints, valid: new Uint8Array(NUM_JOINTS).fill(1) };
  });
  return { times, poses };
}

describe('gap filling', () => {
  it('fills a short gap of a known sine with the cubic: within 1 cm of a 1 m, 0.7 Hz sine over 0.18 s, far closer than a straight line', () => {
    const { times, poses } = sine(120);
    const truth = poses.map((p) => Float64Array.from(p.joints));
    for (let f = 40; f < 50; f++) poses[f].valid[3] = 0; // 10 frames = 0.18 s
    const r = fillGaps(poses, times, { maxGapS: 0.25 });
    const line = fillGaps(poses, times, { maxGapS: 0.25, neighbours: 1 });
    expect(r.filledCount).toBe(10);
    let worst = 0, worstLine = 0;
    for (let f = 40; f < 50; f++) {
      expect(r.filled[f][3]).toBe(1);
      for (let k = 0; k < 3; k++) {
        worst = Math.max(worst, Math.abs(r.poses[f]!.joints[9 + k] - truth[f][9 + k]));
        worstLine = Math.max(worstLine, Math.abs(line.poses[f]!.joints[9 + k] - truth[f][9 + k]));
      }
    }
    expect(worst).toBeLessThan(1e-2);
    expect(worst).toBeLessThan(worstLine / 5);
    expect(r.filled[39][3]).toBe(0);
    expect(poses[45].valid[3]).toBe(0); // the input is untouched
  });

  it('leaves a long gap, and gaps at either end, empty', () => {
    const { times, poses } = sine(200);
    for (let f = 50; f < 90; f++) poses[f].valid[5] = 0; // 0.68 s
    for (let f = 0; f < 3; f++) poses[f].valid[6] = 0; // no estimate before
    for (let f = 197; f < 200; f++) poses[f].valid[7] = 0; // none after
    const r = fillGaps(poses, times, { maxGapS: 0.25 });
    expect(r.filledCount).toBe(0);
    expect(r.leftEmpty).toBe(40 + 3 + 3);
    for (let f = 50; f < 90; f++) expect(r.poses[f]!.valid[5]).toBe(0);
  });

  it('gives a frame without any pose its filled joints, and keeps it null when nothing is filled', () => {
    const { times, poses } = sine(30);
    const withNull: (typeof poses[number] | null)[] = [...poses];
    withNull[10] = null;
    const r = fillGaps(withNull, times, { maxGapS: 0.1 });
    expect(r.poses[10]!.valid.every((v) => v === 1)).toBe(true);
    expect(Math.abs(r.poses[10]!.joints[2] - times[10])).toBeLessThan(1e-9); // z = t is reproduced exactly
    const long = fillGaps(withNull, times, { maxGapS: 0.01 });
    expect(long.poses[10]).toBeNull();
  });

  it('interpolates linearly with one neighbour per side', () => {
    const { times, poses } = sine(60);
    poses[20].valid[0] = 0;
    const r = fillGaps(poses, times, { neighbours: 1 });
    expect(r.poses[20]!.joints[0]).toBeCloseTo((poses[19].joints[0] + poses[21].joints[0]) / 2, 12);
  });
});
