import { describe, expect, it } from 'vitest';
import { NUM_JOINTS } from '../keypoints/coco17';
import { PeopleFusion } from '../people/fuse';
import { proceduralFigures } from '../sim/figures';
import { DEFAULT_NOISE } from '../sim/noise';
import { ringRig } from '../sim/rig';
import { makeRng } from '../sim/rng';
import { simulateScene } from '../sim/scene';
import type { MultiTake } from '../take/multi';
import { placedPose } from '../testing/synthetic';
import { TriangulationMethod } from '../triangulation/methods';
import { pcp, runMultiTake, scoreMultiTake } from './multi';

const all = new Uint8Array(NUM_JOINTS).fill(1);

describe('multi-person scoring', () => {
  it('counts every part of an exact pose and none of a pose a metre away', () => {
    const truth = { id: 0, joints: placedPose(0, 0, 0), valid: all };
    expect(pcp({ joints: truth.joints, valid: all }, truth)).toEqual({ correct: 9, parts: 9 });
    expect(pcp({ joints: placedPose(0, 1, 0), valid: all }, truth)).toEqual({ correct: 0, parts: 9 });
    expect(pcp(null, truth)).toEqual({ correct: 0, parts: 9 });
  });

  it('scores a simulated three-person take: everyone found, nobody invented, identities kept', async () => {
    const cams = ringRig(4), figs = proceduralFigures(3), rng = makeRng(3);
    const take: MultiTake = { version: 2, fps: 10, sourceLayout: 'coco17', cameras: cams, meta: {}, extra: {}, frames: [] };
    for (let i = 0; i < 30; i++) {
      const f = simulateScene(i / 10, cams, figs, { noise: DEFAULT_NOISE, level: 0.5, occlusion: true, grabProbability: 0.3, posters: [], reflections: [{ view: 1, figure: 0, mirrorU: 600 }] }, rng);
      take.frames.push({ time: f.time, views: f.views, labels: f.labels, gt: f.truth, extra: {} });
    }
    const fusion = new PeopleFusion([new TriangulationMethod('dlt')]);
    const run = await runMultiTake(take, fusion);
    const s = scoreMultiTake(take, run, ['dlt']);
    expect(s.eligible).toBeGreaterThan(80);
    expect(s.recall).toBeGreaterThan(0.97);
    expect(s.precision).toBeGreaterThan(0.97);
    expect(s.idSwitches).toBeLessThanOrEqual(1);
    expect(s.methods[0].mpjpeMm).toBeLessThan(80);
    expect(s.methods[0].pcp).toBeGreaterThan(90);
    // Swapping two people's identities in one frame set is seen as switches.
    const swapped = run.map((r, i) => (i === 20 ? { ...r, people: r.people.map((p) => ({ ...p, id: p.id === 0 ? 1 : p.id === 1 ? 0 : p.id })) } : r));
    expect(scoreMultiTake(take, swapped, ['dlt']).idSwitches).toBeGreaterThanOrEqual(s.idSwitches + 4);
  });
});
