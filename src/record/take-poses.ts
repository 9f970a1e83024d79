/**
 * The take extension that stores fused 3D results beside the 2D (documented in docs/formats.md, "Take extension:
 * recorded 3D results"). Per frame:   "poses3d": { "<method id>": { "<coco17 joint>": [x, y, z], ... } | null }
 * and at the top level:              "poses3d_info": { "methods": { "<id>": "<label>" }, "units": "m" }
 * Joints without an estimate are left out; a method with no pose that frame is null.
 */
import { z } from 'zod';
import type { Camera } from '../geometry/camera';
import { personPoses, type FusedFrameSet } from '../fusion/flow';
import { COCO17_NAMES, NUM_JOINTS } from '../keypoints';
import { TakeError, type Take, type TakeFrame } from '../take';
import type { PoseLike } from '../export/types';
import { perPersonErrors } from '../session/people-metrics';

const finite = z.number().finite();
const jointsSchema = z.partialRecord(z.enum(COCO17_NAMES), z.tuple([finite, finite, finite]));
const poses3dSchema = z.record(z.string().min(1), jointsSchema.nullable());
const infoSchema = z.object({ methods: z.record(z.string(), z.string()), units: z.literal('m') }).passthrough();

const round = (v: number) => Math.round(v * 1e5) / 1e5;

export function poseToJSON(p: PoseLike | null): Record<string, [number, number, number]> | null {
  if (!p) return null;
  const o: Record<string, [number, number, number]> = {};
  for (let j = 0; j < NUM_JOINTS; j++) if (p.valid[j]) o[COCO17_NAMES[j]] = [round(p.joints[3 * j]), round(p.joints[3 * j + 1]), round(p.joints[3 * j + 2])];
  return o;
}

/**
 * One fused frame set as a take frame: the 2D as detected, the truth if any, every method's pose in the extension.
 * A take holds one person: of a multi-person frame set, the one whose views and truth it keeps (the first figure),
 * so the recorded poses are the tracked person matched to that truth, not whoever the tracker listed first.
 */
export function fusedToTakeFrame(f: FusedFrameSet, t0 = 0): TakeFrame {
  const poses3d: Record<string, unknown> = {};
  for (const [id, p] of Object.entries(recordedPerson(f))) poses3d[id] = poseToJSON(p);
  return {
    time: f.frame.time - t0,
    views: f.frame.views.map((v) => (v ? Float32Array.from(v) : null)),
    gt: f.frame.gt ? { joints: Float64Array.from(f.frame.gt.joints), valid: Uint8Array.from(f.frame.gt.valid) } : null,
    extra: { poses3d },
  };
}

function recordedPerson(f: FusedFrameSet): Readonly<Record<string, PoseLike | null>> {
  const gt = f.frame.gt;
  if (!f.frame.people || !gt || f.people.length < 2) return personPoses(f);
  const matched = perPersonErrors(f.people, [{ id: 0, joints: gt.joints, valid: gt.valid }]).find((p) => p.truth === 0);
  return matched ? personPoses(f, matched.person) : personPoses(f);
}

export function buildTake(cameras: readonly Camera[], frames: TakeFrame[], fps: number, labels: Record<string, string>, meta: Record<string, unknown> = {}): Take {
  return {
    fps,
    sourceLayout: 'coco17',
    cameras: [...cameras],
    frames,
    meta: { recordedBy: 'parallax', ...meta },
    extra: { poses3d_info: { methods: labels, units: 'm' } },
  };
}

/** Method ids recorded in a take (from poses3d_info, else from the frames). */
export function takeMethods(take: Take): string[] {
  const info = infoSchema.safeParse(take.extra.poses3d_info);
  if (info.success) return Object.keys(info.data.methods);
  const ids = new Set<string>();
  for (const f of take.frames) if (f.extra.poses3d && typeof f.extra.poses3d === 'object') for (const k of Object.keys(f.extra.poses3d)) ids.add(k);
  return [...ids];
}

/** A method's recorded poses, one per frame (null where it had none); validates the extension, naming the frame. */
export function takePoses(take: Take, method: string): (PoseLike | null)[] {
  return take.frames.map((f, i) => {
    if (f.extra.poses3d === undefined) return null;
    const r = poses3dSchema.safeParse(f.extra.poses3d);
    if (!r.success) {
      const iss = r.error.issues[0];
      const path = `frames[${i}].poses3d.${iss.path.join('.')}`;
      throw new TakeError(`Invalid take file — frame ${i}: ${path}: ${iss.message}`, path, i);
    }
    const p = r.data[method];
    if (!p) return null;
    const joints = new Float64Array(NUM_JOINTS * 3), valid = new Uint8Array(NUM_JOINTS);
    for (const [name, xyz] of Object.entries(p)) {
      const j = (COCO17_NAMES as readonly string[]).indexOf(name);
      joints.set(xyz as number[], 3 * j);
      valid[j] = 1;
    }
    return { joints, valid };
  });
}

/** The truth of a take as poses (null where a frame has none). */
export function takeTruth(take: Take): (PoseLike | null)[] {
  return take.frames.map((f) => f.gt);
}
