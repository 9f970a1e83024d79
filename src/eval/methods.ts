/**
 * The registry's methods made in Node (CLIs, tests): networks are read from public/models/<name>/ on disk.
 * `npm run eval` runs the registry's default list; the app's pipeline makes the same methods from the same registry.
 */
import type { FusionMethod } from '../fusion/types';
import { createMethods as createFromRegistry, DEFAULT_METHOD_IDS, METHOD_IDS, type CreateOptions, type MethodEnv } from '../fusion/registry';

export const ALL_METHOD_IDS = DEFAULT_METHOD_IDS;
export const KNOWN_METHOD_IDS = METHOD_IDS;

/** Node-only loader, imported lazily so the core stays fs-free. */
export const nodeMethodEnv: MethodEnv = {
  async loadNet(model) {
    const { ensureNodeBackend, loadLifterNetFromDir, modelDir } = await import('../lifter/load-node');
    await ensureNodeBackend();
    return loadLifterNetFromDir(modelDir(model));
  },
  async loadTemporalNet(model) {
    const [{ modelDir }, { loadTemporalNetFromDir }] = await Promise.all([import('../lifter/load-node'), import('../lifter/temporal-load-node')]);
    return loadTemporalNetFromDir(modelDir(model));
  },
};

export function createMethods(ids: readonly string[] = DEFAULT_METHOD_IDS, opts: CreateOptions = {}): Promise<FusionMethod[]> {
  return createFromRegistry(nodeMethodEnv, ids, opts);
}
