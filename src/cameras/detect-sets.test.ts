/**
 * Turning the detection worker's result into a frame set (setViews): single-person views as before; with a
 * multi-person model every person per view, the first one in `views`, a lost camera null, a view with nobody [].
 * Then such a frame set through the fusion pipeline: each person fused, the lost camera left out.
 */
import { describe, expect, it } from 'vitest';
import { setViews } from './detect-sets';
import { FusionPipeline } from '../fusion/pipeline';
import { unpackFrame, packFrame } from '../fusion/protocol';
import { TriangulationMethod } from '../triangulation';
import { DEFAULT_NOISE } from '../sim/noise';
import { ringRig } from '../sim/rig';
import { makeRng } from '../sim/rng';

const kp = (x: number) => Float32Array.from({ length: 51 }, (_, k) => (k % 3 === 2 ? 0.9 : x + k));

describe('setViews', () => {
  it('single-person: views as detected, a lost camera and an empty slot null, no people', () => {
    const a = kp(10), c = kp(30);
    const r = setViews([true, true, true, false], [false, true, false, false], [a, kp(20), c, null]);
    expect(r.views).toEqual([a, null, c, null]);
    expect(r.status).toEqual(['ok', 'lost', 'ok', 'no-detection']);
    expect(r.people).toBeUndefined();
    expect(setViews([true], [false], [null]).status).toEqual(['no-detection']);
  });

  it('multi-person: every person per view, the first in views, lost and frameless cameras null, nobody []', () => {
    const p = [kp(1), kp(2)], q = [kp(3)];
    const r = setViews(
      [true, true, true, true, false],
      [false, false, true, false, false],
      [p[0].slice(), null, q[0].slice(), null, null],
      [p, [], q, [kp(4)], null],
    );
    expect(r.people).toEqual([p, [], null, [r.people![3]![0]], null]);
    expect(r.people![0]).toHaveLength(2);
    expect(r.people![1]).toEqual([]);
    expect(r.people![2]).toBeNull(); // lost while its frame was detected: its people are dropped with it
    expect(r.views[0]).toBe(p[0]);
    expect(r.views.slice(1)).toEqual([null, null, r.people![3]![0], null]);
    expect(r.status).toEqual(['ok', 'no-detection', 'lost', 'ok', 'no-detection']);
  });

  it('a multi-person frame set from it is fused per person, the lost camera left out', async () => {
    const { proceduralFigures } = await import('../sim/figures');
    const { simulateScene } = await import('../sim/scene');
    const cams = ringRig(5);
    const s = simulateScene(1, cams, proceduralFigures(2), { noise: DEFAULT_NOISE, level: 0, occlusion: false, grabProbability: 0, posters: [], reflections: [] }, makeRng(5));
    const lists = s.views.map((v) => (v ? v.map((x) => Float32Array.from(x)) : []));
    const r = setViews(cams.map(() => true), [false, false, false, false, true], lists.map((l) => l[0] ?? null), lists);
    const p = new FusionPipeline([new TriangulationMethod('robust')]);
    p.setRig(cams);
    const f = (await p.fuse(unpackFrame(packFrame({ time: 1, views: r.views, status: r.status, timings: {}, people: r.people }).frame)))!;
    expect(f.frame.people![4]).toBeNull();
    expect(f.people).toHaveLength(2);
    const hip = (j: Float64Array) => [0.5 * (j[33] + j[36]), 0.5 * (j[34] + j[37]), 0.5 * (j[35] + j[38])];
    for (const person of f.people) {
      const pose = person.poses.robust!;
      expect(pose.joints.every(Number.isFinite)).toBe(true);
      const d = Math.min(...s.truth.map((t) => Math.hypot(...hip(pose.joints).map((v, k) => v - hip(t.joints)[k]))));
      expect(d).toBeLessThan(0.05);
    }
  });
});
