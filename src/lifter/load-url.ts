/**
 * Fetches a network over HTTP (the browser: models/<name>/ under the app's base URL) as its manifest and weight
 * bytes, unparsed: the fusion worker builds it once per tfjs backend it measures (src/fusion/lifter-host.ts), then
 * once on the backend it chose.
 */
import { weightsFileName } from './manifest';

export async function fetchNetParts(url: string): Promise<{ manifest: unknown; weights: ArrayBuffer }> {
  const base = url.endsWith('/') ? url : `${url}/`;
  const res = await fetch(`${base}manifest.json`);
  if (!res.ok) throw new Error(`lifter: ${base}manifest.json: HTTP ${res.status}`);
  const manifest: unknown = await res.json();
  const name = weightsFileName(manifest);
  const w = await fetch(`${base}${name}`);
  if (!w.ok) throw new Error(`lifter: ${base}${name}: HTTP ${w.status}`);
  return { manifest, weights: await w.arrayBuffer() };
}
