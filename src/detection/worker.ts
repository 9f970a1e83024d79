/// <reference lib="webworker" />
/**
 * The detection worker: owns tfjs and one detector per camera slot (detectors keep per-stream crop state; the
 * stateless multi-person model shares one), so inference never blocks the UI thread. Frames arrive as transferred
 * ImageBitmaps and are closed here.
 */
import { initBackend } from './backend';
import { createViewDetector, liveTensors, type ViewDetector } from './detector';
import type { FromWorker, ToWorker } from './protocol';
import { isMultiPerson, type ModelId } from './models';
import { detectSet, keypointBuffers } from './detect-set';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let model: ModelId | null = null;
let modelsBase = '/models/';
let detectors: (Promise<ViewDetector> | undefined)[] = [];
let queue: Promise<void> = Promise.resolve();

function post(msg: FromWorker, transfer: Transferable[] = []) {
  scope.postMessage(msg, transfer);
}

function detectorFor(camera: number): Promise<ViewDetector> {
  if (!model) throw new Error('detection worker used before init');
  // A multi-person model keeps nothing between frames (its tracker is off): one instance, one copy of the
  // weights, serves every camera.
  const slot = isMultiPerson(model) ? 0 : camera;
  detectors[slot] ??= createViewDetector(model, (rel) => modelsBase + rel);
  return detectors[slot]!;
}

async function disposeAll() {
  const old = detectors;
  detectors = [];
  for (const d of old) if (d) (await d.catch(() => null))?.dispose();
}

async function handle(msg: ToWorker) {
  if (msg.type === 'init') {
    const t0 = performance.now();
    await disposeAll();
    const { backend, notes } = await initBackend(msg.backend, msg.wasmPath);
    model = msg.model;
    modelsBase = msg.modelsBase;
    // Load (and warm up) the first detector now so a bad model file shows at init, not on the first frame.
    await detectorFor(0);
    post({ type: 'ready', backend, model: msg.model, notes, loadMs: performance.now() - t0, numTensors: liveTensors() });
  } else if (msg.type === 'detect') {
    const t0 = performance.now();
    let found;
    try {
      found = await detectSet(detectorFor, msg.frames, msg.scales, msg.timestamps, model !== null && isMultiPerson(model), (c) => msg.frames[c]?.close());
    } catch (e) {
      for (const b of msg.frames) b?.close();
      post({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) });
      return;
    }
    const t1 = performance.now();
    const origin = performance.timeOrigin;
    post({ type: 'result', id: msg.id, ...found, totalMs: t1 - t0, numTensors: liveTensors(), startedAt: origin + t0, endedAt: origin + t1 }, keypointBuffers(found));
  } else if (msg.type === 'reset') {
    for (let c = 0; c < detectors.length; c++) if (msg.camera === undefined || msg.camera === c) (await detectors[c])?.reset();
  }
}

scope.onmessage = (ev: MessageEvent<ToWorker>) => {
  // Serialise: tfjs runs one graph at a time anyway, and init must finish before frames are detected.
  queue = queue.then(() => handle(ev.data)).catch((e) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
};
