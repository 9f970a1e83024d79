import { describe, expect, it } from 'vitest';
import { transformCameraWorld } from '../geometry/camera';
import { rodriguesToMatrix } from '../geometry/rotation';
import { ringRig } from '../testing/synthetic';
import { displayUp, rigExtent } from './display-frame';

describe('3D view frame', () => {
  it('stands a y-up, z-up or upside-down rig upright, exactly on the axis', () => {
    const rig = ringRig(4, 3.5, 2.4); // cameras pitched down at the person
    expect(displayUp(rig)).toEqual([0, 1, 0]);
    const zUp = rig.map((c) => transformCameraWorld(c, rodriguesToMatrix(Math.PI / 2, 0, 0), [0, 0, 0]));
    expect(displayUp(zUp)).toEqual([0, 0, 1]);
    const down = rig.map((c) => transformCameraWorld(c, rodriguesToMatrix(Math.PI, 0, 0), [1, 2, 3]));
    expect(displayUp(down)).toEqual([0, -1, 0]);
  });

  it('keeps a tilted world tilted (a board on a wall at 30°) and measures the rig', () => {
    const rig = ringRig(3, 3, 1.8).map((c) => transformCameraWorld(c, rodriguesToMatrix(0.5, 0, 0), [0, 0, 0]));
    const up = displayUp(rig);
    expect(up[1]).toBeCloseTo(Math.cos(0.5), 6);
    expect(up[2]).toBeCloseTo(Math.sin(0.5), 6);
    const { radius } = rigExtent(ringRig(4, 3.5, 1.8));
    expect(radius).toBeCloseTo(3.5, 6);
  });
});
