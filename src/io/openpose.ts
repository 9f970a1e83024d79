/**
 * OpenPose JSON output (one `<name>_<frame index>_keypoints.json` per frame and camera) → a take. Pure: the
 * caller reads the folders (cli/import-openpose.ts) and hands over parsed JSON with the file names, so every
 * error can name the file and field it comes from. Besides the one-person take (each view's most confident
 * person), everyone OpenPose found is kept as a version-2 take (several people, src/take/multi.ts).
 */
import { z } from 'zod';
import type { Camera } from '../geometry/camera';
import { NUM_JOINTS } from '../keypoints/coco17';
import { LAYOUTS, toCoco17, type KeypointLayout } from '../keypoints/layouts';
import type { Take, TakeFrame } from '../take/take';
import type { MultiTake } from '../take/multi';
import { LIMITS, within } from '../take/limits';
import { assertCameras } from '../geometry/camera-check';

/** The frame-index digits of a file name, as written (a number too large for a double would print rounded). */
function m2s(fileName: string): string {
  return FILE_RE.exec(fileName)?.[2] ?? fileName;
}

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
 * The person this view contributes: the one with the highest mean confidence over the points that map to
 * COCO-17 (undetected points count as 0, so a fully seen person beats a confident fragment). Ties: the first.
 * Returns -1 for no people.
 */
export function pickPerson(people: readonly ArrayLike<number>[], layout: KeypointLayout): number {
  let best = -1, bestScore = -Infinity;
  people.forEach((kp, i) => {
    const s = personScore(kp, layout);
    if (s > bestScore) {
      bestScore = s;
      best = i;
    }
  });
  return best;
}

/** Sum of the confidences of the points that map to COCO-17 (pickPerson's criterion). */
function personScore(kp: ArrayLike<number>, layout: KeypointLayout): number {
  let s = 0;
  for (let j = 0; j < NUM_JOINTS; j++) {
    const src = layout.toCoco17[j];
    if (src >= 0) s += kp[3 * src + 2];
  }
  return s;
}

/** One OpenPose output folder: the files it holds, parsed, with their names for error messages. */
export interface OpenPoseView {
  /** The folder's name, matched against the calibration's camera names. */
  name: string;
  files: { fileName: string; json: unknown }[];
}

export type CameraMatch = 'name' | 'order';

/**
 * Assigns a calibration camera to each folder, in folder order. By name when every folder names a distinct
 * camera (exactly, or one name containing the other, case-insensitively: "cam01" matches "cam01_json"); else by
 * order when the counts agree; else an error.
 */
export function matchCameras(cameras: readonly Camera[], viewNames: readonly string[]): { cameras: Camera[]; by: CameraMatch } {
  const norm = (s: string) => s.toLowerCase();
  const byName: Camera[] = [];
  for (const v of viewNames) {
    const exact = cameras.filter((c) => norm(c.name) === norm(v));
    const loose = exact.length ? exact : cameras.filter((c) => norm(v).includes(norm(c.name)) || norm(c.name).includes(norm(v)));
    if (loose.length !== 1) break;
    byName.push(loose[0]);
  }
  if (byName.length === viewNames.length && new Set(byName).size === byName.length) return { cameras: byName, by: 'name' };
  if (cameras.length === viewNames.length) return { cameras: cameras.slice(), by: 'order' };
  throw new OpenPoseError(
    `calibration: ${cameras.length} cameras (${cameras.map((c) => c.name).join(', ')}) for ${viewNames.length} folders (${viewNames.join(', ')}); ` +
      'the names do not match and the counts differ, so no camera can be assigned',
  );
}

export interface OpenPoseImportOptions {
  fps: number;
  /** Forced layout; default: from the number of values (75 → body25, 54 → coco18). */
  layout?: OpenPoseLayoutId;
}

export interface OpenPoseImportReport {
  layout: string;
  cameraMatch: CameraMatch;
  /** Per folder: frames with a file, frames with at least one person, frames with more than one person. */
  perView: { name: string; camera: string; files: number; withPerson: number; multiPerson: number; outsideImage: number }[];
  frames: number;
  firstIndex: number;
  lastIndex: number;
}

/**
 * Builds a take (COCO-17 in memory) from one OpenPose folder per camera. Frames are matched across folders by
 * the frame index in the file name; frame i of the take has time = index / fps. A frame a folder lacks, or in
 * which it found nobody, is a null view; points with c = 0 get score 0. `multi`: the same frames with everyone
 * per view (version 2), the view's entry in `take` being its first person.
 */
export function openPoseToTake(
  views: readonly OpenPoseView[], calibration: readonly Camera[], opts: OpenPoseImportOptions,
): { take: Take; report: OpenPoseImportReport; multi: MultiTake } {
  if (views.length === 0) throw new OpenPoseError('no OpenPose folders given');
  if (!(Number.isFinite(opts.fps) && opts.fps >= LIMITS.minFps && opts.fps <= LIMITS.maxFps))
    throw new OpenPoseError(`--fps: expected a number in [${LIMITS.minFps}, ${LIMITS.maxFps}], got ${opts.fps}`);
  assertCameras(calibration, 'calibration');
  const { cameras, by } = matchCameras(calibration, views.map((v) => v.name));
  let layout: KeypointLayout | null = opts.layout ? LAYOUTS[opts.layout] : null;
  const byIndex = views.map(() => new Map<number, Float32Array | null>());
  /** Everyone per frame, most confident first ([] = nobody in that file). */
  const allByIndex = views.map(() => new Map<number, Float32Array[]>());
  const perView: OpenPoseImportReport['perView'] = [];
  views.forEach((view, vi) => {
    const stats = { name: view.name, camera: cameras[vi].name, files: 0, withPerson: 0, multiPerson: 0, outsideImage: 0 };
    const seenFile = new Map<number, string>();
    for (const { fileName, json } of view.files) {
      const source = `${view.name}/${fileName}`;
      const index = openPoseFrameIndex(fileName);
      if (index === null) throw new OpenPoseError(`${source}: not an OpenPose file name (<name>_<frame index>_keypoints.json)`);
      if (!(Number.isSafeInteger(index) && index <= LIMITS.maxFrameIndex))
        throw new OpenPoseError(`${source}: frame index ${m2s(fileName)} is beyond ${LIMITS.maxFrameIndex}`);
      if (index / opts.fps > LIMITS.maxSeconds)
        throw new OpenPoseError(`${source}: frame index ${index} at ${opts.fps} fps is ${index / opts.fps} s, beyond ${LIMITS.maxSeconds} s`);
      const dup = seenFile.get(index);
      if (dup !== undefined) throw new OpenPoseError(`${source}: frame index ${index} also in ${view.name}/${dup}`);
      seenFile.set(index, fileName);
      stats.files++;
      const people = readOpenPoseFile(json, source);
      if (people.length === 0) {
        byIndex[vi].set(index, null);
        allByIndex[vi].set(index, []);
        continue;
      }
      for (let i = 0; i < people.length; i++) {
        const l = detectLayout(people[i].length, opts.layout, `${source}: people[${i}]`);
        if (layout && l !== layout) {
          throw new OpenPoseError(`${source}: people[${i}] is ${l.id} (${people[i].length} numbers) but earlier files are ${layout.id}`);
        }
        layout = l;
      }
      stats.withPerson++;
      if (people.length > 1) stats.multiPerson++;
      const kp = toCoco17(layout!, people[pickPerson(people, layout!)], 3);
      for (let j = 0; j < NUM_JOINTS; j++) {
        const x = kp[3 * j], y = kp[3 * j + 1];
        if (kp[3 * j + 2] > 0 && (x < -0.5 || y < -0.5 || x > cameras[vi].width - 0.5 || y > cameras[vi].height - 0.5)) stats.outsideImage++;
      }
      byIndex[vi].set(index, kp);
      const order = people.map((p, i) => [personScore(p, layout!), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      allByIndex[vi].set(index, order.map(([, i]) => (i === order[0][1] ? kp : toCoco17(layout!, people[i], 3))));
    }
    if (stats.files === 0) throw new OpenPoseError(`${view.name}: no *_keypoints.json files`);
    perView.push(stats);
  });
  const indices = [...new Set(byIndex.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const frames: TakeFrame[] = indices.map((index) => ({
    time: index / opts.fps,
    views: byIndex.map((m) => m.get(index) ?? null),
    gt: null,
    extra: {},
  }));
  const layoutId = (layout as KeypointLayout | null)?.id ?? opts.layout ?? 'body25';
  const report: OpenPoseImportReport = { layout: layoutId, cameraMatch: by, perView, frames: frames.length, firstIndex: indices[0], lastIndex: indices[indices.length - 1] };
  const take: Take = {
    fps: opts.fps,
    sourceLayout: 'coco17',
    cameras,
    frames,
    meta: {
      source: 'openpose',
      openposeLayout: layoutId,
      folders: views.map((v) => v.name),
      cameraMatch: by,
      personSelection: 'highest mean confidence over the COCO-17 points, per frame and view',
      firstFrameIndex: indices[0],
    },
    extra: {},
  };
  const multi: MultiTake = {
    version: 2, fps: opts.fps, sourceLayout: 'coco17', cameras,
    // A frame a folder lacks is null (no frame from that camera); a file with nobody is [].
    frames: indices.map((index) => ({ time: index / opts.fps, views: allByIndex.map((m) => m.get(index) ?? null), labels: null, gt: null, extra: {} })),
    meta: { ...take.meta, personSelection: 'every person, most confident first (highest mean confidence over the COCO-17 points)' },
    extra: {},
  };
  return { take, report, multi };
}
