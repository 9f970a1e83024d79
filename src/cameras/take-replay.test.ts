import { describe, expect, it, vi } from 'vitest';
import { TakeReplay } from './take-replay';
import type { Take } from '../take';

function fakeTake(n: number, fps: number): Take {
  return {
    fps, sourceLayout: 'coco17', cameras: [], meta: {}, extra: {},
    frames: Array.from({ length: n }, (_, i) => ({ time: 10 + i / fps, views: [null], gt: null, extra: {} })),
  };
}

describe('TakeReplay', () => {
  it('replays every frame at the take rate, in order', () => {
    vi.useFakeTimers();
    let clock = 0;
    const got: [number, number][] = [];
    let ended = false;
    const r = new TakeReplay(fakeTake(30, 30), (_, i) => got.push([i, clock]), () => (ended = true), () => clock);
    r.start();
    for (let ms = 0; ms <= 1100; ms += 5) {
      clock = ms;
      vi.advanceTimersByTime(5);
    }
    expect(got.map((g) => g[0])).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // Frame i is emitted no earlier than i/30 s after the start and within one tick of it.
    for (const [i, t] of got) {
      expect(t).toBeGreaterThanOrEqual((i * 1000) / 30 - 1e-6);
      expect(t).toBeLessThan((i * 1000) / 30 + 10);
    }
    expect(ended).toBe(true);
    vi.useRealTimers();
  });
});
