/**
 * Loads the lifter over HTTP (the browser app: models/lifter/ under Vite's base URL). Detection runs its own tfjs
 * in a worker, so the main thread picks its backend here: wasm (a small network gains nothing from a GPU's
 * per-op latency), else the plain JS cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { WASM_PATH } from '../detection/models';
import { netFromParts } from './manifest';
import type { LifterNet } from './model';

function baseUrl(): string {
  const env = (import.meta as { env?: { BASE_URL?: string } }).env;
  return env?.BASE_URL ?? '/';
}

async function ensureBrowserBackend(): Promise<string> {
  if (tf.engine().backendName) return tf.getBackend();
  try {
    setWasmPaths(new URL(WASM_PATH.replace(/^\//, ''), new URL(baseUrl(), location.href)).href);
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      return 'wasm';
    }
  } catch {
    // wasm files missing or blocked: the cpu backend below always works.
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}

/** A network's manifest and weight bytes from `url` (models/<name>/), unparsed: a backend measurement builds it more than once. */
export async function fetchNetParts(url: string): Promise<{ manifest: unknown; weights: ArrayBuffer }> {
  const base = url.endsWith('/') ? url : `${url}/`;
  const res = await fetch(`${base}manifest.json`);
  if (!res.ok) throw new Error(`lifter: ${base}manifest.json: HTTP ${res.status}`);
  const manifest = (await res.json()) as { weights?: unknown };
  const name = typeof manifest.weights === 'string' ? manifest.weights : 'weights.bin';
  const w = await fetch(`${base}${name}`);
  if (!w.ok) throw new Error(`lifter: ${base}${name}: HTTP ${w.status}`);
  return { manifest, weights: await w.arrayBuffer() };
}

export async function loadLifterNetFromUrl(url: string = `${baseUrl()}models/lifter/`): Promise<LifterNet> {
  await ensureBrowserBackend();
  const { manifest, weights } = await fetchNetParts(url);
  return netFromParts(manifest, weights);
}
