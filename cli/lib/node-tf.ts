/**
 * tfjs in Node for the CLIs: the wasm backend (tfjs-node cannot be installed here) and an IOHandler that reads
 * graph models from public/models on disk, so the CLIs run the same detector code as the app's worker.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { io } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelResolver } from '../../src/detection/detector';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MODELS_DIR = join(REPO_ROOT, 'public', 'models');

export function fileModel(path: string): io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(readFileSync(path, 'utf8'));
      const dir = dirname(path);
      const specs: io.WeightsManifestEntry[] = [];
      const buffers: Buffer[] = [];
      for (const group of json.weightsManifest as io.WeightsManifestConfig) {
        specs.push(...group.weights);
        for (const p of group.paths) buffers.push(readFileSync(join(dir, p)));
      }
      const all = Buffer.concat(buffers);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
        weightSpecs: specs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      };
    },
  };
}

export const diskResolver: ModelResolver = (rel) => fileModel(join(MODELS_DIR, rel));

/** wasm backend, single thread (the machines running this have 2 shared cores). */
export async function initNodeWasm(): Promise<string> {
  await tf.setBackend('wasm');
  await tf.ready();
  return tf.getBackend();
}
