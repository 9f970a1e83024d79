import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPoint, type Camera } from '../geometry/camera';
import { NUM_JOINTS } from '../keypoints/coco17';
import { figurePose } from '../sim/figure';
import { DEFAULT_NOISE, sampleDetections } from '../sim/noise';
import { ringRig } from '../sim/rig';
import { makeRng } from '../sim/rng';
import { parseTake } from '../take';
import { refineOffset, synchronizeViews, type KeypointTrack } from '.';

const TAKE = join(__dirname, '..', '..', 'docs', 'data', 'pose2sim-movenet-lightning.take.json');

/** A view recording the simulated figure: frame i at offset + i / rate on the true clock, written as `nominal` fps. */
function simulatedTrack(cam: Camera, offset: number, rate: number, nominal: number, seconds: number, level: number, seed: number): KeypointTrack {
  const rng = makeRng(seed);
  const X = new Float64Array(NUM_JOINTS * 3), uv = new Float64Array(NUM_JOINTS * 2);
  const frames: Float32Array[] = [];
  for (let i = 0; i < Math.floor(seconds * rate); i++) {
    figurePose(offset + i / rate, X);
    for (let j = 0; j < NUM_JOINTS; j++) projectPoint(cam, X[3 * j], X[3 * j + 1], X[3 * j + 2], uv, 2 * j);
    frames.push(sampleDetections([uv], [cam], DEFAULT_NOISE, level, rng)[0]);
  }
  return { fps: nominal, frames };
}

describe('synchronising videos from the detected motion', () => {
  it('re-synchronises the Pose2Sim videos with frames cut from the start of two views to within one frame', async () => {
    const take = parseTake(readFileSync(TAKE, 'utf8'));
    const cut = [0, 7, 0, 15];
    const tracks = take.cameras.map((_, v) => ({ fps: take.fps, frames: take.frames.slice(cut[v]).map((f) => f.views[v]) }));
    const r = await synchronizeViews(tracks, { cameras: take.cameras, reference: 0 });
    const frames = r.views.map((v) => v.offsetS * take.fps);
    expect(r.views.map((v) => v.method)).toEqual(['reference', 'reprojection', 'reprojection', 'reprojection']);
    // Cutting k frames from a view's start makes its frame 0 happen k frames later.
    expect(Math.abs(frames[1] - 7)).toBeLessThan(1);
    expect(Math.abs(frames[3] - 15)).toBeLessThan(1);
    // cam_03 itself sits 2 frames early of the others in the shared recording (measured, docs/recordings.md).
    expect(Math.abs(frames[2])).toBeLessThan(2.5);
    expect(r.views.every((v) => v.fps === 60)).toBe(true);
  });

  it('recovers known offsets and 29.97 / 59.94 fps recording rates on a long simulated recording', async () => {
    const cams = ringRig(4);
    // [true offset s, true rate, rate written in the file]
    const truth: [number, number, number][] = [[0, 60, 60], [1.234, 29.97, 30], [-0.71, 59.94, 60], [2.5, 30, 30]];
    const tracks = truth.map(([off, rate, nominal], v) => simulatedTrack(cams[v], off, rate, nominal, 60, 0.5, 11 + v));
    const progress: number[] = [];
    // The simulated figure repeats every 22.5 s; a search within ±5 s cannot confuse one cycle with the next.
    const r = await synchronizeViews(tracks, { cameras: cams, reference: 0, maxOffsetS: 5, refineSamples: 100, onProgress: (f) => progress.push(f) });
    r.views.forEach((v, i) => {
      expect(Math.abs(v.offsetS - truth[i][0]) * 60).toBeLessThan(1);
      expect(v.fps).toBe(truth[i][1]);
    });
    expect(progress.at(-1)).toBe(1);
  });

  it('finds offsets to within 3 frames (0.05 s) from the correlation alone when no calibration is given', async () => {
    const cams = ringRig(3);
    const truth = [0, 0.8, -1.3];
    const tracks = truth.map((off, v) => simulatedTrack(cams[v], off, 60, 60, 20, 0.5, 21 + v));
    // A view with detections missing for a stretch (the person out of frame) still synchronises.
    for (let i = 300; i < 420; i++) tracks[1].frames = tracks[1].frames.map((f, k) => (k === i ? null : f));
    const r = await synchronizeViews(tracks, { maxOffsetS: 5 });
    expect(r.reference).toBe(0);
    r.views.forEach((v, i) => {
      expect(Math.abs(v.offsetS - truth[i]) * 60).toBeLessThan(3);
      if (i > 0) expect(v.method).toBe('correlation');
    });
    expect(r.views[1].confidence).toBeGreaterThan(0.1);
  });

  it('stops when cancelled', async () => {
    const take = parseTake(readFileSync(TAKE, 'utf8'));
    const tracks = take.cameras.map((_, v) => ({ fps: take.fps, frames: take.frames.map((f) => f.views[v]) }));
    const ctl = new AbortController();
    ctl.abort(new Error('user cancelled'));
    await expect(synchronizeViews(tracks, { abortSignal: ctl.signal })).rejects.toThrow('user cancelled');
  });

  it('refines a 1D minimum below the grid step', () => {
    const r = refineOffset((x) => (x - 0.0123) ** 2, 0, 0.1, 1 / 30, 1 / 240);
    expect(Math.abs(r.offset - 0.0123)).toBeLessThan(1e-6);
  });
});

describe('frame sets on the reference clock', () => {
  it('interpolates a late view at the reference times and leaves instants outside it without that view', async () => {
    const { resampleToReference } = await import('.');
    const kp = (x: number) => Float32Array.from({ length: NUM_JOINTS * 3 }, (_, i) => (i % 3 === 2 ? 0.9 : x));
    const a: KeypointTrack = { fps: 10, frames: Array.from({ length: 10 }, (_, i) => kp(i)) };
    const b: KeypointTrack = { fps: 10, frames: Array.from({ length: 5 }, (_, i) => kp(100 + i)) };
    // b's frame 0 is at 0.25 s on a's clock: a's frame 3 (0.3 s) sees b at frame 0.5.
    const r = resampleToReference([a, b], [{ offsetS: 0, fps: 10 }, { offsetS: 0.25, fps: 10 }], 0, 1);
    expect(r.times.length).toBe(10);
    expect(r.frames[2][1]).toBeNull();
    expect(r.frames[3][0]![0]).toBe(3);
    expect(r.frames[3][1]![0]).toBeCloseTo(100.5, 5);
    expect(r.frames[9][1]).toBeNull();
    expect(resampleToReference([a, b], [{ offsetS: 0, fps: 10 }, { offsetS: 0.25, fps: 10 }], 0, 2).times.length).toBe(4);
  });
});
