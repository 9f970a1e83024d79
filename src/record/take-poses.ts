/**
 * The take extension that stores fused 3D results beside the 2D (documented in docs/formats.md, "Take extension:
 * recorded 3D results"). Two shapes, one per take version:
 *   version 1 (one person):  "poses3d": { "<method id>": { "<coco17 joint>": [x, y, z], ... } | null }
 *   version 2 (several):     "poses3d": [ { "id": <tracked person id>, "poses": { "<method id>": {...} | null } } ]
 * and at the top level "poses3d_info": { "methods": { "<id>": "<label>" }, "units": "m" } (with "version": 2 for
 * the per-person shape). Joints without an estimate are left out; a method with no pose that frame is null.
 */
import { z } from 'zod';
import type { Camera } from '../geometry/camera';
import type { FusedFrameSet } from '../fusion/flow';
import { COCO17_NAMES, NUM_JOINTS } from '../keypoints';
import { TakeError } from '../take';
import type { MultiTake, MultiTakeFrame } from '../take/multi';
import { jointsToJSON, type JointsJSON } from '../export/csv';
import type { PoseLike } from '../export/types';

const finite = z.number().finite();
const jointsSchema = z.partialRecord(z.enum(COCO17_NAMES), z.tuple([finite, finite, finite]));
const methodsSchema = z.record(z.string().min(1), jointsSchema.nullable());
const peopleSchema = z.array(z.object({ id: z.number().int().min(0), poses: methodsSchema }).passthrough());
const poses3dSchema = z.union([methodsSchema, peopleSchema]);
const infoSchema = z.object({ methods: z.record(z.string(), z.string()), units: z.literal('m') }).passthrough();

/** One tracked person's recorded poses in a frame (the version 2 shape, also what the recorder builds). */
export interface RecordedPerson {
  id: number;
  poses: Record<string, JointsJSON | null>;
}

/** Person `id`'s entry of a frame's poses3d: every method's pose (`poseOf`), null where the method has none. */
export function recordedPerson(id: number, methods: readonly string[], poseOf: (method: string) => PoseLike | null | undefined): RecordedPerson {
  return { id, poses: Object.fromEntries(methods.map((m) => [m, jointsToJSON(poseOf(m) ?? null)])) };
}

/**
 * One fused frame set as a take frame: the 2D as detected (every person of every view for a multi-person source),
 * the truth of every person with its id, and every tracked person's poses of every method with its stable id.
 */
export function fusedToTakeFrame(f: FusedFrameSet, t0 = 0): MultiTakeFrame {
  const fr = f.frame;
  const views = fr.people
    ? fr.people.map((people) => (people ? people.map((v) => Float32Array.from(v)) : null))
    : fr.views.map((v) => (v ? [Float32Array.from(v)] : []));
  const truths = fr.truths?.length ? fr.truths : fr.gt ? [{ id: 0, ...fr.gt }] : null;
  const people = f.people.map((p) => recordedPerson(p.person, Object.keys(p.poses), (m) => p.poses[m]));
  return {
    time: fr.time - t0,
    views,
    // Which true person each detection shows, where the source knows it (the simulation): a take to score.
    labels: fr.people && fr.labels ? fr.labels.map((l) => (l ? [...l] : null)) : null,
    gt: truths ? truths.map((t) => ({ id: t.id, joints: Float64Array.from(t.joints), valid: Uint8Array.from(t.valid) })) : null,
    extra: { poses3d: people },
  };
}

/**
 * A recorded take. `multi`: the frames came from a multi-person source, so it is a version 2 take; otherwise it is
 * a version 1 take, with each frame's one person's poses in the version 1 shape (exactly what version 1 always held).
 */
export function buildTake(cameras: readonly Camera[], frames: MultiTakeFrame[], fps: number, labels: Record<string, string>, meta: Record<string, unknown> = {}, multi = false): MultiTake {
  return {
    version: multi ? 2 : 1,
    fps,
    sourceLayout: 'coco17',
    cameras: [...cameras],
    frames: multi ? frames : frames.map((f) => ({ ...f, extra: { ...f.extra, poses3d: singlePoses(f.extra.poses3d) } })),
    meta: { recordedBy: 'parallax', ...meta },
    extra: { poses3d_info: multi ? { version: 2, methods: labels, units: 'm' } : { methods: labels, units: 'm' } },
  };
}

function singlePoses(p: unknown): unknown {
  if (!Array.isArray(p)) return p;
  return (p as RecordedPerson[])[0]?.poses ?? {};
}

/** Method ids recorded in a take (from poses3d_info, else from the frames). */
export function takeMethods(take: MultiTake): string[] {
  const info = infoSchema.safeParse(take.extra.poses3d_info);
  if (info.success) return Object.keys(info.data.methods);
  return readTakePoses(take).methods;
}

/** Every tracked person's recorded poses of a take, read and validated once. */
export interface TakePoses {
  /** Method ids found in the frames, in order of appearance. */
  methods: string[];
  /** Ids of the people with a pose of some method in some frame, ascending (a version 1 take: [0]). */
  people: number[];
  /** The person's poses of the method, one per frame (null where it has none; all null for an unknown person). */
  poses(method: string, person: number): (PoseLike | null)[];
}

/** Reads the extension of every frame; throws TakeError naming the frame and path of the first malformed field. */
export function readTakePoses(take: MultiTake): TakePoses {
  const perFrame: Map<number, Record<string, PoseLike | null>>[] = [];
  const methods = new Set<string>(), people = new Set<number>();
  take.frames.forEach((f, i) => {
    const byPerson = new Map<number, Record<string, PoseLike | null>>();
    perFrame.push(byPerson);
    if (f.extra.poses3d === undefined) return;
    const r = poses3dSchema.safeParse(f.extra.poses3d);
    if (!r.success) {
      // The union's error says little: the shape the value has (a list or not) words it.
      const again = (Array.isArray(f.extra.poses3d) ? peopleSchema : methodsSchema).safeParse(f.extra.poses3d);
      const iss = again.success ? r.error.issues[0] : again.error.issues[0];
      const path = `frames[${i}].poses3d${iss.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
      throw new TakeError(`Invalid take file — frame ${i}: ${path}: ${iss.message}`, path, i);
    }
    const list: RecordedPerson[] = Array.isArray(r.data) ? (r.data as RecordedPerson[]) : [{ id: 0, poses: r.data as RecordedPerson['poses'] }];
    for (const [k, p] of list.entries()) {
      if (byPerson.has(p.id)) throw new TakeError(`Invalid take file — frame ${i}: frames[${i}].poses3d[${k}].id: duplicate person id ${p.id}`, `frames[${i}].poses3d[${k}].id`, i);
      const poses: Record<string, PoseLike | null> = {};
      for (const [m, joints] of Object.entries(p.poses)) {
        methods.add(m);
        poses[m] = joints ? fromJSON(joints) : null;
        if (joints) people.add(p.id);
      }
      byPerson.set(p.id, poses);
    }
  });
  return {
    methods: [...methods],
    people: [...people].sort((a, b) => a - b),
    poses: (method, person) => perFrame.map((m) => m.get(person)?.[method] ?? null),
  };
}

function fromJSON(p: Partial<JointsJSON>): PoseLike {
  const joints = new Float64Array(NUM_JOINTS * 3), valid = new Uint8Array(NUM_JOINTS);
  for (const [name, xyz] of Object.entries(p)) {
    const j = (COCO17_NAMES as readonly string[]).indexOf(name);
    joints.set(xyz!, 3 * j);
    valid[j] = 1;
  }
  return { joints, valid };
}

/** A method's recorded poses of one person (default 0: a version 1 take's one person), one per frame. */
export function takePoses(take: MultiTake, method: string, person = 0): (PoseLike | null)[] {
  return readTakePoses(take).poses(method, person);
}

/** The truth of one person of a take as poses (null where a frame has none of that person). */
export function takeTruth(take: MultiTake, person = 0): (PoseLike | null)[] {
  return take.frames.map((f) => f.gt?.find((p) => p.id === person) ?? null);
}
