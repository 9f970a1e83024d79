import { describe, expect, it } from 'vitest';
import { butterworthCoefficients, butterworthPoses } from './butterworth';

const FPS = 60;
/** One joint whose x is `f(t)`; y and z zero. */
function track(n: number, f: (t: number) => number, valid: (i: number) => boolean = () => true) {
  return Array.from({ length: n }, (_, i) => ({ joints: Float64Array.of(f(i / FPS), 0, 0), valid: Uint8Array.of(valid(i) ? 1 : 0) }));
}
const amp = (xs: number[]) => (Math.max(...xs) - Math.min(...xs)) / 2;

describe('zero-phase Butterworth', () => {
  it('keeps slow motion (1 Hz) in amplitude and phase and removes 15 Hz jitter', () => {
    const slow = (t: number) => Math.sin(2 * Math.PI * t);
    const poses = track(600, (t) => slow(t) + 0.05 * Math.sin(2 * Math.PI * 15 * t));
    const out = butterworthPoses(poses, FPS, { cutoffHz: 6 });
    const mid = out.slice(60, 540).map((p, i) => p!.joints[0] - slow((i + 60) / FPS));
    expect(Math.max(...mid.map(Math.abs))).toBeLessThan(0.01); // no lag, no loss of the slow motion, jitter gone
    const jitterOnly = butterworthPoses(track(600, (t) => 0.05 * Math.sin(2 * Math.PI * 15 * t)), FPS, { cutoffHz: 6 });
    expect(amp(jitterOnly.slice(60, 540).map((p) => p!.joints[0]))).toBeLessThan(0.05 * 0.05);
  });

  it('filters each run on its own: a gap stays a gap, a short run is kept as it is, nothing non-finite appears', () => {
    const gapAt = (i: number) => !(i >= 100 && i < 130) && !(i >= 200 && i < 205);
    const poses = track(240, (t) => Math.sin(2 * Math.PI * t) + (t > 2 ? 5 : 0), gapAt);
    const out = butterworthPoses(poses, FPS);
    out.forEach((p, i) => {
      expect(p!.valid[0]).toBe(gapAt(i) ? 1 : 0);
      expect(Number.isFinite(p!.joints[0])).toBe(true);
    });
    // 130..199 and 205..239 are separate runs: the step at t = 2 s (frame 120, inside the gap) does not leak.
    expect(Math.abs(out[135]!.joints[0] - poses[135].joints[0])).toBeLessThan(0.02);
    expect(butterworthPoses([null, ...track(5, () => 1)], FPS)[3]!.joints[0]).toBe(1);
  });

  it('refuses a cut-off at or above half the frame rate', () => {
    expect(() => butterworthCoefficients(30, 60)).toThrow(/below half the frame rate/);
    const { b, a } = butterworthCoefficients(6, 60);
    expect((b[0] + b[1] + b[2]) / (1 + a[0] + a[1])).toBeCloseTo(1, 12); // unit gain at rest
  });
});
