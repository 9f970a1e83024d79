import { describe, expect, it } from 'vitest';
import { cameraCenter, projectPoint } from '../geometry/camera';
import { FIGURE_CYCLE_S, figurePose } from './figure';
import { DEFAULT_NOISE } from './noise';
import { ringRig } from './rig';
import { makeRng } from './rng';
import { simulateFrame } from './simulate';

describe('virtual rig and simulation', () => {
  it('sees the whole figure in every camera of rigs of 2–8 cameras over a whole cycle', () => {
    for (const n of [2, 3, 4, 6, 8]) {
      const cams = ringRig(n);
      expect(cams).toHaveLength(n);
      const uv = new Float64Array(2);
      for (let t = 0; t < FIGURE_CYCLE_S; t += 0.5) {
        const p = figurePose(t);
        for (const cam of cams) {
          for (let j = 0; j < 17; j++) {
            expect(projectPoint(cam, p[3 * j], p[3 * j + 1], p[3 * j + 2], uv)).toBe(true);
            expect(uv[0]).toBeGreaterThanOrEqual(0);
            expect(uv[0]).toBeLessThanOrEqual(cam.width - 1);
            expect(uv[1]).toBeGreaterThanOrEqual(0);
            expect(uv[1]).toBeLessThanOrEqual(cam.height - 1);
          }
        }
      }
      for (const cam of cams) expect(cameraCenter(cam)[1]).toBeGreaterThan(1);
    }
  });

  it('produces live-shaped frame sets, with dropped cameras as lost slots and truth attached', () => {
    const cams = ringRig(4);
    const f = simulateFrame(3, cams, { noise: DEFAULT_NOISE, level: 1, dropped: new Set([2]) }, makeRng(1));
    expect(f.views).toHaveLength(4);
    expect(f.views[2]).toBeNull();
    expect(f.status).toEqual(['ok', 'ok', 'lost', 'ok']);
    expect(f.views[0]).toBeInstanceOf(Float32Array);
    expect(f.views[0]!.length).toBe(51);
    expect(f.gt.joints).toEqual(figurePose(3));
    const clean = simulateFrame(3, cams, { noise: DEFAULT_NOISE, level: 0, dropped: new Set() }, makeRng(1));
    const uv = new Float64Array(2);
    projectPoint(cams[1], f.gt.joints[0], f.gt.joints[1], f.gt.joints[2], uv);
    expect(clean.views[1]![0]).toBeCloseTo(uv[0], 2);
  });
});
