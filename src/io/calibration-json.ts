/**
 * Cameras from JSON in the take format's camera form: a bare array of cameras, `{ "cameras": [...] }`, or a
 * whole take file (its cameras are used, its frames ignored). Validated with the take's camera schema.
 */
import { z } from 'zod';
import { makeCamera, type Camera } from '../geometry/camera';
import { cameraSchema } from '../take/schema';

const camerasSchema = z.array(cameraSchema).min(1);

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

/** `source` (a file name) prefixes every error, with the field's JSON path. */
export function camerasFromJSON(value: unknown, source: string): Camera[] {
  const isObj = typeof value === 'object' && value !== null && !Array.isArray(value);
  const list = isObj ? (value as { cameras?: unknown }).cameras : value;
  const prefix = isObj ? ['cameras'] : [];
  if (list === undefined) throw new Error(`${source}: expected an array of cameras or an object with "cameras"`);
  const r = camerasSchema.safeParse(list);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`${source}: ${fieldPath([...prefix, ...issue.path])}: ${issue.message}`);
  }
  const seen = new Set<string>();
  r.data.forEach((c, i) => {
    if (seen.has(c.name)) throw new Error(`${source}: ${fieldPath([...prefix, i, 'name'])}: duplicate camera name "${c.name}"`);
    seen.add(c.name);
  });
  return r.data.map((c) => makeCamera(c));
}
