/**
 * The 3D methods the app has, by id. `npm run eval` runs the default list (dlt, robust, lifter); the app's
 * pipeline uses the same objects. 'lifter' is the lifter with its robust-triangulation fallback (what the app
 * shows); 'lifter-raw' is the network alone, for comparison.
 */
import type { FusionMethod } from '../fusion/types';
import { TriangulationMethod } from '../triangulation/methods';

export const ALL_METHOD_IDS = ['dlt', 'robust', 'lifter'] as const;
/** Every method --methods accepts; the lifter ones need public/models/lifter (training/train.py --export). */
export const KNOWN_METHOD_IDS = [...ALL_METHOD_IDS, 'lifter-raw'] as const;
/** Methods that are optional: when they cannot load, the default run names them and goes on without them. */
const OPTIONAL = new Set(['lifter', 'lifter-raw']);

export interface CreateOptions {
  /** Called for an optional method that could not load (default: throw). */
  onUnavailable?: (id: string, reason: string) => void;
}

export async function createMethods(ids: readonly string[] = ALL_METHOD_IDS, opts: CreateOptions = {}): Promise<FusionMethod[]> {
  const out: FusionMethod[] = [];
  for (const id of ids) {
    switch (id) {
      case 'dlt':
      case 'robust':
        out.push(new TriangulationMethod(id));
        break;
      case 'lifter':
      case 'lifter-raw': {
        try {
          // Node-only loader (reads public/models/lifter from disk); imported lazily so the core stays fs-free.
          const { loadLifterFromDir } = await import('../lifter/load-node');
          out.push(await loadLifterFromDir(undefined, '', id === 'lifter-raw' ? { fallback: null } : {}));
        } catch (e) {
          if (!opts.onUnavailable || !OPTIONAL.has(id)) throw e;
          opts.onUnavailable(id, e instanceof Error ? e.message : String(e));
        }
        break;
      }
      default:
        throw new Error(`unknown method "${id}" (known: ${KNOWN_METHOD_IDS.join(', ')})`);
    }
  }
  return out;
}
