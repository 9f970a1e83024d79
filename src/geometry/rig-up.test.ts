/** rigUp: gravity from the cameras alone, for level rigs in any world frame and for rigs rolled the same way. */
import { describe, expect, it } from 'vitest';
import { lookAtCamera, transformCameraWorld, type Camera } from './camera';
import { rigUp } from './rig-up';
import { rodriguesToMatrix } from './rotation';

describe('up from the rig', () => {
  /** n level cameras on a 3.5 m ring at `height`, each rolled rollDeg the same way, in a world tilted by tiltDeg. */
  const ring = (n: number, height: number, rollDeg: number, tiltDeg = 0): Camera[] => {
    const W = rodriguesToMatrix((tiltDeg * Math.PI) / 180, 0, 0); // so "up" is not an axis of the world frame
    return Array.from({ length: n }, (_, i) => {
      const az = (2 * Math.PI * i) / n + 0.3;
      const cam = lookAtCamera({ name: `c${i}`, width: 1280, height: 720, hfovDeg: 70, eye: [3.5 * Math.sin(az), height, 3.5 * Math.cos(az)], target: [0, 1, 0], rollDeg });
      return transformCameraWorld(cam, W, [0, 0, 0]);
    });
  };
  const upAngleDeg = (cameras: Camera[], tiltDeg: number): number => {
    const W = rodriguesToMatrix((tiltDeg * Math.PI) / 180, 0, 0);
    const up = rigUp(cameras);
    const trueUp = [W[1], W[4], W[7]];
    const c = up[0] * trueUp[0] + up[1] * trueUp[1] + up[2] * trueUp[2];
    return (Math.acos(Math.min(1, c)) * 180) / Math.PI;
  };

  it('is gravity for level cameras, pitched down from corners or up from a desk, in a tilted or upside-down world frame', () => {
    for (const [n, h] of [[2, 2.6], [3, 0.6], [4, 2.8]] as const)
      for (const tilt of [37, 180]) expect(upAngleDeg(ring(n, h, 0, tilt), tilt), `${n} views at ${h} m, world tilted ${tilt}°`).toBeLessThan(0.01);
  });

  it('stays near gravity when a whole ring is rolled the same way, even past the point where the right axes mislead', () => {
    for (const roll of [15, 30, 45, 60]) expect(upAngleDeg(ring(4, 1.7, roll, 37), 37), `roll ${roll}°`).toBeLessThan(1);
  });
});
