/**
 * Reading and writing take files (format "multiview-take", version 1; see docs/formats.md and schema.ts).
 * In memory a take holds typed arrays: one Float32Array(51) of COCO-17 [x, y, score] per view and frame.
 */
import { z } from 'zod';
import { makeCamera, cameraToJSON, type Camera } from '../geometry/camera';
import { assertCameras } from '../geometry/camera-check';
import { COCO17_NAMES, NUM_JOINTS } from '../keypoints/coco17';
import { LAYOUTS, toCoco17 } from '../keypoints/layouts';
import type { ViewKeypoints } from '../fusion/types';
import { frameSchema, headerSchema } from './schema';
import { LIMITS, within } from './limits';
import { stripBom } from '../util/text';

export interface GroundTruth {
  /** x, y, z × 17 in world metres; 0 where valid is 0. */
  joints: Float64Array;
  valid: Uint8Array;
}

export interface TakeFrame {
  time: number;
  /** One entry per camera: COCO-17 [x, y, score] × 17 in raw pixels, or null (no detection). */
  views: (ViewKeypoints | null)[];
  gt: GroundTruth | null;
  /** Fields of the frame beyond version 1 (e.g. recorded 3D results), kept as read. */
  extra: Record<string, unknown>;
}

export interface Take {
  fps: number;
  /** The layout the file's 2D came in; in memory views are always COCO-17. */
  sourceLayout: string;
  cameras: Camera[];
  frames: TakeFrame[];
  meta: Record<string, unknown>;
  /** Top-level fields beyond version 1, kept as read. */
  extra: Record<string, unknown>;
}

/** A take file that failed validation: names the field (a JSON path) and the frame when there is one. */
export class TakeError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly frame: number | null,
  ) {
    super(message);
    this.name = 'TakeError';
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

/** A zod issue as a TakeError naming the field (prefix + the issue's path) and the frame. */
export function issueError(issue: z.core.$ZodIssue, prefix: ReadonlyArray<PropertyKey>, frame: number | null): TakeError {
  const path = formatPath([...prefix, ...issue.path]);
  const where = frame === null ? path : `frame ${frame}: ${path}`;
  return new TakeError(`Invalid take file — ${where}: ${issue.message}`, path, frame);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** True only for views the frame schema accepts: nCams entries, each null or nPoints [x, y, score∈[0,1]] within bounds. */
export function viewsLookValid(views: unknown, nPoints: number, nCams: number): boolean {
  if (!Array.isArray(views) || views.length !== nCams) return false;
  for (const v of views) {
    if (v === null) continue;
    if (!Array.isArray(v) || v.length !== nPoints) return false;
    for (const p of v) {
      if (!Array.isArray(p) || p.length !== 3) return false;
      const s = p[2];
      if (!within(p[0], LIMITS.maxPixel) || !within(p[1], LIMITS.maxPixel) || !isFiniteNumber(s) || s < 0 || s > 1) return false;
    }
  }
  return true;
}

const HEADER_KEYS = new Set(['format', 'version', 'fps', 'keypoints2d', 'cameras', 'frames', 'meta']);
const FRAME_KEYS = new Set(['time', 'views', 'gt']);

/** A take's JSON value: text is parsed (a byte-order mark ignored), a value is taken as it is. */
export function takeValue(input: string | unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(stripBom(input));
  } catch (e) {
    throw new TakeError(`Invalid take file — not JSON: ${(e as Error).message}`, '(root)', null);
  }
}

/**
 * Parses and validates a take (JSON text or an already-parsed value). Throws TakeError naming the field and
 * frame; never returns NaN anywhere.
 */
export function parseTake(input: string | unknown): Take {
  const raw = takeValue(input);
  const header = headerSchema.safeParse(raw);
  if (!header.success) {
    const issue = header.error.issues[0];
    const frame = issue.path[0] === 'frames' && typeof issue.path[1] === 'number' ? issue.path[1] : null;
    throw issueError(issue, [], frame);
  }
  const h = header.data;
  const layout = LAYOUTS[h.keypoints2d];
  const nPoints = layout.names.length;
  const cameras = h.cameras.map((c) => makeCamera(c));
  const fSchema = frameSchema(nPoints, cameras.length);
  const lightSchema = frameSchema(nPoints, cameras.length).omit({ views: true }).passthrough();
  const frames: TakeFrame[] = new Array(h.frames.length);
  const flat = new Float32Array(nPoints * 3);
  let lastTime = -Infinity;
  for (let i = 0; i < h.frames.length; i++) {
    const rawFrame = h.frames[i] as { views?: unknown } | null;
    // The zod schema defines validity and words every error. For speed, views that pass a check accepting
    // exactly what the schema accepts skip zod (pinned by a test); anything else goes through the full schema.
    const fast = typeof rawFrame === 'object' && rawFrame !== null && viewsLookValid(rawFrame.views, nPoints, cameras.length);
    const parsed = fast ? lightSchema.safeParse(rawFrame) : fSchema.safeParse(rawFrame);
    if (!parsed.success) throw issueError(parsed.error.issues[0], ['frames', i], i);
    const f = { ...parsed.data, views: (rawFrame as { views: (number[][] | null)[] }).views } as z.infer<typeof fSchema>;
    if (f.time < lastTime) {
      throw new TakeError(`Invalid take file — frame ${i}: frames[${i}].time: ${f.time} is earlier than the previous frame's ${lastTime}`, `frames[${i}].time`, i);
    }
    lastTime = f.time;
    const views = f.views.map((v) => {
      if (v === null) return null;
      for (let p = 0; p < nPoints; p++) {
        flat[3 * p] = v[p][0];
        flat[3 * p + 1] = v[p][1];
        flat[3 * p + 2] = v[p][2];
      }
      return toCoco17(layout, flat, 3);
    });
    let gt: GroundTruth | null = null;
    if (f.gt) {
      gt = { joints: new Float64Array(NUM_JOINTS * 3), valid: new Uint8Array(NUM_JOINTS) };
      // The raw object's own keys: zod drops a "__proto__" key without a word, so it is refused here by name.
      const rawGt = (rawFrame as { gt: Record<string, unknown> }).gt;
      for (const name of Object.keys(rawGt)) {
        const xyz = f.gt[name] ?? [];
        const j = (COCO17_NAMES as readonly string[]).indexOf(name);
        if (j < 0) {
          throw new TakeError(`Invalid take file — frame ${i}: frames[${i}].gt.${name}: unknown joint name (expected COCO-17 names)`, `frames[${i}].gt.${name}`, i);
        }
        gt.joints.set(xyz, 3 * j);
        gt.valid[j] = 1;
      }
    }
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(f)) if (!FRAME_KEYS.has(k)) extra[k] = v;
    frames[i] = { time: f.time, views, gt, extra };
  }
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h)) if (!HEADER_KEYS.has(k)) extra[k] = v;
  return { fps: h.fps, sourceLayout: h.keypoints2d, cameras, frames, meta: h.meta ?? {}, extra };
}

/** Rounds to a fixed number of decimals for compact files (pixels to 1/1000, metres to 1/10 mm by default). */
function round(v: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}

export interface SerializeOptions {
  pixelDecimals?: number;
  metreDecimals?: number;
}

/** The JSON value of a take (COCO-17 layout), ready for JSON.stringify. Extension fields are written back. */
export function takeToJSON(take: Take, opts: SerializeOptions = {}) {
  const pd = opts.pixelDecimals ?? 3, md = opts.metreDecimals ?? 5;
  assertCameras(take.cameras, 'take to write'); // a take no reader would take is never written
  return {
    format: 'multiview-take' as const,
    version: 1 as const,
    fps: take.fps,
    keypoints2d: 'coco17' as const,
    cameras: take.cameras.map(cameraToJSON),
    frames: take.frames.map((f) => {
      const out: Record<string, unknown> = {
        time: round(f.time, 6),
        views: f.views.map((v) =>
          v === null
            ? null
            : Array.from({ length: NUM_JOINTS }, (_, j) => [round(v[3 * j], pd), round(v[3 * j + 1], pd), round(v[3 * j + 2], 4)]),
        ),
      };
      if (f.gt) {
        const gt: Record<string, number[]> = {};
        for (let j = 0; j < NUM_JOINTS; j++) {
          if (f.gt.valid[j]) gt[COCO17_NAMES[j]] = [round(f.gt.joints[3 * j], md), round(f.gt.joints[3 * j + 1], md), round(f.gt.joints[3 * j + 2], md)];
        }
        out.gt = gt;
      } else {
        out.gt = null;
      }
      return Object.assign(out, f.extra);
    }),
    meta: take.meta,
    ...take.extra,
  };
}

export function serializeTake(take: Take, opts?: SerializeOptions): string {
  return JSON.stringify(takeToJSON(take, opts));
}
