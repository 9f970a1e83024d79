/**
 * The lifter's tfjs backend in the browser (the fusion worker, or the main thread after a crash): WebGPU, WebGL
 * and wasm each lift the fixed probe input; backend-select.ts keeps those that match wasm and picks the fastest.
 * A backend that cannot start says why (no navigator.gpu, no adapter, no OffscreenCanvas, no WebGL2 context); a
 * software one (SwiftShader) is measured like any other and its renderer named.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { LifterMethod } from '../lifter/lifter';
import { fetchNetParts } from '../lifter/load-url';
import { netFromParts } from '../lifter/manifest';
import { temporalNetFromParts } from '../lifter/temporal-manifest';
import type { LifterNet } from '../lifter/model';
import { chooseBackend, LIFTER_BACKENDS, measureBackends, type BackendProbe, type LifterBackend } from './backend-select';
import { probeInput } from './probe-input';
import type { LifterHost } from './worker-core';
import type { BackendReport } from './protocol';
import type { MethodEnv } from './registry';

/** The network the measurement runs (the other networks run on the backend it picks). */
const PROBE_MODEL = 'lifter';

async function webgpuAvailable(): Promise<true | string> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; description?: string } } | null> } }).gpu;
  if (!gpu) return 'not exposed here (navigator.gpu is missing)';
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return 'no adapter (no GPU, or the GPU is disabled)';
  return true;
}

function webglAvailable(): true | string {
  if (typeof OffscreenCanvas === 'undefined' && typeof document === 'undefined') return 'no OffscreenCanvas in this worker';
  try {
    const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
    const gl = canvas.getContext('webgl2') as WebGL2RenderingContext | null;
    return gl ? true : 'no WebGL2 context (no GPU, or the GPU is disabled)';
  } catch (e) {
    return `no WebGL2 context (${e instanceof Error ? e.message : String(e)})`;
  }
}

async function available(id: LifterBackend): Promise<true | string> {
  if (id === 'webgpu') return webgpuAvailable();
  if (id === 'webgl') return webglAvailable();
  return true;
}

async function use(id: LifterBackend): Promise<true | string> {
  const pre = await available(id);
  if (pre !== true) return pre;
  try {
    if (!(await tf.setBackend(id))) return 'failed to initialise';
    await tf.ready();
  } catch (e) {
    return `failed to initialise (${e instanceof Error ? e.message : String(e)})`;
  }
  return tf.getBackend() === id ? true : 'failed to initialise';
}

type Parts = { manifest: unknown; weights: ArrayBuffer };

export function browserLifterHost(): LifterHost {
  const parts = new Map<string, Promise<Parts>>();
  let wasmPath: string | null = null;
  const partsOf = (base: string, model: string) => {
    if (!parts.has(model)) parts.set(model, fetchNetParts(`${base}${model}/`));
    return parts.get(model)!;
  };
  return {
    async select(choice, init, progress) {
      if (wasmPath !== init.wasmPath) setWasmPaths((wasmPath = init.wasmPath));
      const probe = await partsOf(init.modelsBase, PROBE_MODEL);
      const input = probeInput();
      const report: BackendReport = { choice, chosen: null, measuring: true, measurements: [], reasons: {} };
      progress(report);
      const probes: BackendProbe[] = LIFTER_BACKENDS.map((id) => {
        let net: LifterNet | null = null;
        let lifter: LifterMethod | null = null;
        let cancelled = false;
        return {
          id,
          framesPerRun: input.frames.length,
          init: () => use(id),
          async run() {
            lifter ??= new LifterMethod((net = netFromParts(probe.manifest, probe.weights)), { fallback: null });
            const out = new Float64Array(input.frames.length * 51);
            // One frame set per call, as live fusion calls it.
            for (let i = 0; i < input.frames.length; i++) {
              if (cancelled) throw new Error('cancelled');
              const [pose] = await lifter.estimateFrames(input.rig, [input.frames[i]]);
              out.set(pose ? pose.joints : new Float64Array(51).fill(NaN), i * 51);
            }
            return out;
          },
          dispose: () => net?.dispose(),
          cancel: () => void (cancelled = true),
        };
      });
      const measurements = await measureBackends(probes, () => performance.now());
      const result = chooseBackend(choice, measurements);
      if (!result.chosen) throw new Error(`no tfjs backend runs the lifter: ${Object.values(result.reasons).join('; ')}`);
      const ok = await use(result.chosen);
      if (ok !== true) throw new Error(`${result.chosen}: ${ok}`);
      const env: MethodEnv = {
        async loadNet(model: string) {
          const p = await partsOf(init.modelsBase, model);
          return netFromParts(p.manifest, p.weights);
        },
        async loadTemporalNet(model: string) {
          const p = await partsOf(init.modelsBase, model);
          return temporalNetFromParts(p.manifest, p.weights);
        },
      };
      return { report: { choice, chosen: result.chosen, measuring: false, measurements, reasons: result.reasons }, env };
    },
  };
}
