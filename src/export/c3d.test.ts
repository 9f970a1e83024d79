import { describe, expect, it } from 'vitest';
import { NUM_JOINTS } from '../keypoints/coco17';
import { C3D_MAX_FRAMES, writeC3d } from './c3d';

const pose = (v: number) => ({ joints: new Float64Array(NUM_JOINTS * 3).fill(v), valid: new Uint8Array(NUM_JOINTS).fill(1) });

describe('C3D export', () => {
  it('lays out header, parameters and float data where the header says', () => {
    const bytes = writeC3d([pose(1), null, pose(2)], { fps: 30, transform: (p) => { p[2] = -p[2]; } });
    const dv = new DataView(bytes.buffer);
    expect(bytes[1]).toBe(0x50);
    expect(dv.getInt16(2, true)).toBe(NUM_JOINTS);
    expect(dv.getInt16(8, true)).toBe(3);
    expect(dv.getFloat32(12, true)).toBe(-1);
    expect(dv.getFloat32(20, true)).toBe(30);
    const start = (dv.getInt16(16, true) - 1) * 512;
    expect(bytes[512 + 3]).toBe(84); // Intel
    expect(start).toBe((2 + bytes[512 + 2] - 1) * 512);
    // frame 0, joint 0: (1, 1, −1) m → mm; frame 1: missing (residual −1); frame 2: (2, 2, −2) m
    expect([0, 4, 8, 12].map((o) => dv.getFloat32(start + o, true))).toEqual([1000, 1000, -1000, 0]);
    expect(dv.getFloat32(start + NUM_JOINTS * 16 + 12, true)).toBe(-1);
    expect(dv.getFloat32(start + 2 * NUM_JOINTS * 16, true)).toBe(2000);
    expect(bytes.length % 512).toBe(0);
  });

  it('refuses what C3D cannot hold, naming it', () => {
    expect(() => writeC3d([], { fps: 30 })).toThrow('no frames');
    expect(() => writeC3d([pose(0)], { fps: 0 })).toThrow('frame rate 0');
    expect(() => writeC3d(new Array(C3D_MAX_FRAMES + 1).fill(null), { fps: 30 })).toThrow('32767');
  });
});
