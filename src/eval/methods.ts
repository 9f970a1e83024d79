/**
 * The 3D methods the app has, by id. `npm run eval` runs them all by default; the app's pipeline uses the same
 * objects.
 */
import type { FusionMethod } from '../fusion/types';
import { TriangulationMethod } from '../triangulation/methods';

export const ALL_METHOD_IDS = ['dlt', 'robust'] as const;
/** Every method --methods accepts; the lifter needs public/models/lifter (training/train.py --export). */
export const KNOWN_METHOD_IDS = [...ALL_METHOD_IDS, 'lifter'] as const;

export async function createMethods(ids: readonly string[] = ALL_METHOD_IDS): Promise<FusionMethod[]> {
  const out: FusionMethod[] = [];
  for (const id of ids) {
    switch (id) {
      case 'dlt':
      case 'robust':
        out.push(new TriangulationMethod(id));
        break;
      case 'lifter': {
        // Node-only loader (reads public/models/lifter from disk); imported lazily so the core stays fs-free.
        const { loadLifterFromDir } = await import('../lifter/load-node');
        out.push(await loadLifterFromDir());
        break;
      }
      default:
        throw new Error(`unknown method "${id}" (known: ${KNOWN_METHOD_IDS.join(', ')})`);
    }
  }
  return out;
}
