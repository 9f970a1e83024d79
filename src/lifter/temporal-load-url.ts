/**
 * Loads the temporal lifter over HTTP (the browser: models/lifter-temporal/ under the app's base URL), for a caller
 * that has already chosen its tfjs backend (the fusion worker: src/fusion/lifter-host.ts fetches parts the same way).
 */
import { fetchNetParts } from './load-url';
import { temporalNetFromParts } from './temporal-manifest';
import type { TemporalNet } from './temporal-model';

export async function loadTemporalNetFromUrl(url: string): Promise<TemporalNet> {
  const { manifest, weights } = await fetchNetParts(url);
  return temporalNetFromParts(manifest, weights);
}
