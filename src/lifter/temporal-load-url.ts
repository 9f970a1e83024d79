/** Loads the temporal lifter over HTTP (the browser app: models/lifter-temporal/ under Vite's base URL). */
import { fetchModelParts, modelUrl } from './load-url';
import { temporalNetFromParts } from './temporal-manifest';
import type { TemporalNet } from './temporal-model';

export async function loadTemporalNetFromUrl(url: string = modelUrl('lifter-temporal')): Promise<TemporalNet> {
  const { manifest, weights } = await fetchModelParts(url);
  return temporalNetFromParts(manifest, weights);
}
