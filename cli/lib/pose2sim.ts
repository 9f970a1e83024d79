/**
 * Reads Pose2Sim's calibration TOML (sections of name/size/matrix/distortions/rotation/translation; rotation a
 * Rodrigues vector, OpenCV world→camera extrinsics). Only the subset that file uses: key = JSON-like value.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { makeCamera, type Camera } from '../../src/geometry/camera';
import { assertCameras } from '../../src/geometry/camera-check';
import { rodriguesToMatrix } from '../../src/geometry/rotation';

const camSchema = z.object({
  name: z.string(),
  size: z.array(z.number()).length(2),
  matrix: z.array(z.array(z.number()).length(3)).length(3),
  distortions: z.array(z.number()).min(4).max(5),
  rotation: z.array(z.number()).length(3),
  translation: z.array(z.number()).length(3),
});

/**
 * `distScale` multiplies the distortion coefficients: the shared Calib_qualisys.toml divided them by 64 by
 * mistake (its Calib.qca.txt says k1 ≈ −0.046, the TOML −0.00072), so 64 restores the reference values.
 */
export function loadPose2SimToml(path: string, distScale = 64): Camera[] {
  const sections = new Map<string, Record<string, unknown>>();
  let cur: Record<string, unknown> | null = null;
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      cur = {};
      sections.set(sec[1], cur);
      continue;
    }
    const kv = /^([A-Za-z_0-9]+)\s*=\s*(.+)$/.exec(line);
    if (!kv || !cur) continue;
    const v = kv[2].trim();
    cur[kv[1]] = v === 'true' || v === 'false' ? v === 'true' : JSON.parse(v);
  }
  const cams: Camera[] = [];
  for (const [key, sec] of sections) {
    if (key === 'metadata') continue;
    const r = camSchema.safeParse(sec);
    if (!r.success) throw new Error(`${path} [${key}]: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const c = r.data;
    const d = c.distortions.map((x) => x * distScale);
    cams.push(
      makeCamera({
        name: c.name,
        width: c.size[0],
        height: c.size[1],
        K: c.matrix,
        dist: [d[0], d[1], d[2], d[3], d[4] ?? 0],
        R: rodriguesToMatrix(c.rotation[0], c.rotation[1], c.rotation[2]),
        t: c.translation,
      }),
    );
  }
  return assertCameras(cams, path);
}
