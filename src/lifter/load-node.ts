/** Loads the lifter from disk in Node (CLIs, tests): tfjs-node is not available, so files are read directly. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LifterMethod, type LifterOptions } from './lifter';
import { MAX_WEIGHTS_BYTES, netFromParts, weightsFileName } from './manifest';
import { stripBom } from '../util/text';
import type { LifterNet } from './model';

const MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'public', 'models');
export const DEFAULT_LIFTER_DIR = join(MODELS_DIR, 'lifter');

/** public/models/<model>/: where `npm install` and training/train.py --export put a network. */
export function modelDir(model: string): string {
  return join(MODELS_DIR, model);
}

/** dir holds {stem}manifest.json and the weights file it names. */
export async function loadLifterNetFromDir(dir: string = DEFAULT_LIFTER_DIR, stem = ''): Promise<LifterNet> {
  const manifestPath = join(dir, `${stem}manifest.json`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(stripBom(await readFile(manifestPath, 'utf8')));
  } catch (e) {
    throw new Error(`lifter: cannot read ${manifestPath}: ${e instanceof Error ? e.message : e}`);
  }
  const path = join(dir, weightsFileName(manifest, `${stem}weights.bin`));
  const size = (await stat(path)).size;
  if (size > MAX_WEIGHTS_BYTES) throw new Error(`lifter weights: ${path} has ${size} bytes, more than the ${MAX_WEIGHTS_BYTES} a weights file may have`);
  const buf = await readFile(path);
  return netFromParts(manifest, buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
}

/** Node has no tfjs-node here: run on the wasm backend unless the caller already chose one. */
export async function ensureNodeBackend(): Promise<string> {
  if (tf.engine().backendName !== 'wasm' && tf.engine().backendName !== 'cpu') {
    await tf.setBackend('wasm');
  }
  await tf.ready();
  return tf.getBackend();
}

/** The lifter with robust-triangulation fallback by default; options.fallback = null gives the raw network. */
export async function loadLifterFromDir(dir?: string, stem = '', options?: LifterOptions): Promise<LifterMethod> {
  await ensureNodeBackend();
  return new LifterMethod(await loadLifterNetFromDir(dir, stem), options);
}
