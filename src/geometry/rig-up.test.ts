/** rigUp: gravity from the cameras alone, for level rigs in any world frame and for rigs rolled the same way. */
import { describe, expect, it } from 'vitest';
import { makeCamera, transformCameraWorld, type Camera } from './camera';
import { rigUp } from './rig-up';
import { rodriguesToMatrix } from './rotation';

describe('up from the rig', () => {
  const ring = (n: number, height: number, rollDeg: number, tiltDeg = 0): Camera[] => {
    const a = (rollDeg * Math.PI) / 180;
    const Rz = [Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1];
    // World tilted by tiltDeg about x, so "up" is not an axis of the world frame.
    const W = rodriguesToMatrix((tiltDeg * Math.PI) / 180, 0, 0);
    return Array.from({ length: n }, (_, i) => {
      const az = (2 * Math.PI * i) / n + 0.3;
      const eye = [3.5 * Math.sin(az), height, 3.5 * Math.cos(az)];
      const z = [-eye[0], 1 - eye[1], -eye[2]];
      const zn = Math.hypot(z[0], z[1], z[2]);
      const zz = z.map((v) => v / zn);
      const x = [-zz[2], 0, zz[0]].map((v) => v / Math.hypot(zz[0], zz[2])); // level: right axis horizontal
      const y = [zz[1] * x[2] - zz[2] * x[1], zz[2] * x[0] - zz[0] * x[2], zz[0] * x[1] - zz[1] * x[0]];
      const R0 = [...x, ...y, ...zz];
      const R = new Float64Array(9);
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) R[3 * r + c] += Rz[3 * r + k] * R0[3 * k + c];
      const t = new Float64Array(3);
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) t[r] -= R[3 * r + c] * eye[c];
      const cam = makeCamera({ name: `c${i}`, width: 1280, height: 720, K: [900, 0, 640, 0, 900, 360, 0, 0, 1], R, t });
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
