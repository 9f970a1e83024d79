/**
 * Picks and initialises the tfjs backend: WebGPU, else WebGL, else wasm. A software-rendered GPU adapter
 * (SwiftShader, as in headless Chromium without a GPU) counts as unavailable in "auto": measured here it is
 * 7–40x slower than wasm. The user can still force any backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { WASM_PATH, type BackendChoice, type BackendId } from './models';

let wasmPathSet = false;

async function softwareWebGPU(): Promise<boolean> {
  type AdapterLike = { info?: { description?: string; vendor?: string; architecture?: string }; isFallbackAdapter?: boolean };
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return true;
  const adapter = (await gpu.requestAdapter()) as AdapterLike | null;
  if (!adapter) return true;
  const text = `${adapter.info?.vendor ?? ''} ${adapter.info?.architecture ?? ''} ${adapter.info?.description ?? ''}`.toLowerCase();
  return adapter.isFallbackAdapter === true || text.includes('swiftshader');
}

function softwareWebGL(): boolean {
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = canvas.getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) return true;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)).toLowerCase();
    return renderer.includes('swiftshader') || renderer.includes('llvmpipe') || renderer.includes('software');
  } catch {
    return true;
  }
}

async function trySet(id: BackendId, wasmPath: string): Promise<boolean> {
  if (id === 'wasm' && !wasmPathSet) {
    setWasmPaths(wasmPath);
    wasmPathSet = true;
  }
  try {
    const ok = await tf.setBackend(id);
    if (ok) await tf.ready();
    return ok && tf.getBackend() === id;
  } catch {
    return false;
  }
}

export interface BackendResult {
  backend: BackendId;
  /** Why the preferred backends were skipped, for the status bar's tooltip. */
  notes: string[];
}

export async function initBackend(choice: BackendChoice, wasmPath = WASM_PATH): Promise<BackendResult> {
  const notes: string[] = [];
  if (choice !== 'auto') {
    if (await trySet(choice, wasmPath)) return { backend: choice, notes };
    notes.push(`${choice} unavailable`);
  } else {
    if (await softwareWebGPU()) notes.push('WebGPU: no hardware adapter');
    else if (await trySet('webgpu', wasmPath)) return { backend: 'webgpu', notes };
    else notes.push('WebGPU failed to initialise');
    if (softwareWebGL()) notes.push('WebGL: software renderer');
    else if (await trySet('webgl', wasmPath)) return { backend: 'webgl', notes };
    else notes.push('WebGL failed to initialise');
  }
  for (const id of ['wasm', 'cpu'] as const) if (await trySet(id, wasmPath)) return { backend: id, notes };
  throw new Error(`no tfjs backend could be initialised (${notes.join('; ')})`);
}
