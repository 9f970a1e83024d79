import { describe, expect, it } from 'vitest';
import { ringRig } from '../sim/rig';
import { replaceCameras } from './replace-cameras';

describe('keeping cameras refined from the person', () => {
  it('replaces those of the same name and keeps the others and the order', () => {
    const cams = ringRig(4);
    const refined = [{ ...cams[2], t: Float64Array.of(1, 2, 3) }, { ...cams[0], t: Float64Array.of(4, 5, 6) }];
    const out = replaceCameras(cams, refined);
    expect(out.map((c) => c.name)).toEqual(cams.map((c) => c.name));
    expect(out[0]).toBe(refined[1]);
    expect(out[2]).toBe(refined[0]);
    expect(out[1]).toBe(cams[1]);
    expect(out[3]).toBe(cams[3]);
  });
  it('refuses a refined camera the calibration does not have, naming it', () => {
    const cams = ringRig(2);
    expect(() => replaceCameras(cams, [{ ...cams[0], name: 'phone' }])).toThrow('not in the calibration: phone');
  });
});
