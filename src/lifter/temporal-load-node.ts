/** Loads the temporal lifter from disk in Node (CLIs, tests), as load-node.ts does the single-frame one. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureNodeBackend, modelDir } from './load-node';
import { TemporalLifterMethod, type TemporalOptions } from './temporal';
import { temporalNetFromParts } from './temporal-manifest';
import type { TemporalNet } from './temporal-model';

/** dir holds {stem}manifest.json and the weights file it names. */
export async function loadTemporalNetFromDir(dir: string = modelDir('lifter-temporal'), stem = ''): Promise<TemporalNet> {
  await ensureNodeBackend();
  const manifestPath = join(dir, `${stem}manifest.json`);
  let manifest: { weights?: unknown };
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (e) {
    throw new Error(`temporal lifter: cannot read ${manifestPath}: ${e instanceof Error ? e.message : e}`);
  }
  const name = typeof manifest.weights === 'string' ? manifest.weights : `${stem}weights.bin`;
  const buf = await readFile(join(dir, name));
  return temporalNetFromParts(manifest, buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
}

export async function loadTemporalFromDir(options?: TemporalOptions, dir?: string): Promise<TemporalLifterMethod> {
  return new TemporalLifterMethod(await loadTemporalNetFromDir(dir), options);
}
