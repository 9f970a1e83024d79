/**
 * Temporal methods per person in the fusion pipeline (issue 15, item 4): two people crossing, each tracked person
 * with an instance of the temporal lifter of its own (the same poses as a one-person pipeline fed only that person's
 * views), a person back after a short loss keeping its id and starting a fresh past, instances disposed when the
 * tracker forgets a person and on a time jump, and the network's weights loaded once for everyone.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { TemporalLifterMethod } from '../lifter/temporal';
import { loadTemporalNetFromDir } from '../lifter/temporal-load-node';
import type { TemporalNet } from '../lifter/temporal-model';
import { PeopleFusion } from '../people/fuse';
import { PeopleStage } from '../people/stage';
import type { MultiFrameViews } from '../people/types';
import { placedPose, projectPose, ringRig, seededRandom } from '../testing/synthetic';
import type { DetectedFrameSet } from './flow';
import { FusionPipeline } from './pipeline';
import { TriangulationMethod } from '../triangulation/methods';
import { packFrame, type FromWorker } from './protocol';
import type { MethodEnv } from './registry';
import { FusionWorkerCore } from './worker-core';
import type { FrameViews, Pose3D } from './types';

const FIX = join(__dirname, '..', 'lifter', '__fixtures__');
let net: TemporalNet;
beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  net = await loadTemporalNetFromDir(FIX, 'temporal-');
});

const cams = ringRig(4);
const FPS = 15;

/** Person 0 walks +x, person 1 walks −x 0.6 m beside it: they cross at t = 1 s. */
function bodies(t: number): Float64Array[] {
  return [placedPose(0, -1.2 + 1.2 * t, -0.3), placedPose(Math.PI, 1.2 - 1.2 * t, 0.3)];
}

/**
 * The scene: 0–2 s both cross; 2–2.8 s person 1 unseen (longer than MAX_GAP_S, shorter than the tracker's
 * memory); 2.8–3.4 s both; then person 1 gone for good.
 */
function present(t: number): number[] {
  if (t < 2 - 1e-9 || (t >= 2.8 - 1e-9 && t < 3.4 - 1e-9)) return [0, 1];
  return [0];
}

interface Frame {
  time: number;
  people: MultiFrameViews;
  truths: Float64Array[];
}

function frameAt(i: number, offset = 0): Frame {
  const time = offset + i / FPS;
  const b = bodies(i / FPS);
  const who = present(i / FPS);
  const rand = seededRandom(100 + i);
  const views = who.map((k) => projectPose(cams, b[k], 1, rand));
  // Detection order per view alternates, so nothing but geometry says who is who.
  const people = cams.map((_, v) => {
    const list = who.map((_, k) => views[k][v]);
    return (i + v) % 2 ? list.reverse() : list;
  });
  return { time, people, truths: who.map((k) => b[k]) };
}

const detected = (f: Frame, views: FrameViews = cams.map(() => null)): DetectedFrameSet => ({
  time: f.time, views, status: cams.map(() => 'ok'), timings: {}, people: f.people,
});

/** Ground-plane distance between two poses' hip centres. */
function hipDistance(a: Float64Array, b: Float64Array): number {
  const h = (j: Float64Array, a: number) => 0.5 * (j[3 * 11 + a] + j[3 * 12 + a]);
  return Math.hypot(h(a, 0) - h(b, 0), h(a, 2) - h(b, 2));
}

function maxDiff(a: Pose3D, b: Pose3D): number {
  let d = 0;
  for (let k = 0; k < a.joints.length; k++) d = Math.max(d, Math.abs(a.joints[k] - b.joints[k]));
  return d;
}

/** The raw temporal lifter, its forks recorded. */
function recordedLifter(): { proto: TemporalLifterMethod; forks: TemporalLifterMethod[] } {
  // No fallback: triangulation would stand in for the (fixture) network and hide its past.
  const proto = new TemporalLifterMethod(net, { fallback: null });
  const forks: TemporalLifterMethod[] = [];
  const fork = proto.fork.bind(proto);
  proto.fork = () => {
    const f = fork();
    vi.spyOn(f, 'dispose');
    vi.spyOn(f, 'reset');
    forks.push(f);
    return f;
  };
  return { proto, forks };
}

describe('fusion pipeline: the temporal lifter per person', () => {
  it('gives each of two crossing people the poses a one-person pipeline gives on that person\'s views alone', async () => {
    const { proto } = recordedLifter();
    const p = new FusionPipeline([proto]);
    p.setRig(cams);
    // The reference: the same association and tracking, then a one-person pipeline per id fed only its views.
    const stage = new PeopleStage(cams);
    const alone = new Map<number, FusionPipeline>();
    // What one shared instance fed both people gives: the past of one mixed into the other's.
    const mixed = proto.fork();
    const idToTruth = new Map<number, number>();
    let compared = 0, worst = 0, worstMixed = 0;
    for (let i = 0; i < 51; i++) {
      const f = frameAt(i);
      const out = (await p.fuse(detected(f)))!;
      const ref = stage.step(f.time, f.people).people;
      expect(out.people.map((q) => q.person)).toEqual(ref.map((r) => r.id));
      for (const [k, r] of ref.entries()) {
        const pose = out.people[k].poses['lifter-temporal'];
        expect(pose, `frame set ${i}, person ${r.id}`).not.toBeNull();
        let one = alone.get(r.id);
        if (!one) {
          alone.set(r.id, (one = new FusionPipeline([proto.fork()])));
          one.setRig(cams);
        }
        const want = (await one.fuse({ ...detected(f, r.person.views), people: undefined }))!.people[0].poses['lifter-temporal']!;
        worst = Math.max(worst, maxDiff(pose!, want));
        const [m] = await mixed.estimateFrames(cams, [r.person.views], [f.time]);
        if (m) worstMixed = Math.max(worstMixed, maxDiff(m, want));
        compared++;
        // Identity: the true body nearest to the person's triangulation, the same one for the id all along.
        const truth = f.truths.map((t, n) => [hipDistance(t, r.person.joints), present(i / FPS)[n]]).sort((a, b) => a[0] - b[0])[0][1];
        if (idToTruth.has(r.id)) expect(idToTruth.get(r.id), `id ${r.id} at frame set ${i}`).toBe(truth);
        idToTruth.set(r.id, truth);
      }
    }
    expect(compared).toBeGreaterThan(80);
    expect(new Set(idToTruth.keys())).toEqual(new Set([0, 1]));
    expect(worst).toBeLessThan(1e-6);
    // The comparison can tell: one instance fed both people is centimetres off.
    expect(worstMixed).toBeGreaterThan(0.01);
  });

  it('resets a person back after a short loss, disposes a forgotten person\'s instance, all of them on a time jump', async () => {
    const { proto, forks } = recordedLifter();
    const p = new FusionPipeline([proto]);
    p.setRig(cams);
    const ids: number[][] = [];
    const resetAt: number[][] = [[], []];
    const calls = (m: TemporalLifterMethod | undefined) => (m ? vi.mocked(m.reset).mock.calls.length : 0);
    for (let i = 0; i < 51; i++) {
      const before = forks.slice(0, 2).map(calls);
      ids.push((await p.fuse(detected(frameAt(i))))!.people.map((q) => q.person).sort());
      // (An instance also resets itself when first given a rig: frame set 0.)
      forks.slice(0, 2).forEach((m, k) => calls(m) > before[k] && i > 0 && resetAt[k].push(i));
    }
    // One instance per person, person 1 back at 2.8 s (frame set 42) under its id, its past started afresh then.
    expect(forks).toHaveLength(2);
    expect(ids[30]).toEqual([0]);
    expect(ids[42]).toEqual([0, 1]);
    expect(resetAt).toEqual([[], [42]]);
    // Person 1 gone from 3.4 s: forgotten after the tracker's 1.5 s, its instance with it; the network stays.
    let disposedAt = -1;
    for (let i = 51; i < 90; i++) {
      await p.fuse(detected(frameAt(i)));
      if (disposedAt < 0 && vi.mocked(forks[1].dispose).mock.calls.length) disposedAt = i / FPS;
    }
    expect(disposedAt).toBeGreaterThan(3.4 + 1.4);
    expect(disposedAt).toBeLessThan(3.4 + 1.7);
    expect(forks[0].dispose).not.toHaveBeenCalled();
    // A time jump: everyone's past goes; new instances, and their poses those of a fresh start.
    const f = frameAt(0, 20);
    const out = (await p.fuse(detected(f)))!;
    expect(forks[0].dispose).toHaveBeenCalledTimes(1);
    expect(forks).toHaveLength(4);
    expect(forks.slice(2).every((m) => m.heldFrameSets === 1)).toBe(true);
    for (const q of out.people) expect(q.poses['lifter-temporal']!.info!.windowFrameSets).toBe(1);
  });

  it('keeps identities when the same rig is set again (a resumed simulation), starts them afresh on another rig', async () => {
    const ids = async (p: FusionPipeline, from: number, to: number) => {
      const byTruth: number[][] = [];
      for (let i = from; i < to; i++) {
        const f = frameAt(i);
        const out = (await p.fuse(detected(f)))!;
        // Which tracked id is each truth (nearest robust hip), per frame set.
        byTruth.push(f.truths.map((t) => out.people.reduce((best, q) => (hipDistance(q.poses.robust!.joints, t) < hipDistance(out.people.find((x) => x.person === best)!.poses.robust!.joints, t) ? q.person : best), out.people[0].person)));
      }
      return byTruth;
    };
    const probe = { id: 'probe', label: 'probe', estimateFrames: async (_c: unknown, frames: readonly unknown[]) => frames.map(() => null), reset: vi.fn() };
    const p = new FusionPipeline([new TriangulationMethod('robust'), probe]);
    p.setRig(cams);
    const before = await ids(p, 0, 8);
    probe.reset.mockClear();
    p.setRig(ringRig(4)); // equal by value, another array of other objects
    expect(probe.reset).not.toHaveBeenCalled();
    const after = await ids(p, 8, 16);
    expect(after.every((x) => x.join() === before[0].join())).toBe(true);
    const moved = ringRig(4).map((c) => ({ ...c, t: Float64Array.from(c.t, (v, k) => (k === 0 ? v + 0.05 : v)) }));
    p.setRig(moved);
    expect(probe.reset).toHaveBeenCalledTimes(1);
  });

  it('smooths each person with filters of their own, started afresh where the person was unseen', async () => {
    const smoothed = new FusionPipeline([new TriangulationMethod('robust')]);
    const raw = new FusionPipeline([new TriangulationMethod('robust')]);
    smoothed.setSettings({ smoothing: true });
    smoothed.setRig(cams);
    raw.setRig(cams);
    let back = -1;
    for (let i = 0; i < 45; i++) {
      const f = frameAt(i);
      const a = (await smoothed.fuse(detected(f)))!, b = (await raw.fuse(detected(f)))!;
      expect(a.people.map((p) => p.person)).toEqual(b.people.map((p) => p.person));
      // Person 1 is unseen from 2 s to 2.8 s (longer than a time jump): at i = 42 it is back.
      if (i === 42) back = 0;
      for (const p of a.people) {
        const r = b.people.find((q) => q.person === p.person)!.poses.robust!;
        const d = maxDiff(p.poses.robust!, r);
        const isReturning = hipDistance(r.joints, bodies(i / FPS)[1]) < 0.3;
        if (back === 0 && isReturning) {
          expect(d).toBeLessThan(1e-9); // a fresh filter passes its first sample through
          back = 1;
        } else if (i > 0 && i < 30) expect(d).toBeGreaterThan(0); // filtering, elsewhere
      }
    }
    expect(back).toBe(1);
  });

  it('drops the per-person instances when their method is taken out or replaced (a backend switch)', async () => {
    const a = recordedLifter();
    const p = new FusionPipeline([a.proto]);
    p.setRig(cams);
    for (let i = 0; i < 3; i++) await p.fuse(detected(frameAt(i)));
    expect(a.forks).toHaveLength(2);
    expect(p.removeMethod('lifter-temporal')).toBe(a.proto);
    for (const f of a.forks) expect(f.dispose).toHaveBeenCalledTimes(1);
    const b = recordedLifter();
    p.addMethod(b.proto);
    const out = (await p.fuse(detected(frameAt(3))))!;
    expect(b.forks).toHaveLength(2);
    expect(a.forks).toHaveLength(2);
    // The new instances start afresh: a window of one frame set.
    for (const q of out.people) expect(q.poses['lifter-temporal']!.info!.windowFrameSets).toBe(1);
  });
});

describe('the temporal methods per person load their weights once', () => {
  /** An environment that counts network loads. */
  function countingEnv(): { env: MethodEnv; loads: { temporal: number } } {
    const loads = { temporal: 0 };
    const env: MethodEnv = {
      loadNet: () => Promise.reject(new Error('no single-frame lifter in this test')),
      loadTemporalNet: async () => {
        loads.temporal++;
        return loadTemporalNetFromDir(FIX, 'temporal-');
      },
    };
    return { env, loads };
  }

  it('in the fusion worker: three people, the temporal lifter and smoothed triangulation for each, one load', async () => {
    const { env, loads } = countingEnv();
    const got: FromWorker[] = [];
    const core = new FusionWorkerCore((m) => void got.push(m), {
      select: async () => ({ report: { choice: 'wasm', chosen: 'wasm', measuring: false, measurements: [], reasons: {} }, env }),
    });
    const methods = ['lifter-temporal', 'robust-smoothed', 'robust'];
    core.receive({ type: 'init', methods, modelsBase: '/', wasmPath: '/', backend: 'wasm', settings: { smoothing: false, oneEuro: { minCutoff: 1, beta: 0, dCutoff: 1 } } });
    await vi.waitFor(() => expect(got.some((m) => m.type === 'methods' && m.methods.every((s) => s.state === 'ready'))).toBe(true));
    core.receive({ type: 'rig', cameras: cams });
    const rand = seededRandom(7);
    for (let i = 0; i < 10; i++) {
      const people = [placedPose(0, -1.5, 0), placedPose(1, 0, 1), placedPose(2, 1.5, -0.5)].map((b) => projectPose(cams, b, 1, rand));
      const f: DetectedFrameSet = { time: i / FPS, views: cams.map(() => null), status: cams.map(() => 'ok'), timings: {}, people: cams.map((_, v) => people.map((q) => q[v])) };
      core.receive({ type: 'fuse', id: i, ...packFrame(f).frame });
    }
    await vi.waitFor(() => expect(got.filter((m) => m.type === 'fused')).toHaveLength(10));
    const last = got.filter((m) => m.type === 'fused').pop() as Extract<FromWorker, { type: 'fused' }>;
    expect(last.people).toHaveLength(3);
    for (const person of last.people) for (const id of methods) expect(person.has[person.methods.indexOf(id)], `person ${person.person}, ${id}`).toBe(1);
    expect(loads.temporal).toBe(1);
    expect(got.filter((m) => m.type === 'method-error')).toEqual([]);
  });

  it('in eval:multi\'s per-person fusion (PeopleFusion.create)', async () => {
    const { env, loads } = countingEnv();
    const fusion = await PeopleFusion.create(env, ['lifter-temporal', 'robust-smoothed']);
    const rand = seededRandom(3);
    const bodies3 = [placedPose(0, -1.5, 0), placedPose(1, 0, 1), placedPose(2, 1.5, -0.5)];
    for (let i = 0; i < 3; i++) {
      const out = await fusion.fuse(cams, bodies3.map((b, id) => ({ id, views: projectPose(cams, b, 1, rand) })), i / FPS);
      expect(out.every((q) => q.poses['lifter-temporal'] && q.poses['robust-smoothed'])).toBe(true);
    }
    expect(loads.temporal).toBe(1);
    expect(fusion.forks).toBe(6);
    fusion.dispose();
  });
});
