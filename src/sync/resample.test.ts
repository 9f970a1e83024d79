import { describe, expect, it } from 'vitest';
import { resamplePeopleToReference } from './resample';

const kp = (v: number) => new Float32Array(51).fill(v);

describe('resamplePeopleToReference', () => {
  it('takes each view\'s people at its nearest frame, keeps null and [] apart, and drops instants with one view', () => {
    // View 1 started 2 frames late (offset +2/30 s): its frame k shows the reference's frame k + 2.
    const a = [[kp(0)], [kp(1), kp(11)], [kp(2)], [], [kp(4)]];
    const b = [[kp(2)], [kp(3)], null, [kp(5)]];
    const r = resamplePeopleToReference([{ fps: 30, frames: a }, { fps: 30, frames: b }], [{ offsetS: 0, fps: 30 }, { offsetS: 2 / 30 + 0.004, fps: 30 }], 0);
    // Reference frames 0, 1: view 1 has no frame yet; 3: nobody in view 0; 4: view 1's frame 2 is null.
    expect(r.times.map((t) => Math.round(t * 30))).toEqual([2]);
    expect(r.frames[0][0]).toBe(a[2]);
    expect(r.frames[0][1]).toBe(b[0]);
    const one = resamplePeopleToReference([{ fps: 30, frames: a }, { fps: 30, frames: b }], [{ offsetS: 0, fps: 30 }, { offsetS: 2 / 30, fps: 30 }], 0, 1);
    expect(one.times.map((t) => Math.round(t * 30))).toEqual([0, 1, 2, 3, 4]);
    expect(one.frames[0][1]).toBeNull(); // before view 1's first frame
    expect(one.frames[3][0]).toEqual([]); // a frame with nobody stays []
    expect(one.frames[3][1]).toBe(b[1]);
    expect(one.frames[4][1]).toBeNull();
    expect(one.frames[1][0]).toHaveLength(2);
  });
});
