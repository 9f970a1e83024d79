/**
 * The batch run for several people (`npm run process -- --model movenet-multipose …`): synchronise the views on
 * each view's most confident person, put every view's people on the reference clock, associate them across views
 * and track them (src/people, as the app does live), then fuse each person found as the single-person run fuses
 * its one person — every method over the person's whole sequence, so causal and offline methods see one person's
 * past. Output: the run as a version-2 take (every detection, the association, every person's 3D per method), the
 * exports of everyone in one file per method and format where the format holds several people (CSV, JSON, TRC,
 * C3D), and per person (P1, P2, … as the app labels them) a sub-folder with that person's take and every export. People seen in fewer than
 * `minPersonFrames` frame sets (passers-by, false detections that got through) are listed but not exported.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Camera } from '../../src/geometry/camera';
import { createMethods } from '../../src/eval/methods';
import { DEFAULT_METHOD_IDS, methodLabel } from '../../src/fusion/registry';
import type { FrameViews, Pose3D } from '../../src/fusion/types';
import { PeopleStage } from '../../src/people/stage';
import type { ViewPeople } from '../../src/people/types';
import { buildTake, recordedPerson } from '../../src/record/take-poses';
import { resamplePeopleToReference, type KeypointTrack } from '../../src/sync';
import { serializeMultiTake, type MultiTakeFrame } from '../../src/take/multi';
import { ALL_EXPORT_FORMATS } from '../../src/export/export';
import { exportFrame } from '../../src/export/frame';
import { runPeopleExport } from '../../src/export/people';
import type { PoseLike } from '../../src/export/types';
import { personLabel } from '../../src/people/label';
import { fuseSequence, synchronise, syncMeta, writeExports, type ProcessOptions, type ProcessReport } from './process-run';

/** Per view every person of every frame ([] = nobody, null = no such frame). */
export interface PeopleTrack {
  fps: number;
  frames: ReadonlyArray<ViewPeople | null>;
}

export interface PersonSummary {
  id: number;
  label: string;
  /** Frame sets the person was found in (by ≥ 2 views), of the run's. */
  frames: number;
  firstS: number;
  lastS: number;
  meanViews: number;
  exported: boolean;
}

export interface PeopleReport extends ProcessReport {
  people: PersonSummary[];
  /** Frame sets by the number of people found in them: counts[n] = frame sets with n people. */
  counts: number[];
  /** Detections the association gave to nobody (seen by one view only, false detections), of all detections. */
  unassigned: number;
  detections: number;
}

export async function processPeople(
  cameras: readonly Camera[], peopleTracks: readonly PeopleTrack[], o: ProcessOptions & { minPersonFrames: number },
): Promise<PeopleReport> {
  const problems: string[] = [];
  const files: string[] = [];
  mkdirSync(o.outDir, { recursive: true });
  // Synchronisation follows each view's most confident person: right for one person among passers-by; with several
  // people moving alike it may not hold, hence --no-sync.
  const tracks: KeypointTrack[] = peopleTracks.map((t) => ({ fps: t.fps, frames: t.frames.map((l) => l?.[0] ?? null) }));
  tracks.forEach((t, v) => { if (!t.frames.some(Boolean)) problems.push(`${cameras[v].name}: nobody detected in any frame; the view is left out`); });
  const { sync, timings, reference } = await synchronise(cameras, tracks, o, problems);
  const { times, frames } = resamplePeopleToReference(peopleTracks, timings, reference);
  const empty = { files, problems, sync, frames: 0, methods: [], people: [], counts: [], unassigned: 0, detections: 0 };
  if (frames.length === 0) {
    problems.push('no instant has two views with somebody: nothing to fuse');
    return empty;
  }

  // 1. Association and identities over the run.
  const stage = new PeopleStage(cameras);
  const seen = new Map<number, { at: number[]; views: FrameViews[]; nViews: number }>();
  const association: { person: number; detections: number[] }[][] = [];
  const counts: number[] = [];
  let unassigned = 0, detections = 0;
  frames.forEach((f, i) => {
    const step = stage.step(times[i], f);
    for (const v of f) detections += v?.length ?? 0;
    unassigned += step.unassigned.length;
    counts[step.people.length] = (counts[step.people.length] ?? 0) + 1;
    association.push(step.people.map((p) => ({ person: p.id, detections: Array.from(p.person.detections) })));
    for (const p of step.people) {
      const s = seen.get(p.id) ?? seen.set(p.id, { at: [], views: [], nViews: 0 }).get(p.id)!;
      s.at.push(i);
      s.views.push(p.person.views);
      s.nViews += p.person.nViews;
    }
    o.progress(0.3 + (0.2 * i) / frames.length, 'associating');
  });
  for (let n = 0; n < counts.length; n++) counts[n] ??= 0;

  const t0 = times[0];
  const rel = times.map((t) => t - t0);
  const fps = peopleTracks[reference].fps;
  const detPath = join(o.outDir, `${o.baseName}.people.take.json`);
  const syncInfo = syncMeta(cameras, sync, reference);
  const runMeta = { source: 'npm run process', ...(syncInfo ? { sync: syncInfo } : {}) };

  // 2. Every method per person, over the frame sets the person is in; 3. the person's take and exports.
  const methods = await createMethods(o.methods ?? DEFAULT_METHOD_IDS, { onUnavailable: (id, why) => problems.push(`method ${id} is not run: ${why}`) });
  const ids = methods.map((m) => m.id);
  const minFrames = Math.min(o.minPersonFrames, frames.length);
  const people: PersonSummary[] = [];
  const labels = Object.fromEntries(methods.map((m) => [m.id, methodLabel(m.id)]));
  const exported: { id: number; poses: Record<string, (Pose3D | null)[]>; written: Record<string, (PoseLike | null)[]> }[] = [];
  const ordered = [...seen.entries()].sort((a, b) => b[1].at.length - a[1].at.length || a[0] - b[0]);
  for (const [k, [id, s]] of ordered.entries()) {
    const summary: PersonSummary = {
      id, label: personLabel(id), frames: s.at.length, firstS: rel[s.at[0]], lastS: rel[s.at[s.at.length - 1]], meanViews: s.nViews / s.at.length, exported: s.at.length >= minFrames,
    };
    people.push(summary);
    if (!summary.exported) continue;
    const fused = await fuseSequence(methods, cameras, s.views, s.at.map((i) => times[i]), (f, m) => o.progress(0.5 + (0.45 * (k + f)) / ordered.length, `fusing ${summary.label} (${m})`));
    // On the run's timeline: null where the person was not found, so every person's files line up in time.
    const poses: Record<string, (Pose3D | null)[]> = {};
    for (const m of methods) {
      const full: (Pose3D | null)[] = new Array(frames.length).fill(null);
      s.at.forEach((i, n) => (full[i] = fused[m.id][n]));
      poses[m.id] = full;
      if (fused[m.id].every((p) => !p)) problems.push(`${summary.label}: method ${m.id} gave no pose in any frame`);
    }
    const dir = join(o.outDir, summary.label);
    mkdirSync(dir, { recursive: true });
    const mine = new Map(s.at.map((i, n) => [i, s.views[n]]));
    const takeFrames: MultiTakeFrame[] = frames.map((_, i) => ({
      time: rel[i],
      views: (mine.get(i) ?? cameras.map(() => null)).map((v) => (v ? [Float32Array.from(v)] : null)),
      labels: null,
      gt: null,
      extra: { poses3d: [recordedPerson(id, ids, (m) => poses[m][i])] },
    }));
    const take = buildTake(cameras, takeFrames, fps, labels, { source: 'npm run process', person: id, label: summary.label });
    const takePath = join(dir, `${o.baseName}.take.json`);
    writeFileSync(takePath, serializeMultiTake(take));
    files.push(takePath);
    const written = writeExports(cameras, ids, poses, rel, fps, o, dir, files, problems);
    exported.push({ id, poses, written });
  }
  // 4. The run as one take (every detection, which is whom, every person's 3D: the app's Record panel loads it) and
  // every method's exports of everyone in one file where the format holds several people (BVH is one per person).
  writeFileSync(detPath, serializeMultiTake(buildTake(cameras, frames.map((views, i) => ({
    time: rel[i],
    views: views.map((v) => (v ? [...v] : null)),
    labels: null,
    gt: null,
    extra: {
      association: association[i],
      poses3d: exported.filter((p) => ids.some((m) => p.poses[m][i])).map((p) => recordedPerson(p.id, ids, (m) => p.poses[m][i])),
    },
  })), fps, labels, runMeta, true)));
  files.push(detPath);
  if (exported.length > 0) {
    const frame = exportFrame(cameras);
    for (const m of methods) {
      for (const format of ALL_EXPORT_FORMATS.filter((f) => f !== 'bvh')) {
        try {
          for (const file of runPeopleExport({ format, method: m.id, fps, times: rel, people: exported.map((p) => ({ id: p.id, poses: p.written[m.id] })), tagged: true, everyone: true, frame, baseName: o.baseName })) {
            const path = join(o.outDir, file.name);
            writeFileSync(path, file.data);
            files.push(path);
          }
        } catch (e) {
          problems.push(`everyone ${m.id} ${format}: ${(e as Error).message}`);
        }
      }
    }
  }
  for (const m of methods) m.dispose?.();
  if (!people.some((p) => p.exported)) problems.push(`nobody was found in ${minFrames} or more frame sets: no person exported`);
  o.progress(1, 'done');
  return { files, problems, sync, frames: frames.length, methods: ids, people, counts, unassigned, detections };
}
