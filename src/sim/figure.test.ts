import { describe, expect, it } from 'vitest';
import { COCO17_BONES, COCO17_NAMES, JOINT } from '../keypoints';
import { FIGURE_CYCLE_S, figureActivity, figureHeading, figurePose } from './figure';

const P = (p: Float64Array, j: number) => [p[3 * j], p[3 * j + 1], p[3 * j + 2]];
const sub = (a: number[], b: number[]) => a.map((v, i) => v - b[i]);
const dist = (a: number[], b: number[]) => Math.hypot(...sub(a, b));
const times = Array.from({ length: 400 }, (_, i) => (i * FIGURE_CYCLE_S) / 400 + 0.0123);

describe('procedural figure', () => {
  it('keeps every bone length constant over a whole cycle', () => {
    const ref = figurePose(0);
    for (const t of times) {
      const p = figurePose(t);
      for (const [a, b] of COCO17_BONES) {
        expect(dist(P(p, a), P(p, b)), `${COCO17_NAMES[a]}-${COCO17_NAMES[b]} at t=${t}`).toBeCloseTo(dist(P(ref, a), P(ref, b)), 9);
      }
    }
  });

  it('puts left joints on the left: (left − right) × up points forward, where the face points', () => {
    for (const t of times) {
      const p = figurePose(t);
      const h = figureHeading(t);
      const fwd = [Math.sin(h), 0, Math.cos(h)];
      for (const [l, r] of [
        [JOINT.left_hip, JOINT.right_hip],
        [JOINT.left_shoulder, JOINT.right_shoulder],
        [JOINT.left_ear, JOINT.right_ear],
      ]) {
        const d = sub(P(p, l), P(p, r));
        // (d × up) with up = +y is (−d_z, 0, d_x)
        const cross = [-d[2], 0, d[0]];
        expect(cross[0] * fwd[0] + cross[2] * fwd[2], `${COCO17_NAMES[l]} at t=${t}`).toBeGreaterThan(0);
      }
      // The face is in front of the ears.
      const earMid = P(p, JOINT.left_ear).map((v, i) => (v + P(p, JOINT.right_ear)[i]) / 2);
      const toNose = sub(P(p, JOINT.nose), earMid);
      expect(toNose[0] * fwd[0] + toNose[2] * fwd[2]).toBeGreaterThan(0);
    }
  });

  it('stands on the floor, upright, at human size', () => {
    for (const t of times) {
      const p = figurePose(t);
      const minAnkle = Math.min(p[3 * JOINT.left_ankle + 1], p[3 * JOINT.right_ankle + 1]);
      expect(minAnkle).toBeCloseTo(0.08, 6);
      expect(p[3 * JOINT.nose + 1]).toBeGreaterThan(0.8);
      for (let j = 0; j < 17; j++) expect(Number.isFinite(p[3 * j]) && p[3 * j + 1] > 0).toBe(true);
    }
    expect(figurePose(0)[3 * JOINT.nose + 1]).toBeGreaterThan(1.55);
  });

  it('waves the right hand (not the left) above the head', () => {
    let t = 0;
    while (figureActivity(t).activity !== 'wave') t += 0.05;
    t += 1.7;
    expect(figureActivity(t).activity).toBe('wave');
    const p = figurePose(t);
    expect(p[3 * JOINT.right_wrist + 1]).toBeGreaterThan(p[3 * JOINT.nose + 1]);
    expect(p[3 * JOINT.left_wrist + 1]).toBeLessThan(p[3 * JOINT.left_hip + 1] + 0.1);
  });

  it('walks a circle and squats down', () => {
    const p0 = figurePose(0), p1 = figurePose(4.5);
    expect(dist(P(p0, JOINT.left_hip), P(p1, JOINT.left_hip))).toBeGreaterThan(1.5);
    let t = 0;
    while (figureActivity(t).activity !== 'squat') t += 0.05;
    const standing = figurePose(0)[3 * JOINT.left_hip + 1];
    let lowest = Infinity;
    for (let s = t; figureActivity(s).activity === 'squat'; s += 0.05) lowest = Math.min(lowest, figurePose(s)[3 * JOINT.left_hip + 1]);
    expect(standing - lowest).toBeGreaterThan(0.25);
  });

  it('is continuous across the loop', () => {
    const a = figurePose(FIGURE_CYCLE_S - 1e-4), b = figurePose(FIGURE_CYCLE_S + 1e-4);
    for (let j = 0; j < 17; j++) expect(dist(P(a, j), P(b, j))).toBeLessThan(1e-3);
  });
});
