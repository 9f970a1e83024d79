/**
 * The fusion client and the worker's core, connected as the browser connects them (every message structured-cloned
 * with its transfer list, delivered asynchronously), in Node: the same poses as the pipeline on this thread,
 * typed arrays transferred rather than copied, failures surfaced, and a crashed worker replaced by fusion here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureNodeBackend, loadLifterNetFromDir } from '../lifter/load-node';
import { ringRig } from '../sim/rig';
import { makeRng } from '../sim/rng';
import { simulateFrame } from '../sim/simulate';
import { DEFAULT_NOISE } from '../sim/noise';
import type { LifterNet } from '../lifter/model';
import { FusionClient, type FusionStatus, type PortFactory } from './fusion-client';
import { FusionPipeline } from './pipeline';
import { createMethods, DEFAULT_METHOD_IDS, type MethodEnv } from './registry';
import { FusionWorkerCore, type LifterHost } from './worker-core';
import type { BackendReport, ToWorker } from './protocol';
import type { DetectedFrameSet } from './flow';

const nodeEnv: MethodEnv = { loadNet: () => loadLifterNetFromDir() };
const report: BackendReport = { choice: 'auto', chosen: 'wasm', measuring: false, measurements: [{ id: 'wasm', medianMs: 1, maxDiffM: null, reason: null }], reasons: {} };
const wasmHost = (env: MethodEnv = nodeEnv): LifterHost => ({ select: async () => ({ report, env }) });

/** A port to a core, as a worker would be: clones with transfers, async delivery; `crash()` plays an uncaught error. */
function corePort(host: LifterHost) {
  const sent: ToWorker[] = [];
  /** Per message, in each direction: the byte lengths of the buffers moved rather than copied. */
  const moved: { in: number[][]; out: number[][] } = { in: [], out: [] };
  let crash: (m: string) => void = () => undefined;
  const factory: PortFactory = (onMessage, onCrash) => {
    crash = onCrash;
    const core = new FusionWorkerCore((msg, transfer = []) => {
      if (msg.type === 'fused') moved.out.push(transfer.map((b) => b.byteLength));
      const copy = structuredClone(msg, { transfer });
      setTimeout(() => onMessage(copy));
    }, host);
    return {
      post(msg, transfer = []) {
        if (msg.type === 'fuse') moved.in.push(transfer.map((b) => b.byteLength));
        const copy = structuredClone(msg, { transfer });
        sent.push(copy);
        setTimeout(() => core.receive(copy));
      },
      terminate: () => undefined,
    };
  };
  return { factory, sent, moved, crash: (m: string) => crash(m) };
}

const rig = ringRig(4);
function frameAt(t: number, cams = rig): DetectedFrameSet {
  const f = simulateFrame(t, cams, { noise: DEFAULT_NOISE, level: 1, dropped: new Set([2]) }, makeRng(Math.round(t * 100)));
  return { time: f.time, views: f.views, status: f.status, timings: { detection: 1 }, gt: f.gt };
}

function client(worker: PortFactory, main: PortFactory) {
  return new FusionClient({ worker, main, methods: DEFAULT_METHOD_IDS, modelsBase: '/models/', wasmPath: '/wasm/' });
}

function until(c: FusionClient, pred: (s: FusionStatus) => boolean): Promise<FusionStatus> {
  return new Promise((resolve) => {
    if (pred(c.current)) return resolve(c.current);
    const off = c.status.subscribe((s) => {
      if (pred(s)) {
        off();
        resolve(s);
      }
    });
  });
}
const lifterReady = (s: FusionStatus) => s.methods.find((m) => m.id === 'lifter')?.state === 'ready';

beforeAll(async () => {
  await ensureNodeBackend();
});

describe('fusion in the worker (client ↔ core)', () => {
  it('gives the same poses as the pipeline on this thread, around the app\'s own frame set', async () => {
    const w = corePort(wasmHost());
    const c = client(w.factory, corePort(wasmHost()).factory);
    c.start();
    await until(c, lifterReady);
    expect(c.current.where).toBe('worker');
    expect(c.current.backend?.chosen).toBe('wasm');
    const local = new FusionPipeline(await createMethods(nodeEnv, DEFAULT_METHOD_IDS));
    c.setRig(rig);
    local.setRig(rig);
    for (const t of [1, 1.1, 1.2]) {
      const f = frameAt(t);
      const before = f.views.map((v) => v && Array.from(v));
      const [remote, here] = await Promise.all([c.fuse(f), local.fuse(f)]);
      expect(remote!.frame).toBe(f); // the app's frame set, truth and timings included
      expect(f.views.map((v) => v && Array.from(v))).toEqual(before); // the app's detections are not detached
      expect(Object.keys(remote!.people[0].poses)).toEqual(['lifter', 'robust', 'dlt']);
      for (const id of ['lifter', 'robust', 'dlt']) {
        const a = remote!.people[0].poses[id]!, b = here!.people[0].poses[id]!;
        expect(Array.from(a.joints)).toEqual(Array.from(b.joints));
        expect(Array.from(a.valid)).toEqual(Array.from(b.valid));
        expect(a.info).toEqual(b.info);
      }
      expect(remote!.timings.lifter).toBeGreaterThan(0);
    }
    // One rig message for one rig, however many frame sets: the same array is not sent again.
    c.setRig(rig);
    expect(w.sent.filter((m) => m.type === 'rig')).toHaveLength(1);
    // A frame set that does not fit the rig gives no result rather than a wrong one.
    expect(await c.fuse(frameAt(2, ringRig(3)))).toBeNull();
    local.dispose();
    c.dispose();
  });

  it('frame sets cross as transferred typed arrays, not as JSON', async () => {
    const w = corePort(wasmHost());
    const c = client(w.factory, w.factory);
    c.start();
    await until(c, lifterReady);
    c.setRig(rig);
    await c.fuse(frameAt(1));
    const msg = w.sent.find((m) => m.type === 'fuse') as Extract<ToWorker, { type: 'fuse' }>;
    expect(msg.keypoints).toBeInstanceOf(Float32Array);
    expect(msg.keypoints.length).toBe(4 * 51);
    expect(Array.from(msg.present)).toEqual([1, 1, 0, 1]);
    // In: the keypoints (4 views × 51 float32) and the presence mask; out, per person: has, joints (3 methods × 51
    // float64), valid.
    expect(w.moved.in).toEqual([[4 * 51 * 4, 4]]);
    expect(w.moved.out).toEqual([[3, 3 * 51 * 8, 3 * 17]]);
    c.dispose();
  });

  it('a method that throws is reported with its message while the others go on', async () => {
    const broken = { forward: () => { throw new Error('out of GPU memory'); }, dispose: () => undefined } as unknown as LifterNet;
    const c = client(corePort(wasmHost({ loadNet: async () => broken })).factory, corePort(wasmHost()).factory);
    c.start();
    await until(c, lifterReady);
    c.setRig(rig);
    const f = await c.fuse(frameAt(1));
    expect(f!.people[0].poses.lifter).toBeNull();
    expect(f!.people[0].poses.robust).not.toBeNull();
    const s = await until(c, (x) => !!x.methodErrors.lifter);
    expect(s.methodErrors.lifter).toEqual({ message: 'out of GPU memory', count: 1 });
    c.dispose();
  });

  it('a lifter that cannot load leaves triangulation running and says why', async () => {
    const failing: LifterHost = { select: async () => { throw new Error('lifter: /models/lifter/manifest.json: HTTP 404'); } };
    const c = client(corePort(failing).factory, corePort(failing).factory);
    c.start();
    const s = await until(c, (x) => x.methods.find((m) => m.id === 'lifter')?.state === 'unavailable');
    expect(s.methods.find((m) => m.id === 'lifter')).toEqual({ id: 'lifter', state: 'unavailable', reason: 'lifter: /models/lifter/manifest.json: HTTP 404' });
    c.setRig(rig);
    const f = await c.fuse(frameAt(1));
    expect(Object.keys(f!.people[0].poses)).toEqual(['robust', 'dlt']);
    c.dispose();
  });

  it('a crashed worker: its frame set is rejected with the crash, fusion moves to this thread with the rig, and says so', async () => {
    const w = corePort(wasmHost());
    const main = corePort(wasmHost());
    const c = client(w.factory, main.factory);
    c.start();
    c.setRig(rig);
    await until(c, lifterReady);
    const inFlight = c.fuse(frameAt(1));
    w.crash('RangeError: out of memory');
    await expect(inFlight).rejects.toThrow('fusion worker crashed: RangeError: out of memory');
    expect(c.current.where).toBe('main');
    expect(c.current.whyMain).toBe('the fusion worker crashed (RangeError: out of memory); fusing on the main thread');
    expect(c.current.lastError).toBe('fusion worker crashed: RangeError: out of memory');
    // The new port got the init and the rig in use, and fuses with every method once the lifter is back.
    expect(main.sent.map((m) => m.type)).toEqual(['init', 'rig']);
    await until(c, lifterReady);
    const f = await c.fuse(frameAt(1.1));
    expect(Object.keys(f!.people[0].poses)).toEqual(['lifter', 'robust', 'dlt']);
    expect(f!.people[0].poses.lifter!.joints.every(Number.isFinite)).toBe(true);
    c.dispose();
  });

  it('a backend switch takes the lifter out between frame sets and brings it back on the new backend', async () => {
    const chosen: string[] = [];
    const host: LifterHost = {
      select: async (choice) => {
        chosen.push(choice);
        return { report: { ...report, choice, chosen: choice === 'auto' ? 'wasm' : choice }, env: nodeEnv };
      },
    };
    const c = client(corePort(host).factory, corePort(host).factory);
    c.start();
    c.setRig(rig);
    await until(c, lifterReady);
    c.setBackend('webgl');
    const during = await c.fuse(frameAt(1)); // after the switch began: triangulation only, never a half-moved lifter
    expect(Object.keys(during!.people[0].poses)).toEqual(['robust', 'dlt']);
    const s = await until(c, (x) => lifterReady(x) && x.backend?.choice === 'webgl');
    expect(s.backend?.chosen).toBe('webgl');
    expect(chosen).toEqual(['auto', 'webgl']);
    const after = await c.fuse(frameAt(1.1));
    expect(after!.people[0].poses.lifter).not.toBeNull();
    c.dispose();
  });
});
