import { describe, expect, it } from 'vitest';
import { cameraCenter } from '../geometry/camera';
import { NUM_JOINTS } from '../keypoints/coco17';
import { placedPose } from '../testing/synthetic';
import { FIGURE_CYCLE_S } from './figure';
import { motionFigure, proceduralFigures, type SceneFigure } from './figures';
import { DEFAULT_NOISE } from './noise';
import { ringRig } from './rig';
import { makeRng } from './rng';
import { simulateScene, type SceneOptions } from './scene';

const base: SceneOptions = { noise: DEFAULT_NOISE, level: 1, occlusion: true, grabProbability: 0, posters: [], reflections: [] };

const still = (id: number, joints: Float64Array): SceneFigure => ({ id, pose: (_t, out) => (out.set(joints), out) });

function hips(p: Float64Array): [number, number] {
  return [0.5 * (p[33] + p[36]), 0.5 * (p[35] + p[38])];
}

describe('multi-figure scene', () => {
  it('keeps 2–4 procedural figures apart while their paths cross, all seen by the default ring', () => {
    for (const n of [2, 3, 4]) {
      const figs = proceduralFigures(n);
      let min = Infinity;
      const out = figs.map(() => new Float64Array(NUM_JOINTS * 3));
      for (let t = 0; t < FIGURE_CYCLE_S; t += 0.25) {
        const h = figs.map((f, k) => hips(f.pose(t, out[k])!));
        for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) min = Math.min(min, Math.hypot(h[a][0] - h[b][0], h[a][1] - h[b][1]));
      }
      expect(min).toBeGreaterThan(0.35);
      const f = simulateScene(3, ringRig(4), figs, { ...base, level: 0 }, makeRng(n));
      expect(f.truth.map((p) => p.id)).toEqual(figs.map((g) => g.id));
      for (const l of f.labels) expect(l!.filter((id) => id >= 0).length).toBeGreaterThanOrEqual(n - 1);
    }
  });

  it('hides the farther figure where the nearer covers it, in that camera only', () => {
    const cams = ringRig(4);
    const c0 = cameraCenter(cams[0]);
    // Two bodies on the line from camera 0 through the middle of the room, 1 m apart.
    const dir = [-c0[0], -c0[2]], n = Math.hypot(dir[0], dir[1]);
    const near = placedPose(0, (-0.5 * dir[0]) / n, (-0.5 * dir[1]) / n), far = placedPose(0, (0.5 * dir[0]) / n, (0.5 * dir[1]) / n);
    const f = simulateScene(0, cams, [still(0, near), still(1, far)], { ...base, level: 0 }, makeRng(1));
    const count = (kp: Float32Array) => kp.filter((_, i) => i % 3 === 2 && kp[i] > 0).length;
    // Camera 0 sees the far body's head above the near one's and little else; camera 2, opposite, the reverse; the
    // side cameras see both whole.
    const far0 = f.views[0]![f.labels[0]!.indexOf(1)], far2 = f.views[2]![f.labels[2]!.indexOf(0)];
    expect(far0 ? count(far0) : 0).toBeLessThanOrEqual(8);
    expect(far2 ? count(far2) : 0).toBeLessThanOrEqual(8);
    expect(count(f.views[0]![f.labels[0]!.indexOf(0)])).toBe(17);
    expect(count(f.views[2]![f.labels[2]!.indexOf(1)])).toBe(17);
    for (const v of [1, 3]) {
      expect([...f.labels[v]!].sort()).toEqual([0, 1]);
      for (const kp of f.views[v]!) expect(count(kp)).toBeGreaterThanOrEqual(15);
    }
    // Alone, camera 0 would have seen it.
    expect(f.alone.get(1)![0]).not.toBeNull();
    const noOcc = simulateScene(0, cams, [still(0, near), still(1, far)], { ...base, level: 0, occlusion: false }, makeRng(1));
    expect([...noOcc.labels[0]!].sort()).toEqual([0, 1]);
  });

  it('adds posters and reflections as false detections labelled −1', () => {
    const cams = ringRig(4);
    const c2 = cameraCenter(cams[2]);
    const f = simulateScene(1, cams, [still(0, placedPose(0, 0, 0))], {
      ...base,
      posters: [{ view: 2, joints: placedPose(0.5, 0.4 * c2[0] + 0.5, 0.4 * c2[2]), presence: 1 }],
      reflections: [{ view: 1, figure: 0, mirrorU: 420 }],
    }, makeRng(2));
    expect([...f.labels[2]!].sort()).toEqual([-1, 0]);
    expect([...f.labels[1]!].sort()).toEqual([-1, 0]);
    expect(f.labels[0]).toEqual([0]);
    const refl = f.views[1]![f.labels[1]!.indexOf(-1)], real = f.views[1]![f.labels[1]!.indexOf(0)];
    for (let j = 0; j < NUM_JOINTS; j++) if (refl[3 * j + 2] > 0) expect(refl[3 * j] + real[3 * j]).toBeCloseTo(840, 3);
  });

  it('carries a recorded motion along its circle, only while present', () => {
    const frames = [placedPose(0, 5, 5), placedPose(0.3, 5.1, 5)];
    const fig = motionFigure(3, { fps: 10, frames }, { x: 0, z: 0, r: 1, speed: 1, phase: 0 }, 1, 2);
    expect(fig.pose(0.5, new Float64Array(51))).toBeNull();
    const p = fig.pose(1.05, new Float64Array(51))!;
    const [hx, hz] = hips(p);
    expect(hx).toBeCloseTo(Math.cos(1.05), 6);
    expect(hz).toBeCloseTo(Math.sin(1.05), 6);
    expect(p[1]).toBeCloseTo(frames[0][1], 9);
    expect(fig.pose(2, new Float64Array(51))).toBeNull();
  });
});
