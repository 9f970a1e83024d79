/**
 * Calibration files: the app's own JSON (versioned, zod-validated), Pose2Sim/anipose TOML, and the Qualisys .qca
 * XML that Pose2Sim's demo ships. Every reader is a pure function on text that either returns cameras or throws an
 * Error naming the file, the camera and the field that is wrong (the one camera check, geometry/camera-check.ts); callers keep the calibration in use until a read succeeds.
 */
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { z } from 'zod';
import { cameraToJSON, makeCamera, type Camera } from '../geometry/camera';
import { assertCameras } from '../geometry/camera-check';
import { stripBom } from '../util/text';
import { matrixToRodrigues, rodriguesToMatrix } from '../geometry/rotation';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const row3 = z.array(finite).length(3);
const mat3 = z.array(row3).length(3);

const cameraSchema = z.object({
  name: z.string().min(1),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  K: mat3,
  dist: z.array(finite).min(0).max(5),
  R: mat3,
  t: z.array(finite).length(3),
});

export const calibrationFileSchema = z.object({
  format: z.literal('parallax-calibration'),
  version: z.literal(1),
  created: z.string(),
  board: z.object({ cols: z.number().int().min(2), rows: z.number().int().min(2), squareMm: z.number().positive() }).optional(),
  /** Per-camera RMS and the metric check, for the user's information. */
  quality: z.object({ perCameraRms: z.array(finite).optional(), rms: finite.optional(), squareErrorPercent: finite.optional() }).optional(),
  cameras: z.array(cameraSchema).min(1),
});

export type CalibrationFile = z.infer<typeof calibrationFileSchema>;

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/** The app's calibration JSON of cameras that pass the camera check (a writer never writes a camera no reader takes). */
export function calibrationToJSON(cameras: readonly Camera[], extra: Partial<Pick<CalibrationFile, 'board' | 'quality'>> = {}): CalibrationFile {
  assertCameras(cameras, 'calibration to write');
  return { format: 'parallax-calibration', version: 1, created: new Date().toISOString(), ...extra, cameras: cameras.map((c) => cameraToJSON(c)) };
}

/** The app's calibration JSON; `source` (a file name) starts every error. */
export function parseCalibrationJSON(text: string, source = 'calibration'): { cameras: Camera[]; file: CalibrationFile } {
  let raw: unknown;
  try {
    raw = JSON.parse(stripBom(text));
  } catch (e) {
    throw new Error(`${source}: not JSON: ${(e as Error).message}`);
  }
  const r = calibrationFileSchema.safeParse(raw);
  if (!r.success) throw new Error(`${source}: ${describe(r.error)}`);
  const cameras = assertCameras(r.data.cameras.map((c) => makeCamera(c)), source);
  return { cameras, file: r.data };
}

const tomlCameraSchema = z.object({
  name: z.string().optional(),
  size: z.array(finite).length(2),
  matrix: mat3,
  distortions: z.array(finite).min(4).max(5),
  rotation: row3,
  translation: row3,
  fisheye: z.boolean().optional(),
});

/** Pose2Sim / anipose TOML: one table per camera (size = [width, height], Rodrigues rotation, metres). */
export function parseCalibrationToml(text: string, source = 'calibration'): Camera[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(stripBom(text)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${source}: not TOML: ${(e as Error).message}`);
  }
  const cameras: Camera[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'metadata') continue;
    const r = tomlCameraSchema.safeParse(value);
    if (!r.success) throw new Error(`${source}: [${key}] ${describe(r.error)}`);
    const c = r.data;
    if (c.fisheye) throw new Error(`${source}: [${key}] fisheye: fisheye cameras are not supported`);
    const [rx, ry, rz] = c.rotation;
    cameras.push(
      makeCamera({
        name: c.name ?? key, width: c.size[0], height: c.size[1], K: c.matrix,
        dist: c.distortions, R: rodriguesToMatrix(rx, ry, rz), t: c.translation,
      }),
    );
  }
  if (cameras.length === 0) throw new Error(`${source}: TOML has no camera tables`);
  return assertCameras(cameras, source);
}

export function calibrationToToml(cameras: readonly Camera[]): string {
  assertCameras(cameras, 'calibration to write');
  const doc: Record<string, unknown> = {};
  for (const c of cameras) {
    const j = cameraToJSON(c);
    doc[c.name] = {
      name: c.name,
      size: [c.width, c.height],
      matrix: j.K,
      distortions: Array.from(c.dist.subarray(0, 4)),
      rotation: Array.from(matrixToRodrigues(c.R)),
      translation: Array.from(c.t),
      fisheye: false,
    };
  }
  doc.metadata = { adjusted: false, error: 0 };
  return stringifyToml(doc);
}

/**
 * Qualisys .qca XML (Pose2Sim's demo reference). Units: focal and principal point in 1/64 pixel; the transform holds
 * the camera's axes and position (millimetres) in the world; distortion values are used as they are (not divided
 * by 64: PROVENANCE.md notes Pose2Sim's own conversion divided them too, which is probably wrong).
 */
export function parseQca(text: string, source = 'calibration'): Camera[] {
  const cams: Camera[] = [];
  const camRe = /<camera\b([^>]*)>([\s\S]*?)<\/camera>/g;
  const attrs = (s: string) => {
    const out: Record<string, string> = {};
    for (const m of s.matchAll(/(\w[\w-]*)="([^"]*)"/g)) out[m[1]] = m[2];
    return out;
  };
  text = stripBom(text);
  for (const m of text.matchAll(camRe)) {
    const head = attrs(m[1]);
    const tr = /<transform\b([^>]*)\/>/.exec(m[2]);
    const intr = /<intrinsic\b([^>]*)\/>/.exec(m[2]);
    const fov = /<fov_video\b([^>]*)\/>/.exec(m[2]);
    const name = head.serial ?? `camera${cams.length + 1}`;
    if (!tr || !intr || !fov) throw new Error(`${source}: qca camera ${name}: missing transform, intrinsic or fov_video`);
    const T = attrs(tr[1]), I = attrs(intr[1]), F = attrs(fov[1]);
    const num = (o: Record<string, string>, k: string) => {
      const v = Number(o[k]);
      if (!(k in o) || o[k].trim() === '' || !Number.isFinite(v)) throw new Error(`${source}: qca camera ${name}: ${k} is not a number`);
      return v;
    };
    const Q = ['r11', 'r12', 'r13', 'r21', 'r22', 'r23', 'r31', 'r32', 'r33'].map((k) => num(T, k));
    const C = ['x', 'y', 'z'].map((k) => num(T, k) / 1000);
    // Rows of Q are the camera's axes in the world with y and z pointing up and backwards; OpenCV's camera has
    // them down and forwards, hence R = diag(1, −1, −1) Q and t = −R C.
    const R = [Q[0], Q[1], Q[2], -Q[3], -Q[4], -Q[5], -Q[6], -Q[7], -Q[8]];
    const t = [0, 1, 2].map((i) => -(R[i * 3] * C[0] + R[i * 3 + 1] * C[1] + R[i * 3 + 2] * C[2]));
    const width = num(F, 'right') - num(F, 'left') + 1, height = num(F, 'bottom') - num(F, 'top') + 1;
    cams.push(
      makeCamera({
        name, width, height,
        K: [num(I, 'focalLengthU') / 64, 0, num(I, 'centerPointU') / 64, 0, num(I, 'focalLengthV') / 64, num(I, 'centerPointV') / 64, 0, 0, 1],
        dist: [num(I, 'radialDistortion1'), num(I, 'radialDistortion2'), num(I, 'tangentalDistortion1'), num(I, 'tangentalDistortion2'), num(I, 'radialDistortion3')],
        R, t,
      }),
    );
  }
  if (cams.length === 0) throw new Error(`${source}: qca: no <camera> elements`);
  // A truncated file would otherwise lose its last cameras without a word.
  const opened = (text.match(/<camera\b/g) ?? []).length;
  if (opened !== cams.length) throw new Error(`${source}: qca: ${opened} <camera> elements, only ${cams.length} complete: the file is truncated`);
  if (!/<\/cameras>/.test(text)) throw new Error(`${source}: qca: no closing </cameras>: the file is truncated`);
  return assertCameras(cams, source);
}

/** Reads any supported calibration text, choosing the format from the file name or the content. */
export function parseCalibrationText(name: string, text: string): Camera[] {
  const lower = name.toLowerCase();
  text = stripBom(text);
  if (lower.endsWith('.json') || text.trimStart().startsWith('{')) return parseCalibrationJSON(text, name).cameras;
  if (lower.endsWith('.qca') || lower.endsWith('.qca.txt') || text.trimStart().startsWith('<')) return parseQca(text, name);
  return parseCalibrationToml(text, name);
}
