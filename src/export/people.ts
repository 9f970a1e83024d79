/**
 * Exports of several people's poses (a multi-person take), one method at a time, through the same writers as one
 * person's. Per format, a file a tool can open:
 *   CSV   one file, one row per frame and person, with a `person` column (P1, P2, …)
 *   JSON  one file (`parallax-poses3d` version 3): per frame, every person with its label and joints
 *   TRC   one file, markers prefixed per person (P1_nose, …), as OpenSim reads several subjects' markers
 *   C3D   one file, point labels prefixed per person (P1_nose, …)
 *   BVH   one file per person: a BVH holds one skeleton
 * Every person has every frame of the take: where a person is absent the cells are empty (CSV, TRC), the joints
 * null (JSON), the points missing (C3D) or the nearest earlier pose repeated (BVH), as the one-person exports treat
 * frames without a pose. Never a NaN.
 */
import { COCO17_NAMES, NUM_JOINTS } from '../keypoints';
import { personLabel } from '../people/label';
import { writeBvh } from './bvh';
import { writeC3d } from './c3d';
import { csvFrameLine, csvHeader, csvRow, jointsToJSON, jsonTime, poseJsonHeader, writeTrc } from './csv';
import { exportFileName, runExportFile, type FileExportRequest } from './export';
import { posesYUp, posesZUp } from './frame';
import type { PoseLike } from './types';

/** One person's poses of one method, one per take frame (null where the person has none). */
export interface PersonSequence {
  /** The tracker's id (label P<id + 1>). */
  id: number;
  poses: ReadonlyArray<PoseLike | null>;
}

export type PeopleExportRequest = Omit<FileExportRequest, 'poses'> & {
  /** The people to export, in file order. */
  people: readonly PersonSequence[];
  /** The take holds several people: file names say whose (…-P2.csv, …-all.csv). False: one person's plain names. */
  tagged: boolean;
  /**
   * Everyone's file (…-all, as for several people) even when one person is given: a batch run's files then do not
   * depend on how many people it found. BVH stays one file per person.
   */
  everyone?: boolean;
};

export interface ExportFile {
  name: string;
  data: string | Uint8Array;
  mime: string;
}

type Progress = (done: number, total: number) => void;

/** The file name of one person's export (…-robust-P2.bvh) or of everyone's (…-robust-all.csv). */
export function peopleFileName(r: Pick<FileExportRequest, 'baseName' | 'method' | 'format'>, who: number | 'all'): string {
  return exportFileName({ ...r, method: `${r.method}-${who === 'all' ? 'all' : personLabel(who)}` });
}

/** The export files of the request: one person's as the one-person exports write it, several people's as above. */
export function runPeopleExport(r: PeopleExportRequest, onProgress?: Progress): ExportFile[] {
  if (r.people.length === 0) throw new Error(`No person has a ${r.method} pose to export.`);
  const { people, tagged, everyone, ...base } = r;
  if (people.length === 1 && !(everyone && tagged && r.format !== 'bvh')) {
    const p = people[0];
    const poses = tagged && r.format === 'bvh' ? holdFirst(p.poses) : [...p.poses];
    const { data, mime } = runExportFile({ ...base, poses }, onProgress);
    return [{ name: tagged ? peopleFileName(r, p.id) : exportFileName(r), data, mime }];
  }
  if (r.format === 'bvh') {
    return people.map((p, k) => {
      const part: Progress | undefined = onProgress && ((d, n) => onProgress(k * n + d, people.length * n));
      return { name: peopleFileName(r, p.id), data: writeBvh(posesYUp(holdFirst(p.poses), r.frame), { fps: r.fps, onProgress: part }), mime: 'text/plain' };
    });
  }
  const name = peopleFileName(r, 'all');
  const labels = people.map((p) => personLabel(p.id));
  const markers = labels.flatMap((l) => COCO17_NAMES.map((j) => `${l}_${j}`));
  const info = { fps: r.fps, times: r.times, frame: r.frame, onProgress };
  switch (r.format) {
    case 'csv':
      return [{ name, data: writePeopleCsv(people, info), mime: 'text/plain' }];
    case 'json':
      return [{ name, data: writePeopleJson(people, { ...info, method: r.method }), mime: 'text/plain' }];
    case 'trc':
      return [{ name, data: writeTrc(sideBySide(people, r.times.length), { ...info, fileName: name, markers }), mime: 'text/plain' }];
    case 'c3d':
      return [{ name, data: writeC3d(posesZUp(sideBySide(people, r.times.length), r.frame), { fps: r.fps, labels: markers, onProgress }), mime: 'application/octet-stream' }];
  }
}

/**
 * Every person's joints of a frame side by side (person k's joint j at point 17k + j), absent people as missing
 * points; a frame where nobody has a pose is null.
 */
export function sideBySide(people: readonly PersonSequence[], nFrames: number): (PoseLike | null)[] {
  return Array.from({ length: nFrames }, (_, f) => {
    if (people.every((p) => !p.poses[f])) return null;
    const joints = new Float64Array(people.length * NUM_JOINTS * 3), valid = new Uint8Array(people.length * NUM_JOINTS);
    people.forEach((p, k) => {
      const pose = p.poses[f];
      if (!pose) return;
      joints.set(pose.joints.subarray(0, NUM_JOINTS * 3), k * NUM_JOINTS * 3);
      valid.set(pose.valid.subarray(0, NUM_JOINTS), k * NUM_JOINTS);
    });
    return { joints, valid };
  });
}

/**
 * BVH repeats the previous pose where a frame has none; before a person's first pose there is none to repeat, so
 * the first is held back to the start (the file keeps every frame of the take, aligned with the other people's).
 */
function holdFirst(poses: ReadonlyArray<PoseLike | null>): (PoseLike | null)[] {
  const first = poses.find(Boolean) ?? null;
  let seen = false;
  return poses.map((p) => (p ? ((seen = true), p) : seen ? null : first));
}

type Info = { fps: number; times: ArrayLike<number>; frame: FileExportRequest['frame']; onProgress?: Progress };

/** CSV: the frame line, `frame,time,person,nose_x,…`, one row per frame and person (empty cells where absent). */
export function writePeopleCsv(people: readonly PersonSequence[], info: Info): string {
  const out = [csvFrameLine(info.frame), csvHeader(['person'])];
  const n = info.times.length;
  for (let f = 0; f < n; f++) {
    for (const person of people) out.push(csvRow(f, info.times[f], person.poses[f] ?? null, [personLabel(person.id)]));
    if (info.onProgress && f % 512 === 0) info.onProgress(f, n);
  }
  return out.join('\n') + '\n';
}

/**
 * JSON (`parallax-poses3d`, version 3: several people): version 2's header, `people: [{ person: "P1", id }]`, and
 * per frame `people: [{ person, joints: { name: [x,y,z] } | null }]` for every person, metres, calibration frame.
 */
export function writePeopleJson(people: readonly PersonSequence[], info: Info & { method: string }): string {
  return JSON.stringify({
    ...poseJsonHeader(3, info),
    people: people.map((p) => ({ person: personLabel(p.id), id: p.id })),
    frames: Array.from({ length: info.times.length }, (_, f) => ({
      frame: f,
      time: jsonTime(info.times[f]),
      people: people.map((person) => ({ person: personLabel(person.id), joints: jointsToJSON(person.poses[f] ?? null) })),
    })),
  });
}
