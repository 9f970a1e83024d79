import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cameraCenter, makeCamera, type Camera } from '../geometry/camera';
import { rodriguesToMatrix, rotationAngleBetween } from '../geometry/rotation';
import { DEFAULT_NOISE } from '../sim/noise';
import { ringRig } from '../sim/rig';
import { makeRng } from '../sim/rng';
import { simulateFrame } from '../sim/simulate';
import { parseTake } from '../take';
import { relativePose } from './essential';
import { calibrateFromPerson, refineFromPerson } from './person';
import { alignRig, transformRig } from './person-frame';

const TAKE = join(__dirname, '..', '..', 'docs', 'data', 'pose2sim-movenet-lightning.take.json');
const deg = (r: number) => (r * 180) / Math.PI;

/** Per camera: rotation error (°) and centre error (m) of `cams` against `ref`, after the best similarity. */
function rigErrors(cams: readonly Camera[], ref: readonly Camera[]): { rot: number[]; centre: number[] } {
  const al = transformRig(cams, alignRig(cams, ref, true));
  return {
    rot: al.map((c, i) => deg(rotationAngleBetween(c.R, ref[i].R))),
    centre: al.map((c, i) => {
      const a = cameraCenter(c), b = cameraCenter(ref[i]);
      return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    }),
  };
}

/** The camera turned by `angleDeg` about a random axis and moved `dist` metres in a random direction. */
function perturb(c: Camera, angleDeg: number, dist: number, rng: ReturnType<typeof makeRng>): Camera {
  const unit = () => { const v = [rng.normal(), rng.normal(), rng.normal()]; const n = Math.hypot(...v); return v.map((x) => x / n); };
  const a = unit().map((x) => (x * angleDeg * Math.PI) / 180);
  const E = rodriguesToMatrix(a[0], a[1], a[2]);
  const R = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) R[i * 3 + j] = E[i * 3] * c.R[j] + E[i * 3 + 1] * c.R[3 + j] + E[i * 3 + 2] * c.R[6 + j];
  const d = unit();
  const C = Array.from(cameraCenter(c), (v, k) => v + d[k] * dist);
  const t = [0, 1, 2].map((i) => -(R[i * 3] * C[0] + R[i * 3 + 1] * C[1] + R[i * 3 + 2] * C[2]));
  return makeCamera({ ...c, R, t });
}

describe('extrinsics from the person', () => {
  it('brings the Pose2Sim rig perturbed by 3° and 10 cm per camera back to the keypoints\' own optimum', async () => {
    const take = parseTake(readFileSync(TAKE, 'utf8'));
    const qualisys = take.cameras, frames = take.frames.map((f) => f.views);
    const rng = makeRng(3);
    const start = qualisys.map((c) => perturb(c, 3, 0.1, rng));
    const opts = { maxFrames: 50 };
    const fromStart = await refineFromPerson(start, frames, opts);
    const fromQualisys = await refineFromPerson(qualisys, frames, opts);
    // The perturbation is undone: the same solution as when starting from Qualisys itself …
    const same = rigErrors(fromStart.cameras, fromQualisys.cameras);
    expect(Math.max(...same.rot)).toBeLessThan(0.2);
    expect(Math.max(...same.centre)).toBeLessThan(0.01);
    fromStart.medianAfter.forEach((m, c) => expect(m).toBeLessThan(fromStart.medianBefore[c]));
    expect(fromStart.scale.source).toBe('prior');
    // … but that solution is not Qualisys: MoveNet's keypoints over 1.67 s put it 1.3–2.6° and 6–16 cm away (measured,
    // docs/benchmarks.md, "Recordings"). The target (< 1°, < 2 cm) is missed on this recording.
    const vsQualisys = rigErrors(fromStart.cameras, qualisys);
    expect(Math.max(...vsQualisys.rot)).toBeLessThan(3.5);
    expect(Math.max(...vsQualisys.centre)).toBeLessThan(0.2);
  });

  it('builds a simulated rig from intrinsics alone: rotations < 1° and centres < 2 cm after a similarity; the floor from the feet (up < 2°)', async () => {
    const truth = ringRig(4);
    const rng = makeRng(5);
    // 150 frame sets over the figure's 22.5 s cycle, MoveNet-like noise (level 1): with 100 the centres come within
    // 2–2.6 cm, with 150 within 1.7 cm (seeds 5, 105, 205; npm run bench:recordings).
    const frames = Array.from({ length: 150 }, (_, i) => simulateFrame(i * 0.15, truth, { noise: DEFAULT_NOISE, level: 1, dropped: new Set() }, rng).views);
    const intrinsicsOnly = truth.map((c) => makeCamera({ ...c, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] }));
    const progress: number[] = [];
    const r = await calibrateFromPerson(intrinsicsOnly, frames, { onProgress: (f) => progress.push(f) });
    expect(r.unplaced).toEqual([]);
    const e = rigErrors(r.cameras, truth);
    expect(Math.max(...e.rot)).toBeLessThan(1);
    expect(Math.max(...e.centre)).toBeLessThan(0.02);
    r.medianAfter.forEach((m) => expect(m).toBeLessThan(5));
    // The floor frame: the result's up is the simulation's up (measured 0.3–1.4° off: a plane through noisy feet),
    // and its floor the simulation's floor (y = 0).
    const T = alignRig(r.cameras, truth, true);
    expect(deg(Math.acos(Math.min(1, T.M[4])))).toBeLessThan(2);
    expect(Math.abs(T.c[1])).toBeLessThan(0.03);
    expect(r.floor?.fromFeet).toBe(true);
    expect(r.scale.source).toBe('assumed-height');
    expect(progress.at(-1)).toBe(1);
  });

  it('scales to the stature it is given', async () => {
    const truth = ringRig(3);
    const rng = makeRng(8);
    const frames = Array.from({ length: 40 }, (_, i) => simulateFrame(i * 0.5, truth, { noise: DEFAULT_NOISE, level: 0.5, dropped: new Set() }, rng).views);
    const a = await refineFromPerson(truth, frames, { maxFrames: 40, heightM: 1.6 });
    const b = await refineFromPerson(truth, frames, { maxFrames: 40, heightM: 1.8 });
    expect(a.scale.estimatedStatureM).toBeCloseTo(1.6, 6);
    const T = alignRig(b.cameras, a.cameras, true);
    expect(T.s).toBeCloseTo(1.6 / 1.8, 3);
  });

  it('finds the relative pose of two cameras from noiseless correspondences', () => {
    const [c1, c2] = ringRig(2);
    const rng = makeRng(2);
    const n = 40, x1 = new Float64Array(2 * n), x2 = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const X = [rng.uniform() * 2 - 1, rng.uniform() * 1.8, rng.uniform() * 2 - 1];
      for (const [cam, out] of [[c1, x1], [c2, x2]] as const) {
        const q = [0, 1, 2].map((k) => cam.R[3 * k] * X[0] + cam.R[3 * k + 1] * X[1] + cam.R[3 * k + 2] * X[2] + cam.t[k]);
        out[2 * i] = q[0] / q[2]; out[2 * i + 1] = q[1] / q[2];
      }
    }
    const r = relativePose({ x1, x2 }, 1e-6, 50)!;
    // x₂ = R x₁ + t with R = R₂ R₁ᵀ
    const R = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) R[i * 3 + j] = c2.R[i * 3] * c1.R[j * 3] + c2.R[i * 3 + 1] * c1.R[j * 3 + 1] + c2.R[i * 3 + 2] * c1.R[j * 3 + 2];
    expect(deg(rotationAngleBetween(r.pose.R, R))).toBeLessThan(1e-4);
    expect(r.inliers.length).toBe(n);
  });
});

describe('cancelling the person calibration', () => {
  it('rejects with the abort reason between iterations', async () => {
    const truth = ringRig(3);
    const rng = makeRng(9);
    const frames = Array.from({ length: 20 }, (_, i) => simulateFrame(i * 0.5, truth, { noise: DEFAULT_NOISE, level: 0.5, dropped: new Set() }, rng).views);
    const ctl = new AbortController();
    const run = refineFromPerson(truth, frames, { abortSignal: ctl.signal, onProgress: (f) => { if (f > 0) ctl.abort(new Error('user cancelled')); } });
    await expect(run).rejects.toThrow('user cancelled');
  });
});
