import { describe, expect, it } from 'vitest';
import type { Camera } from '../geometry/camera';
import { ringRig } from '../testing/synthetic';
import { seededRandom } from '../util/random';
import { SmoothedMethod } from './smoothed';
import type { FrameViews, FusionMethod, Pose3D } from './types';

/** Stands in for triangulation: returns the poses it was given for the frame sets it is handed, in order. */
class Replay implements FusionMethod {
  readonly id = 'replay';
  readonly label = 'replay';
  constructor(private readonly poses: (Pose3D | null)[]) {}
  private at = 0;
  async estimateFrames(_c: readonly Camera[], frames: ReadonlyArray<FrameViews>): Promise<(Pose3D | null)[]> {
    const out = this.poses.slice(this.at, this.at + frames.length);
    this.at += frames.length;
    return out;
  }
}

const cams = ringRig(2);
const pose = (x: number): Pose3D => ({ joints: new Float64Array(51).map((_, i) => (i % 3 === 0 ? x : 0.01 * i)), valid: new Uint8Array(17).fill(1) });
const empty = (n: number): FrameViews[] => Array.from({ length: n }, () => [null, null]);

describe('robust-offline (zero-phase local polynomial)', () => {
  it('reproduces a quadratic motion exactly, with dropped frame sets and no lag, and never crosses a time jump', async () => {
    const t = [0, 1, 2, 4, 5, 6, 7, 9, 10, 11, 12].map((k) => k / 30).concat([3, 3 + 1 / 30, 3 + 2 / 30]);
    const x = t.map((s) => (s < 2 ? 0.3 + 1.2 * s - 2 * s * s : 5));
    const m = new SmoothedMethod(new Replay(x.map(pose)), { offline: true, localPoly: { halfWindowS: 0.2, order: 2 } });
    expect(m.id).toBe('replay-offline');
    const out = await m.estimateFrames(cams, empty(t.length), t);
    out.forEach((p, i) => expect(p!.joints[0]).toBeCloseTo(x[i], 9));
  });

  it('smooths white noise without bias and needs times', async () => {
    const rand = seededRandom(3);
    const t = Array.from({ length: 120 }, (_, i) => i / 30);
    const noisy = t.map((s) => 1 + 0.5 * s + 0.02 * (rand() - 0.5));
    const m = new SmoothedMethod(new Replay(noisy.map(pose)), { offline: true });
    const out = await m.estimateFrames(cams, empty(t.length), t);
    const err = (vals: number[]) => vals.reduce((a, v, i) => a + Math.abs(v - (1 + 0.5 * t[i])), 0) / vals.length;
    expect(err(out.map((p) => p!.joints[0]))).toBeLessThan(0.6 * err(noisy));
    await expect(m.estimateFrames(cams, empty(2))).rejects.toThrow(/needs one time per frame set/);
  });
});

describe('robust-smoothed (causal One Euro)', () => {
  it('steadies a still joint, follows a moving one, resets at a jump and passes missing poses through', async () => {
    const rand = seededRandom(5);
    const t = Array.from({ length: 60 }, (_, i) => i / 30).concat([10, 10 + 1 / 30]);
    const x = t.map((s) => (s < 10 ? 0.01 * (rand() - 0.5) : 3));
    const poses: (Pose3D | null)[] = x.map(pose);
    poses[30] = null;
    const m = new SmoothedMethod(new Replay(poses), { offline: false, oneEuro: { minCutoff: 1, beta: 0.7, dCutoff: 1 } });
    expect(m.id).toBe('replay-smoothed');
    const out = await m.estimateFrames(cams, empty(t.length), t);
    expect(out[30]).toBeNull();
    const spread = (v: number[]) => Math.max(...v) - Math.min(...v);
    const got = out.slice(20, 60).filter((p) => p).map((p) => p!.joints[0]);
    expect(spread(got)).toBeLessThan(0.5 * spread(x.slice(20, 60)));
    expect(out[60]!.joints[0]).toBe(3); // after the jump: the raw pose, nothing of the past
  });
});

describe('smoothing per person (fork)', () => {
  /** A frame method: the pose whose x is the first view's first number (no past). */
  const fromViews: FusionMethod = {
    id: 'robust', label: 'from views',
    estimateFrames: async (_c, frames) => frames.map((v) => pose(v[0]![0])),
  };
  const views = (x: number): FrameViews => [Float32Array.of(x), null];

  it('gives each fork its own filter: two people interleaved as each alone', async () => {
    const rand = seededRandom(9);
    const t = Array.from({ length: 40 }, (_, i) => i / 30);
    const xs = [t.map((s) => s + 0.02 * rand()), t.map((s) => 2 - s + 0.02 * rand())];
    const proto = new SmoothedMethod(fromViews, { offline: false });
    const forks = [proto.fork(), proto.fork()];
    expect(forks[0].id).toBe('robust-smoothed');
    const got: number[][] = [[], []];
    for (let i = 0; i < t.length; i++)
      for (const k of [0, 1]) got[k].push((await forks[k].estimateFrames(cams, [views(xs[k][i])], [t[i]]))[0]!.joints[0]);
    for (const k of [0, 1]) {
      const alone = await new SmoothedMethod(fromViews, { offline: false }).estimateFrames(cams, xs[k].map(views), t);
      got[k].forEach((x, i) => expect(x).toBeCloseTo(alone[i]!.joints[0], 12));
    }
    // One filter fed both would be pulled between them.
    const shared = new SmoothedMethod(fromViews, { offline: false });
    let worst = 0;
    for (let i = 0; i < t.length; i++)
      for (const k of [0, 1]) worst = Math.max(worst, Math.abs((await shared.estimateFrames(cams, [views(xs[k][i])], [t[i]]))[0]!.joints[0] - got[k][i]));
    expect(worst).toBeGreaterThan(0.1);
  });
});
