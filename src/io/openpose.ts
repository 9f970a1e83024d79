/**
 * OpenPose output files, one at a time: the file-name rule, the validation of one `<name>_<frame index>_keypoints.json`,
 * its layout, and the ranking of the people in it. Pure; what builds a take from whole folders of these is
 * openpose-import.ts, kept apart so each file can be read (and tested) for its one job.
 */
import { z } from 'zod';
import { NUM_JOINTS } from '../keypoints/coco17';
import { LAYOUTS, type KeypointLayout } from '../keypoints/layouts';
import { LIMITS, within } from '../take/limits';

/** Layouts OpenPose writes, by the number of values in pose_keypoints_2d (BODY_25B has BODY_25's count). */
export const OPENPOSE_LAYOUT_IDS = ['body25', 'body25b', 'coco18'] as const;
export type OpenPoseLayoutId = (typeof OPENPOSE_LAYOUT_IDS)[number];

export class OpenPoseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpenPoseError';
  }
}

const FILE_RE = /^(.*?)_?(\d+)_keypoints\.json$/;

/** The frame index of an OpenPose output file name, or null when the name is not one. */
export function openPoseFrameIndex(fileName: string): number | null {
  const m = FILE_RE.exec(fileName);
  return m ? Number(m[2]) : null;
}

/** The frame-index digits of a file name, as written (a number too large for a double would print rounded). */
export function openPoseFrameDigits(fileName: string): string {
  return FILE_RE.exec(fileName)?.[2] ?? fileName;
}

const fileSchema = z
  .object({
    people: z.array(
      z
        .object({
          // OpenPose writes [] for a person found only by the face or hand model.
          pose_keypoints_2d: z.array(z.number().finite()),
        })
        .passthrough(),
    ),
  })
  .passthrough();

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

/** Picks the layout from the number of values per person; `requested` wins when given and consistent. */
export function detectLayout(nValues: number, requested: OpenPoseLayoutId | undefined, source: string): KeypointLayout {
  if (requested) {
    const layout = LAYOUTS[requested];
    if (nValues !== layout.names.length * 3) {
      throw new OpenPoseError(`${source}: pose_keypoints_2d has ${nValues} numbers, but --layout ${requested} needs ${layout.names.length * 3} (${layout.names.length} points × x,y,c)`);
    }
    return layout;
  }
  if (nValues === 75) return LAYOUTS.body25;
  if (nValues === 54) return LAYOUTS.coco18;
  throw new OpenPoseError(`${source}: pose_keypoints_2d has ${nValues} numbers; expected 75 (BODY_25 / BODY_25B) or 54 (COCO-18)`);
}

/**
 * The people of one OpenPose file, each as a flat [x, y, c] array. Validates the file: `people` must be an array
 * of objects whose `pose_keypoints_2d` is an array of finite numbers with a multiple-of-3 length and c ≥ 0.
 */
export function readOpenPoseFile(json: unknown, source: string): number[][] {
  const r = fileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new OpenPoseError(`${source}: ${fieldPath(issue.path)}: ${issue.message}`);
  }
  const people: number[][] = [];
  r.data.people.forEach((p, i) => {
    const kp = p.pose_keypoints_2d;
    if (kp.length === 0) return;
    if (kp.length % 3 !== 0) throw new OpenPoseError(`${source}: people[${i}].pose_keypoints_2d: ${kp.length} numbers is not a multiple of 3 (x, y, c per point)`);
    for (let k = 2; k < kp.length; k += 3) {
      if (kp[k] < 0) throw new OpenPoseError(`${source}: people[${i}].pose_keypoints_2d[${k}]: confidence ${kp[k]} is negative`);
      if (kp[k] > LIMITS.maxConfidence) throw new OpenPoseError(`${source}: people[${i}].pose_keypoints_2d[${k}]: confidence ${kp[k]} is above ${LIMITS.maxConfidence}`);
      for (const a of [k - 2, k - 1])
        if (!within(kp[a], LIMITS.maxPixel)) throw new OpenPoseError(`${source}: people[${i}].pose_keypoints_2d[${a}]: ${kp[a]} px is beyond ±${LIMITS.maxPixel} px`);
    }
    people.push(kp);
  });
  return people;
}

/**
 * The people of one file, most confident first: by the summed confidences of the points that map to COCO-17
 * (undetected points add 0, so a fully seen person beats a confident fragment; points COCO-17 lacks, such as
 * BODY_25's neck, do not count). Stable: ties keep the file's order. A new array; the input is not reordered.
 */
export function rankPeople<T extends ArrayLike<number>>(people: readonly T[], layout: KeypointLayout): T[] {
  return people
    .map((p, i) => ({ p, i, s: personScore(p, layout) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map(({ p }) => p);
}

function personScore(kp: ArrayLike<number>, layout: KeypointLayout): number {
  let s = 0;
  for (let j = 0; j < NUM_JOINTS; j++) {
    const src = layout.toCoco17[j];
    if (src >= 0) s += kp[3 * src + 2];
  }
  return s;
}
