import { describe, expect, it } from 'vitest';
import { describeOffset, lockstepPlan, mediaTimes, nudged, setTime, timingsFromSync, unsynced } from './video-times';

describe('stepping videos on synchronised times', () => {
  it('is plain lockstep from frame 0 when nothing is offset', () => {
    const t = unsynced(3, 10);
    const plan = lockstepPlan(t, [2, 1.55, 3], 10);
    expect(plan).toEqual({ startS: 0, frameCount: 15, stepFps: 10 });
    expect(mediaTimes(plan, t, 4)).toEqual([0.45, 0.45, 0.45]);
  });

  it('starts where every video has begun, seeks each to its own sample and ends with the first to end', () => {
    // video 1 started 0.2 s after the reference, video 2 0.1 s before it
    const t = [{ offsetS: 0, fps: 10, nominalFps: 10 }, { offsetS: 0.2, fps: 10, nominalFps: 10 }, { offsetS: -0.1, fps: 10, nominalFps: 10 }];
    const plan = lockstepPlan(t, [2, 2, 2], 10);
    expect(plan.startS).toBeCloseTo(0.2, 12);
    // ends: 2, 2.2, 1.9 → 1.9 − 0.2 = 1.7 s
    expect(plan.frameCount).toBe(17);
    const m = mediaTimes(plan, t, 0);
    expect(m[0]).toBeCloseTo(0.25, 12);
    expect(m[1]).toBeCloseTo(0.05, 12);
    expect(m[2]).toBeCloseTo(0.35, 12);
    // the same instant in every video: media time minus its offset agrees
    const k = 9;
    const mk = mediaTimes(plan, t, k);
    for (let v = 0; v < 3; v++) expect(mk[v] - 0.05 + t[v].offsetS).toBeCloseTo(setTime(plan, k), 12);
  });

  it('follows a video recorded at a slightly different real rate', () => {
    const t = [{ offsetS: 0, fps: 30, nominalFps: 30 }, { offsetS: 0, fps: 29.97, nominalFps: 30 }];
    const plan = lockstepPlan(t, [60, 60], 30);
    // 60 s of media at 30 counted samples per second last 60 · 30 / 29.97 s on the reference clock
    expect(plan.frameCount).toBe(1800);
    const m = mediaTimes(plan, t, 1799);
    expect(m[0] - m[1]).toBeCloseTo((1799 / 30) * (1 - 29.97 / 30), 9);
  });

  it('nudges by whole steps and shows offsets in steps and milliseconds', () => {
    const t = { offsetS: 0.1, fps: 6, nominalFps: 6 };
    expect(describeOffset(t, 6)).toEqual({ frames: 0.6, ms: 100 });
    const up = nudged(t, 1, 6);
    expect(describeOffset(up, 6)).toEqual({ frames: 1.6, ms: 267 });
    expect(describeOffset(nudged(up, -1, 6), 6)).toEqual({ frames: 0.6, ms: 100 });
    expect(describeOffset({ offsetS: -0.0001, fps: 6, nominalFps: 6 }, 6)).toEqual({ frames: 0, ms: 0 });
  });

  it('gives no frame sets when the videos do not overlap, and refuses mismatched input', () => {
    const t = [{ offsetS: 0, fps: 10, nominalFps: 10 }, { offsetS: 5, fps: 10, nominalFps: 10 }];
    expect(lockstepPlan(t, [2, 2], 10).frameCount).toBe(0);
    expect(() => lockstepPlan(t, [2], 10)).toThrow('2 timings for 1 videos');
    expect(() => lockstepPlan(t, [2, 2], 0)).toThrow('step rate 0');
  });
});

describe('timings from a synchronisation result', () => {
  const views = [
    { offsetS: 0, fps: 6, method: 'reference' },
    { offsetS: 0.25, fps: 6, method: 'reprojection' },
    { offsetS: 9, fps: 6, method: 'failed' },
  ];
  it('takes offsets and rates, and keeps a view that could not be placed where it was', () => {
    expect(timingsFromSync(views, 6)).toEqual([
      { offsetS: 0, fps: 6, nominalFps: 6 },
      { offsetS: 0.25, fps: 6, nominalFps: 6 },
      { offsetS: 0, fps: 6, nominalFps: 6 },
    ]);
  });
  it('adds a correction found on a run already stepped on timings', () => {
    const prev = [{ offsetS: 0, fps: 6, nominalFps: 6 }, { offsetS: 0.5, fps: 6, nominalFps: 6 }, { offsetS: -0.2, fps: 6, nominalFps: 6 }];
    const t = timingsFromSync(views, 6, prev);
    expect(t[1].offsetS).toBeCloseTo(0.75, 12);
    expect(t[2]).toEqual(prev[2]);
  });
});
