import { describe, expect, it } from 'vitest';
import { FrameSetAssembler, defaultFrameSetOptions, type AssembledSet } from './frameset';

/** Deterministic PRNG so a failing case can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Tag { cam: number; index: number }

/**
 * Simulates n cameras at `fps` with a fixed offset each, Gaussian-ish jitter and random drops, delivering frames
 * interleaved in arrival order (time + a random delivery delay).
 */
function simulate(n: number, frames: number, opts: { fps?: number; jitter?: number; dropRate?: number; offsets?: number[]; seed?: number; stallFrom?: number[] }) {
  const fps = opts.fps ?? 30, period = 1 / fps, rand = rng(opts.seed ?? 1);
  const events: { cam: number; time: number; arrive: number; index: number }[] = [];
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < frames; i++) {
      if ((opts.stallFrom?.[c] ?? Infinity) <= i) break;
      if (rand() < (opts.dropRate ?? 0)) continue;
      const jitter = ((rand() + rand() + rand()) / 3 - 0.5) * 2 * (opts.jitter ?? 0);
      const time = i * period + (opts.offsets?.[c] ?? 0) + jitter;
      events.push({ cam: c, time, arrive: time + rand() * 0.02, index: i });
    }
  }
  events.sort((a, b) => a.arrive - b.arrive);
  return events;
}

function run(n: number, events: ReturnType<typeof simulate>, asm = new FrameSetAssembler<Tag>(n, defaultFrameSetOptions(30))) {
  const sets: AssembledSet<Tag>[] = [];
  for (const e of events) sets.push(...asm.push(e.cam, e.time, { cam: e.cam, index: e.index }));
  sets.push(...asm.flush());
  return { sets, asm };
}

function checkInvariants(sets: AssembledSet<Tag>[], tol: number) {
  const seen = new Set<string>();
  let prev = -Infinity;
  for (const s of sets) {
    expect(s.time).toBeGreaterThan(prev);
    prev = s.time;
    const members = s.frames.map((f, c) => [f, c] as const).filter(([f]) => f);
    expect(members.length).toBeGreaterThan(0);
    for (const [f, c] of members) {
      expect(f!.cam).toBe(c);
      const key = `${c}:${f!.index}`;
      expect(seen.has(key)).toBe(false); // a frame is used at most once
      seen.add(key);
      expect(Math.abs(s.skew[c])).toBeLessThanOrEqual(tol + 1e-12);
    }
    for (let c = 0; c < s.frames.length; c++) if (!s.frames[c]) expect(Number.isNaN(s.skew[c])).toBe(true);
  }
}

describe('FrameSetAssembler', () => {
  it('pairs perfectly synchronous frames one to one', () => {
    const events = simulate(4, 60, {});
    const { sets, asm } = run(4, events);
    expect(sets).toHaveLength(60);
    for (const s of sets) {
      expect(s.frames.every((f) => f && f.index === s.frames[0]!.index)).toBe(true);
      expect(s.skew.every((k) => Math.abs(k) < 1e-9)).toBe(true);
    }
    expect(asm.cameraStats().every((st) => st.dropped === 0 && st.missed === 0 && st.used === 60)).toBe(true);
  });

  it('groups jittered frames with per-camera offsets by their true index', () => {
    const tol = defaultFrameSetOptions(30).tolerance;
    const events = simulate(4, 300, { jitter: 0.004, offsets: [0, 0.003, -0.002, 0.005], seed: 7 });
    const { sets, asm } = run(4, events);
    checkInvariants(sets, tol);
    const full = sets.filter((s) => s.frames.every((f) => f));
    // Jitter ±4 ms plus offsets fit within half a period: nearly every index forms a complete set.
    expect(full.length).toBeGreaterThanOrEqual(295);
    for (const s of full) expect(new Set(s.frames.map((f) => f!.index)).size).toBe(1);
    // Skew reflects the offsets: camera 3 runs ~5 ms late relative to the mean.
    const st = asm.cameraStats();
    expect(st[3].meanAbsSkew).toBeGreaterThan(0.001);
    expect(st[3].meanAbsSkew).toBeLessThan(0.008);
  });

  it('survives dropped frames: no set mixes frame indices, drops are counted on the partners', () => {
    const tol = defaultFrameSetOptions(30).tolerance;
    const events = simulate(3, 400, { jitter: 0.003, dropRate: 0.1, seed: 3 });
    const { sets, asm } = run(3, events);
    checkInvariants(sets, tol);
    for (const s of sets) {
      const idx = s.frames.filter((f) => f).map((f) => f!.index);
      expect(new Set(idx).size).toBe(1);
    }
    const complete = sets.filter((s) => s.frames.every((f) => f)).length;
    // P(all three present) = 0.9^3 ≈ 0.73 of 400 frames.
    expect(complete).toBeGreaterThan(250);
    expect(complete).toBeLessThan(330);
    const st = asm.cameraStats();
    for (const c of st) {
      expect(c.used + c.dropped).toBe(c.received); // every received frame is accounted for
      expect(c.dropped).toBeGreaterThan(0);
    }
  });

  it('keeps emitting sets with a hole when one camera stalls, and without waiting once it is marked lost', () => {
    const events = simulate(4, 90, { stallFrom: [Infinity, Infinity, 30, Infinity] });
    const asm = new FrameSetAssembler<Tag>(4, defaultFrameSetOptions(30));
    const sets: AssembledSet<Tag>[] = [];
    for (const e of events) {
      if (e.cam === 0 && e.index === 60) sets.push(...asm.setLost(2, true));
      sets.push(...asm.push(e.cam, e.time, { cam: e.cam, index: e.index }));
    }
    sets.push(...asm.flush());
    expect(sets).toHaveLength(90);
    expect(sets.slice(0, 30).every((s) => s.frames.every((f) => f))).toBe(true);
    expect(sets.slice(30).every((s) => s.frames[2] === null && s.frames[0] && s.frames[1] && s.frames[3])).toBe(true);
    const st = asm.cameraStats();
    expect(st[2].lost).toBe(true);
    expect(st[2].missed).toBeGreaterThan(0);
  });

  it('a lost camera that comes back rejoins the sets', () => {
    const asm = new FrameSetAssembler<Tag>(2, defaultFrameSetOptions(30));
    const sets: AssembledSet<Tag>[] = [];
    asm.setLost(1, true);
    for (let i = 0; i < 10; i++) sets.push(...asm.push(0, i / 30, { cam: 0, index: i }));
    asm.setLost(1, false);
    for (let i = 10; i < 20; i++) {
      sets.push(...asm.push(0, i / 30, { cam: 0, index: i }));
      sets.push(...asm.push(1, i / 30 + 0.002, { cam: 1, index: i }));
    }
    expect(sets.slice(0, 10).every((s) => s.frames[1] === null)).toBe(true);
    expect(sets.slice(10).every((s) => s.frames[1] && s.frames[1].index === s.frames[0]!.index)).toBe(true);
  });

  it('releases every dropped payload through onDrop (bitmaps get closed)', () => {
    const dropped: Tag[] = [];
    const asm = new FrameSetAssembler<Tag>(2, defaultFrameSetOptions(30), (p) => dropped.push(p));
    const events = simulate(2, 200, { jitter: 0.004, dropRate: 0.15, seed: 11 });
    let used = 0;
    for (const e of events) for (const s of asm.push(e.cam, e.time, { cam: e.cam, index: e.index })) used += s.frames.filter((f) => f).length;
    for (const s of asm.flush()) used += s.frames.filter((f) => f).length;
    expect(used + dropped.length).toBe(events.length);
  });

  it('cameras at different rates pair each slow frame with the nearest fast one', () => {
    const asm = new FrameSetAssembler<{ t: number }>(2, { tolerance: 1 / 60, maxWait: 0.2, maxQueue: 16 });
    const sets: AssembledSet<{ t: number }>[] = [];
    for (let i = 0; i < 60; i++) {
      const t = i / 60;
      sets.push(...asm.push(0, t, { t }));
      if (i % 2 === 0) sets.push(...asm.push(1, t + 0.004, { t: t + 0.004 }));
    }
    sets.push(...asm.flush());
    const full = sets.filter((s) => s.frames[0] && s.frames[1]);
    expect(full.length).toBe(30);
    for (const s of full) expect(Math.abs(s.frames[0]!.t - s.frames[1]!.t)).toBeLessThan(0.005);
  });
});
