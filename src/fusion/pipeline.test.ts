import { describe, expect, it } from 'vitest';
import { DEFAULT_NOISE } from '../sim/noise';
import { ringRig } from '../sim/rig';
import { makeRng } from '../sim/rng';
import { simulateFrame } from '../sim/simulate';
import { TriangulationMethod } from '../triangulation';
import type { Camera } from '../geometry/camera';
import type { DetectedFrameSet } from './flow';
import { FusionPipeline } from './pipeline';
import type { FusionMethod, Pose3D } from './types';

function frameAt(t: number, cams = ringRig(4), level = 0): DetectedFrameSet {
  const f = simulateFrame(t, cams, { noise: DEFAULT_NOISE, level, dropped: new Set() }, makeRng(1));
  return { time: f.time, views: f.views, status: f.status, timings: { capture: 1, detection: 2, skew: 0.5 }, gt: f.gt };
}

const triangulation = () => [new TriangulationMethod('dlt'), new TriangulationMethod('robust')];

describe('fusion pipeline', () => {
  it('fuses a frame set on its rig with every method, as person 0, in the registry\'s order', async () => {
    const cams = ringRig(4);
    const p = new FusionPipeline(triangulation());
    expect(p.methodIds).toEqual(['robust', 'dlt']);
    p.setRig(cams);
    const f = (await p.fuse(frameAt(1, cams)))!;
    expect(f.people).toHaveLength(1);
    expect(f.people[0].person).toBe(0);
    expect(Object.keys(f.people[0].poses).sort()).toEqual(['dlt', 'robust']);
    for (let k = 0; k < 51; k++) expect(f.people[0].poses.robust!.joints[k]).toBeCloseTo(f.frame.gt!.joints[k], 6);
    expect(f.timings.fusion).toBeGreaterThanOrEqual(0);
  });

  it('fuses nothing without a rig or against a rig of another size', async () => {
    const p = new FusionPipeline(triangulation());
    expect(await p.fuse(frameAt(1))).toBeNull();
    p.setRig(ringRig(4));
    expect(await p.fuse(frameAt(2, ringRig(3)))).toBeNull();
  });

  it('resets temporal methods on a new rig and where time jumps, not within a steady stream', async () => {
    let resets = 0;
    const temporal: FusionMethod = {
      id: 'robust', label: 'counting', timing: 'causal',
      estimateFrames: async (_c: readonly Camera[], frames) => frames.map((): Pose3D | null => null),
      reset: () => void resets++,
    };
    const cams = ringRig(3);
    const p = new FusionPipeline([temporal]);
    p.setRig(cams);
    const base = resets;
    for (const t of [1, 1 + 1 / 15, 1 + 2 / 15]) await p.fuse(frameAt(t, cams));
    expect(resets).toBe(base);
    await p.fuse(frameAt(5, cams)); // a 4 s gap
    expect(resets).toBe(base + 1);
    await p.fuse(frameAt(4, cams)); // time goes back
    expect(resets).toBe(base + 2);
    p.setRig(ringRig(3)); // the same cameras rebuilt: the past stays
    expect(resets).toBe(base + 2);
    p.setRig(ringRig(4)); // another rig
    expect(resets).toBe(base + 3);
  });

  it('smooths each method when asked, and forgets the history when the settings change', async () => {
    const cams = ringRig(4);
    const p = new FusionPipeline(triangulation());
    p.setRig(cams);
    p.setSettings({ smoothing: true });
    const a = (await p.fuse(frameAt(1, cams, 1)))!.people[0].poses.robust!;
    const b = (await p.fuse(frameAt(1 + 1 / 15, cams, 1)))!.people[0].poses.robust!;
    expect(a.joints.every(Number.isFinite)).toBe(true);
    expect(b.joints.every(Number.isFinite)).toBe(true);
    expect(p.settings.smoothing).toBe(true);
  });
});

describe('fusion pipeline, several people', () => {
  it('associates a multi-person frame set and fuses each person under a stable id, through the worker packing', async () => {
    const { proceduralFigures } = await import('../sim/figures');
    const { simulateScene } = await import('../sim/scene');
    const { packFrame, unpackFrame } = await import('./protocol');
    const cams = ringRig(5);
    const figs = proceduralFigures(3);
    const p = new FusionPipeline(triangulation());
    p.setRig(cams);
    const rng = makeRng(3);
    const base = { noise: DEFAULT_NOISE, level: 0.5, occlusion: true, grabProbability: 0.3, posters: [], reflections: [] };
    const idsByTruth = new Map<number, Set<number>>();
    let worst = 0;
    for (let i = 0; i < 30; i++) {
      const s = simulateScene(1 + i / 15, cams, figs, base, rng);
      const frame: DetectedFrameSet = { time: s.time, views: cams.map(() => null), status: cams.map(() => 'ok'), timings: {}, people: s.views };
      const f = (await p.fuse(unpackFrame(packFrame(frame).frame)))!;
      expect(f.people.length).toBe(3);
      for (const person of f.people) {
        const pose = person.poses.robust!;
        // Nearest truth by hip centre: who this id is now.
        const hip = (j: Float64Array) => [0.5 * (j[33] + j[36]), 0.5 * (j[35] + j[38])];
        const [hx, hz] = hip(pose.joints);
        const t = s.truth.reduce((a, b) => (Math.hypot(hip(a.joints)[0] - hx, hip(a.joints)[1] - hz) < Math.hypot(hip(b.joints)[0] - hx, hip(b.joints)[1] - hz) ? a : b));
        if (i >= 5) (idsByTruth.get(t.id) ?? idsByTruth.set(t.id, new Set()).get(t.id)!).add(person.person);
        worst = Math.max(worst, Math.hypot(hip(t.joints)[0] - hx, hip(t.joints)[1] - hz));
      }
    }
    expect(worst).toBeLessThan(0.15);
    expect([...idsByTruth.values()].map((s) => s.size)).toEqual([1, 1, 1]);
  });
});

describe('fusion pipeline, several people, a failing method', () => {
  it('leaves the failing method\'s poses null for everyone and the others go on', async () => {
    const { proceduralFigures } = await import('../sim/figures');
    const { simulateScene } = await import('../sim/scene');
    const cams = ringRig(4);
    const broken: FusionMethod = { id: 'lifter', estimateFrames: () => Promise.reject(new Error('boom')) } as unknown as FusionMethod;
    const p = new FusionPipeline([...triangulation(), broken]);
    const seen: string[] = [];
    p.onMethodError = (id) => void seen.push(id);
    p.setRig(cams);
    const s = simulateScene(2, cams, proceduralFigures(2), { noise: DEFAULT_NOISE, level: 0, occlusion: false, grabProbability: 0, posters: [], reflections: [] }, makeRng(5));
    const f = (await p.fuse({ time: s.time, views: cams.map(() => null), status: cams.map(() => 'ok'), timings: {}, people: s.views }))!;
    expect(f.people).toHaveLength(2);
    for (const person of f.people) {
      expect(person.poses.lifter).toBeNull();
      expect(person.poses.robust).not.toBeNull();
    }
    expect(seen).toEqual(['lifter']);
  });
});
