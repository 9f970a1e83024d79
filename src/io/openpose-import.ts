/**
 * OpenPose folders (one per camera) → a take: one person per view (version 1) or everyone (version 2). Pure: the
 * caller reads the folders (cli/import-openpose.ts) and hands over parsed JSON with the file names, so every error
 * can name the file and field it comes from. Apart from openpose.ts (one file's reading and checks) because this
 * is the other job: matching folders to cameras and frames across folders, and choosing the take's format.
 */
import type { Camera } from '../geometry/camera';
import { NUM_JOINTS } from '../keypoints/coco17';
import { LAYOUTS, toCoco17, type KeypointLayout } from '../keypoints/layouts';
import type { Take, TakeFrame } from '../take/take';
import type { MultiTake, MultiTakeFrame } from '../take/multi';
import { LIMITS } from '../take/limits';
import { assertCameras } from '../geometry/camera-check';
import { defaultAssociationOptions } from '../people/associate';
import { detectLayout, openPoseFrameDigits, openPoseFrameIndex, OpenPoseError, rankPeople, readOpenPoseFile, type OpenPoseLayoutId } from './openpose';

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
  /** Whether the take keeps one person per view (the most confident) or every person. */
  people: 'one' | 'all';
}

/** Every person of every frame file, COCO-17, before a take is built from them. */
interface OpenPoseRead {
  cameras: Camera[];
  by: CameraMatch;
  layoutId: string;
  /** Frame indices present in any folder, ascending. */
  indices: number[];
  /** Per folder: frame index → the people in that file (COCO-17, raw pixels), most confident first. */
  byIndex: Map<number, Float32Array[]>[];
  perView: OpenPoseImportReport['perView'];
}

/**
 * Reads and checks every folder: file names, frame indices, layouts (one per import), the calibration. Shared by
 * the single-person and the several-people import, so both refuse exactly the same files.
 */
function readOpenPose(views: readonly OpenPoseView[], calibration: readonly Camera[], opts: OpenPoseImportOptions): OpenPoseRead {
  if (views.length === 0) throw new OpenPoseError('no OpenPose folders given');
  if (!(Number.isFinite(opts.fps) && opts.fps >= LIMITS.minFps && opts.fps <= LIMITS.maxFps))
    throw new OpenPoseError(`--fps: expected a number in [${LIMITS.minFps}, ${LIMITS.maxFps}], got ${opts.fps}`);
  assertCameras(calibration, 'calibration');
  const { cameras, by } = matchCameras(calibration, views.map((v) => v.name));
  let layout: KeypointLayout | null = opts.layout ? LAYOUTS[opts.layout] : null;
  const byIndex = views.map(() => new Map<number, Float32Array[]>());
  const perView: OpenPoseImportReport['perView'] = [];
  views.forEach((view, vi) => {
    const stats = { name: view.name, camera: cameras[vi].name, files: 0, withPerson: 0, multiPerson: 0, outsideImage: 0 };
    const seenFile = new Map<number, string>();
    const cam = cameras[vi];
    for (const { fileName, json } of view.files) {
      const source = `${view.name}/${fileName}`;
      const index = openPoseFrameIndex(fileName);
      if (index === null) throw new OpenPoseError(`${source}: not an OpenPose file name (<name>_<frame index>_keypoints.json)`);
      if (!(Number.isSafeInteger(index) && index <= LIMITS.maxFrameIndex))
        throw new OpenPoseError(`${source}: frame index ${openPoseFrameDigits(fileName)} is beyond ${LIMITS.maxFrameIndex}`);
      if (index / opts.fps > LIMITS.maxSeconds)
        throw new OpenPoseError(`${source}: frame index ${index} at ${opts.fps} fps is ${index / opts.fps} s, beyond ${LIMITS.maxSeconds} s`);
      const dup = seenFile.get(index);
      if (dup !== undefined) throw new OpenPoseError(`${source}: frame index ${index} also in ${view.name}/${dup}`);
      seenFile.set(index, fileName);
      stats.files++;
      const people = readOpenPoseFile(json, source);
      for (let i = 0; i < people.length; i++) {
        const l = detectLayout(people[i].length, opts.layout, `${source}: people[${i}]`);
        if (layout && l !== layout) {
          throw new OpenPoseError(`${source}: people[${i}] is ${l.id} (${people[i].length} numbers) but earlier files are ${layout.id}`);
        }
        layout = l;
      }
      if (people.length) stats.withPerson++;
      if (people.length > 1) stats.multiPerson++;
      // Most confident first: a view's first person is the one-person take's.
      const coco = rankPeople(people, layout!).map((p) => toCoco17(layout!, p, 3));
      for (const kp of coco)
        for (let j = 0; j < NUM_JOINTS; j++) {
          const x = kp[3 * j], y = kp[3 * j + 1];
          if (kp[3 * j + 2] > 0 && (x < -0.5 || y < -0.5 || x > cam.width - 0.5 || y > cam.height - 0.5)) stats.outsideImage++;
        }
      byIndex[vi].set(index, coco);
    }
    if (stats.files === 0) throw new OpenPoseError(`${view.name}: no *_keypoints.json files`);
    perView.push(stats);
  });
  const indices = [...new Set(byIndex.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const layoutId = (layout as KeypointLayout | null)?.id ?? opts.layout ?? 'body25';
  return { cameras, by, layoutId, indices, byIndex, perView };
}

function importMeta(r: OpenPoseRead, views: readonly OpenPoseView[], personSelection: string): Record<string, unknown> {
  return { source: 'openpose', openposeLayout: r.layoutId, folders: views.map((v) => v.name), cameraMatch: r.by, personSelection, firstFrameIndex: r.indices[0] };
}

function importReport(r: OpenPoseRead, people: 'one' | 'all'): OpenPoseImportReport {
  return { layout: r.layoutId, cameraMatch: r.by, perView: r.perView, frames: r.indices.length, firstIndex: r.indices[0], lastIndex: r.indices[r.indices.length - 1], people };
}

/**
 * Builds a take (COCO-17 in memory) from one OpenPose folder per camera. Frames are matched across folders by
 * the frame index in the file name; frame i of the take has time = index / fps. A frame a folder lacks, or in
 * which it found nobody, is a null view; of several people, the first by rankPeople (the most confident);
 * points with c = 0 get score 0.
 */
export function openPoseToTake(views: readonly OpenPoseView[], calibration: readonly Camera[], opts: OpenPoseImportOptions): { take: Take; report: OpenPoseImportReport } {
  return singleTake(readOpenPose(views, calibration, opts), views, opts);
}

function singleTake(r: OpenPoseRead, views: readonly OpenPoseView[], opts: OpenPoseImportOptions): { take: Take; report: OpenPoseImportReport } {
  const frames: TakeFrame[] = r.indices.map((index) => ({
    time: index / opts.fps,
    views: r.byIndex.map((m) => m.get(index)?.[0] ?? null),
    gt: null,
    extra: {},
  }));
  const take: Take = {
    fps: opts.fps,
    sourceLayout: 'coco17',
    cameras: r.cameras,
    frames,
    meta: importMeta(r, views, 'highest mean confidence over the COCO-17 points, per frame and view'),
    extra: {},
  };
  return { take, report: importReport(r, 'one') };
}

/**
 * The several-people import: a take of version 2 in which each view holds every person OpenPose found in that
 * frame, most confident first (who is who across views is left to the association, as for live detections). A
 * frame a folder lacks is a null view (no frame from that camera); a file with nobody is an empty view.
 */
export function openPoseToMultiTake(views: readonly OpenPoseView[], calibration: readonly Camera[], opts: OpenPoseImportOptions): { take: MultiTake; report: OpenPoseImportReport } {
  return multiTake(readOpenPose(views, calibration, opts), views, opts);
}

function multiTake(r: OpenPoseRead, views: readonly OpenPoseView[], opts: OpenPoseImportOptions): { take: MultiTake; report: OpenPoseImportReport } {
  const frames: MultiTakeFrame[] = r.indices.map((index) => ({
    time: index / opts.fps,
    views: r.byIndex.map((m) => m.get(index) ?? null),
    labels: null,
    gt: null,
    extra: {},
  }));
  const take: MultiTake = {
    version: 2,
    fps: opts.fps,
    sourceLayout: 'coco17',
    cameras: r.cameras,
    frames,
    meta: importMeta(r, views, 'every person, associated across views by Parallax'),
    extra: {},
  };
  return { take, report: importReport(r, 'all') };
}

export type OpenPosePeople = 'one' | 'all' | 'auto';

/** Whether some frame of some folder holds two people the association would take for bodies (not fragments). */
function severalPeopleSeen(r: OpenPoseRead): boolean {
  const body = (kp: Float32Array) => {
    let n = 0;
    for (let j = 0; j < NUM_JOINTS; j++) if (kp[3 * j + 2] > 0) n++;
    return n >= defaultAssociationOptions.minDetectedJoints;
  };
  return r.byIndex.some((m) => [...m.values()].some((people) => people.filter(body).length > 1));
}

/**
 * The import as the command runs it: 'one' keeps the most confident person per view (a version 1 take), 'all'
 * every person (version 2), 'auto' every person when some frame of some folder holds two or more bodies (each
 * with as many points as the association needs to take a detection for somebody), else one: a stray fragment
 * (a face, a hand) does not change the format, while a second person seen by any camera does — keeping one
 * person per view there could give different cameras different people.
 */
export function openPoseImport(
  views: readonly OpenPoseView[],
  calibration: readonly Camera[],
  opts: OpenPoseImportOptions & { people: OpenPosePeople },
): { kind: 'single'; take: Take; report: OpenPoseImportReport } | { kind: 'multi'; take: MultiTake; report: OpenPoseImportReport } {
  const r = readOpenPose(views, calibration, opts);
  const all = opts.people === 'all' || (opts.people === 'auto' && severalPeopleSeen(r));
  return all ? { kind: 'multi', ...multiTake(r, views, opts) } : { kind: 'single', ...singleTake(r, views, opts) };
}
