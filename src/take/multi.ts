/**
 * The take file, version 2: several people (docs/formats.md, "version 2"). Same header as version 1 (cameras,
 * fps, layout, meta: the v1 pieces are reused), but each view holds every person detected in it, the truth may
 * hold several people with ids, and a synthetic take may say which true person each detection shows.
 * `parseMultiTake` reads both versions: a v1 take becomes a multi-person take with at most one detection per view
 * and its truth as person 0, so everything downstream has one shape (the app's one take type). `serializeMultiTake`
 * writes a take back in its version: a single-person take stays version 1, byte for byte as `serializeTake`.
 */
import { z } from 'zod';
import { cameraToJSON, makeCamera, type Camera } from '../geometry/camera';
import { assertCameras } from '../geometry/camera-check';
import { COCO17_NAMES, NUM_JOINTS } from '../keypoints/coco17';
import { LAYOUTS, toCoco17 } from '../keypoints/layouts';
import { cameraSchema } from './schema';
import { LIMITS } from './limits';
import { issueError, parseTake, TakeError, takeToJSON, takeValue, type Take } from './take';

export interface PersonTruth {
  /** The person's id, stable over the take. */
  id: number;
  joints: Float64Array;
  valid: Uint8Array;
}

export interface MultiTakeFrame {
  time: number;
  /** Per camera: every detection in that view (COCO-17, raw pixels); null = no frame from that camera. */
  views: (Float32Array[] | null)[];
  /** Per camera, per detection: the true person id it shows, −1 a false detection (synthetic takes); or null. */
  labels: (number[] | null)[] | null;
  gt: PersonTruth[] | null;
  extra: Record<string, unknown>;
}

export interface MultiTake {
  /**
   * The version it is written as: 1 for a single-person take (read from a version 1 file, or recorded from a
   * single-person source: exactly the file version 1 always was), 2 for several people.
   */
  version: 1 | 2;
  fps: number;
  sourceLayout: string;
  cameras: Camera[];
  frames: MultiTakeFrame[];
  meta: Record<string, unknown>;
  extra: Record<string, unknown>;
}

const finite = z.number().finite();
// The bounds of version 1 (limits.ts): finite is not enough.
const pixel = finite.min(-LIMITS.maxPixel).max(LIMITS.maxPixel);
const metres = finite.min(-LIMITS.maxMetres).max(LIMITS.maxMetres);
const point2d = z.tuple([pixel, pixel, finite.min(0).max(1)]);

const headerV2 = z
  .object({
    format: z.literal('multiview-take'),
    version: z.literal(2),
    fps: finite.min(LIMITS.minFps).max(LIMITS.maxFps),
    keypoints2d: z.enum(Object.keys(LAYOUTS) as [string, ...string[]]),
    cameras: z.array(cameraSchema).min(1).max(64),
    frames: z.array(z.unknown()),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

function frameV2(nPoints: number, nCams: number) {
  const perCam = <T extends z.ZodTypeAny>(t: T) => z.array(t.nullable()).length(nCams, { message: `must have one entry per camera (${nCams})` });
  return z
    .object({
      time: finite.min(-LIMITS.maxSeconds).max(LIMITS.maxSeconds),
      views: perCam(z.array(z.array(point2d).length(nPoints))),
      labels: perCam(z.array(z.number().int().min(-1))).nullable().optional(),
      gt: z.array(z.object({ id: z.number().int().min(0), joints: z.record(z.string(), z.tuple([metres, metres, metres])) }).passthrough()).nullable().optional(),
    })
    .passthrough();
}

const FRAME_KEYS = new Set(['time', 'views', 'labels', 'gt']);
const HEADER_KEYS = new Set(['format', 'version', 'fps', 'keypoints2d', 'cameras', 'frames', 'meta']);

/** A v1 take in the multi-person shape: one detection per view at most, its truth as person 0. */
export function fromSingleTake(take: Take): MultiTake {
  return {
    version: 1,
    fps: take.fps,
    sourceLayout: take.sourceLayout,
    cameras: take.cameras,
    frames: take.frames.map((f) => ({
      time: f.time,
      views: f.views.map((v) => (v ? [v] : [])),
      labels: null,
      gt: f.gt ? [{ id: 0, joints: f.gt.joints, valid: f.gt.valid }] : null,
      extra: f.extra,
    })),
    meta: take.meta,
    extra: take.extra,
  };
}

/** Parses a take of version 1 or 2 (JSON text or a parsed value). Throws TakeError naming the field and frame. */
export function parseMultiTake(input: string | unknown): MultiTake {
  const raw = takeValue(input);
  if (typeof raw === 'object' && raw !== null && (raw as { version?: unknown }).version === 1) return fromSingleTake(parseTake(raw));
  const header = headerV2.safeParse(raw);
  if (!header.success) {
    const issue = header.error.issues[0];
    throw issueError(issue, [], issue.path[0] === 'frames' && typeof issue.path[1] === 'number' ? issue.path[1] : null);
  }
  const h = header.data;
  const names = new Set<string>();
  h.cameras.forEach((c, i) => {
    if (names.has(c.name)) throw new TakeError(`Invalid take file — cameras[${i}].name: duplicate camera name "${c.name}"`, `cameras[${i}].name`, null);
    names.add(c.name);
  });
  const layout = LAYOUTS[h.keypoints2d];
  const nPoints = layout.names.length;
  const cameras = h.cameras.map((c) => makeCamera(c));
  const schema = frameV2(nPoints, cameras.length);
  const flat = new Float32Array(nPoints * 3);
  let lastTime = -Infinity;
  const frames = h.frames.map((rawFrame, i): MultiTakeFrame => {
    const parsed = schema.safeParse(rawFrame);
    if (!parsed.success) throw issueError(parsed.error.issues[0], ['frames', i], i);
    const f = parsed.data;
    const at = (p: string) => new TakeError(`Invalid take file — frame ${i}: frames[${i}].${p}`, `frames[${i}].${p.split(':')[0]}`, i);
    if (f.time < lastTime) throw at(`time: ${f.time} is earlier than the previous frame's ${lastTime}`);
    lastTime = f.time;
    const views = f.views.map((people) =>
      people === null
        ? null
        : people.map((pts) => {
            pts.forEach((p, k) => flat.set(p, 3 * k));
            return toCoco17(layout, flat, 3);
          }),
    );
    const labels = f.labels ?? null;
    labels?.forEach((l, c) => {
      if ((l === null) !== (views[c] === null) || (l && l.length !== views[c]!.length)) {
        throw at(`labels[${c}]: must have one label per detection of views[${c}] (${views[c]?.length ?? 'null'})`);
      }
    });
    const ids = new Set<number>();
    const gt = f.gt
      ? f.gt.map((p, k) => {
          if (ids.has(p.id)) throw at(`gt[${k}].id: duplicate person id ${p.id}`);
          ids.add(p.id);
          const joints = new Float64Array(NUM_JOINTS * 3), valid = new Uint8Array(NUM_JOINTS);
          // The raw object's own keys: zod drops a "__proto__" key without a word, so it is refused here by name.
          const rawJoints = (rawFrame as { gt: { joints: Record<string, unknown> }[] }).gt[k].joints;
          for (const name of Object.keys(rawJoints)) {
            const j = (COCO17_NAMES as readonly string[]).indexOf(name);
            if (j < 0) throw at(`gt[${k}].joints.${name}: unknown joint name (expected COCO-17 names)`);
            joints.set(p.joints[name], 3 * j);
            valid[j] = 1;
          }
          return { id: p.id, joints, valid };
        })
      : null;
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(f)) if (!FRAME_KEYS.has(k)) extra[k] = v;
    return { time: f.time, views, labels, gt, extra };
  });
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h)) if (!HEADER_KEYS.has(k)) extra[k] = v;
  return { version: 2, fps: h.fps, sourceLayout: h.keypoints2d, cameras, frames, meta: h.meta ?? {}, extra };
}

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

/**
 * The take as a version 1 take, for one that fits it: at most one detection per view and no truth but person 0.
 * Exact: what fromSingleTake made of a version 1 take comes back as it was.
 */
export function toSingleTake(take: MultiTake): Take {
  return {
    fps: take.fps,
    sourceLayout: take.sourceLayout,
    cameras: take.cameras,
    frames: take.frames.map((f, i) => {
      const c = f.views.findIndex((v) => v !== null && v.length > 1);
      if (c >= 0) throw new TakeError(`A take of several people cannot be written as version 1 — frame ${i}: frames[${i}].views[${c}] holds ${f.views[c]!.length} detections`, `frames[${i}].views[${c}]`, i);
      if (f.gt && (f.gt.length > 1 || (f.gt.length === 1 && f.gt[0].id !== 0))) {
        throw new TakeError(`A take of several people cannot be written as version 1 — frame ${i}: frames[${i}].gt holds person ids ${f.gt.map((p) => p.id).join(', ')}`, `frames[${i}].gt`, i);
      }
      const gt = f.gt?.[0];
      return { time: f.time, views: f.views.map((v) => v?.[0] ?? null), gt: gt ? { joints: gt.joints, valid: gt.valid } : null, extra: f.extra };
    }),
    meta: take.meta,
    extra: take.extra,
  };
}

/**
 * The JSON value of a take in its version: version 1 exactly as `takeToJSON` writes it (pixels to 1/1000 and metres
 * to 1/10 mm unless given), version 2 with every person (pixels to 1/100, metres to 1/10 mm unless given). COCO-17.
 */
export function multiTakeToJSON(take: MultiTake, pixelDecimals?: number, metreDecimals?: number) {
  if (take.version === 1) return takeToJSON(toSingleTake(take), { pixelDecimals, metreDecimals });
  return multiTakeToJSONv2(take, pixelDecimals ?? 2, metreDecimals ?? 4);
}

function multiTakeToJSONv2(take: MultiTake, pixelDecimals: number, metreDecimals: number) {
  const kp = (v: Float32Array) => Array.from({ length: NUM_JOINTS }, (_, j) => [round(v[3 * j], pixelDecimals), round(v[3 * j + 1], pixelDecimals), round(v[3 * j + 2], 3)]);
  assertCameras(take.cameras, 'take to write'); // as version 1: a take no reader would take is never written
  return {
    format: 'multiview-take' as const,
    version: 2 as const,
    fps: take.fps,
    keypoints2d: 'coco17' as const,
    cameras: take.cameras.map(cameraToJSON),
    frames: take.frames.map((f) => {
      const out: Record<string, unknown> = { time: round(f.time, 6), views: f.views.map((people) => (people ? people.map(kp) : null)) };
      if (f.labels) out.labels = f.labels;
      out.gt = f.gt
        ? f.gt.map((p) => {
            const joints: Record<string, number[]> = {};
            for (let j = 0; j < NUM_JOINTS; j++) if (p.valid[j]) joints[COCO17_NAMES[j]] = [0, 1, 2].map((a) => round(p.joints[3 * j + a], metreDecimals));
            return { id: p.id, joints };
          })
        : null;
      return Object.assign(out, f.extra);
    }),
    meta: take.meta,
    ...take.extra,
  };
}

export function serializeMultiTake(take: MultiTake, pixelDecimals?: number, metreDecimals?: number): string {
  return JSON.stringify(multiTakeToJSON(take, pixelDecimals, metreDecimals));
}

/**
 * One detection per view for tools that follow one person (synchronisation, refining the calibration from the
 * person): a view's only detection, or null where it has none or several (which one is the person is unknown).
 */
export function singlePersonViews(f: MultiTakeFrame): (Float32Array | null)[] {
  return f.views.map((people) => (people && people.length === 1 ? people[0] : null));
}
