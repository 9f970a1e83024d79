/**
 * The batch run behind `npm run process`, on detections already in memory: synchronise the views, put them on the
 * reference clock, run every fusion method of the registry, optionally fill short gaps, and write the take (2D
 * and every method's 3D) and every export format. Whatever cannot be done is collected in `problems` and the run
 * goes on with the rest. Detection (ffmpeg + the app's detector) is the CLI's job, so this part runs anywhere.
 */
import { butterworthPoses } from '../../src/export/butterworth';
import { exportFrame } from '../../src/export/frame';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Camera } from '../../src/geometry/camera';
import { createMethods } from '../../src/eval/methods';
import { ALL_EXPORT_FORMATS } from '../../src/export/export';
import { runPeopleExport } from '../../src/export/people';
import { fillGaps } from '../../src/export/gap-fill';
import type { PoseLike } from '../../src/export/types';
import { DEFAULT_METHOD_IDS, methodLabel } from '../../src/fusion/registry';
import type { FrameViews, FusionMethod, Pose3D } from '../../src/fusion/types';
import { buildTake, recordedPerson } from '../../src/record/take-poses';
import { resampleToReference, synchronizeViews, type KeypointTrack, type SyncResult, type Timing } from '../../src/sync';
import { serializeMultiTake, type MultiTakeFrame } from '../../src/take/multi';

export interface ProcessOptions {
  outDir: string;
  baseName: string;
  /** Method ids; null = the registry's defaults (an optional one that cannot load is skipped and reported). */
  methods: readonly string[] | null;
  sync: boolean;
  /** Fill gaps up to this long (seconds) in the exports; 0 = none. */
  fillGapsS: number;
  /** Zero-phase Butterworth low-pass of the exports at this cut-off (Hz), after gap filling; 0 = none. */
  filterHz: number;
  log: (line: string) => void;
  progress: (fraction: number, stage: string) => void;
}

export interface ProcessReport {
  files: string[];
  problems: string[];
  sync: SyncResult | null;
  frames: number;
  methods: string[];
}

/**
 * Synchronisation of the views from the person's motion (or none: every view from its first frame), logging each
 * view's offset and adding what went wrong to `problems`. The reference is the view with most detections.
 */
export async function synchronise(
  cameras: readonly Camera[], tracks: readonly KeypointTrack[], o: Pick<ProcessOptions, 'sync' | 'log' | 'progress'>, problems: string[],
): Promise<{ sync: SyncResult | null; timings: Timing[]; reference: number }> {
  const detected = tracks.map((t) => t.frames.filter(Boolean).length);
  let sync: SyncResult | null = null;
  let timings: Timing[] = tracks.map((t) => ({ offsetS: 0, fps: t.fps }));
  let reference = detected.indexOf(Math.max(...detected));
  if (o.sync && tracks.length >= 2) {
    try {
      sync = await synchronizeViews(tracks, { cameras, onProgress: (f) => o.progress(0.3 * f, 'synchronising') });
      reference = sync.reference;
      timings = sync.views.map((v) => ({ offsetS: v.offsetS, fps: v.fps }));
      sync.views.forEach((v, i) => {
        o.log(`  ${cameras[i].name}: offset ${v.offsetS >= 0 ? '+' : ''}${v.offsetS.toFixed(4)} s (${(v.offsetS * tracks[reference].fps).toFixed(2)} frames), ${v.fps} fps, confidence ${v.confidence.toFixed(2)} [${v.method}]`);
        if (v.method === 'failed') problems.push(`${cameras[i].name}: could not be synchronised (no overlap of motion); stepped from its first frame`);
        else if (i !== reference && v.confidence < 0.1) problems.push(`${cameras[i].name}: synchronisation is a guess (confidence ${v.confidence.toFixed(2)}); check its offset`);
      });
    } catch (e) {
      problems.push(`synchronisation failed (${(e as Error).message}); the videos are stepped from their first frames`);
    }
  }
  return { sync, timings, reference };
}

/** The take's record of the synchronisation (null: none was run): the reference camera and every view's result. */
export function syncMeta(cameras: readonly Camera[], sync: SyncResult | null, reference: number) {
  return sync ? { reference: cameras[reference].name, views: sync.views.map((v, i) => ({ camera: cameras[i].name, ...v })) } : null;
}

export async function processDetections(cameras: readonly Camera[], tracks: readonly KeypointTrack[], o: ProcessOptions): Promise<ProcessReport> {
  const problems: string[] = [];
  const files: string[] = [];
  mkdirSync(o.outDir, { recursive: true });
  const detected = tracks.map((t) => t.frames.filter(Boolean).length);
  detected.forEach((n, v) => { if (n === 0) problems.push(`${cameras[v].name}: nobody detected in any frame; the view is left out`); });

  // 1. Synchronisation.
  const { sync, timings, reference } = await synchronise(cameras, tracks, o, problems);
  const { times, frames } = resampleToReference(tracks, timings, reference);
  if (frames.length === 0) {
    problems.push('no instant has two views with a person: nothing to fuse');
    return { files, problems, sync, frames: 0, methods: [] };
  }

  // 2. Fusion through the registry.
  const methods: FusionMethod[] = await createMethods(o.methods ?? DEFAULT_METHOD_IDS, {
    onUnavailable: (id, why) => problems.push(`method ${id} is not run: ${why}`),
  });
  const poses = await fuseSequence(methods, cameras, frames, times, (f, id) => o.progress(0.3 + 0.6 * f, `fusing (${id})`));
  for (const m of methods) if (poses[m.id].every((p) => !p)) problems.push(`method ${m.id}: no pose in any frame`);
  for (const m of methods) m.dispose?.();

  // 3. The take: 2D as fused, every method's 3D.
  const t0 = times[0];
  const ids = methods.map((m) => m.id);
  const takeFrames: MultiTakeFrame[] = frames.map((views, f) => ({
    time: times[f] - t0,
    views: views.map((v) => (v ? [Float32Array.from(v)] : [])),
    labels: null,
    gt: null,
    extra: { poses3d: [recordedPerson(0, ids, (m) => poses[m][f])] },
  }));
  const take = buildTake(cameras, takeFrames, tracks[reference].fps, Object.fromEntries(methods.map((m) => [m.id, methodLabel(m.id)])), {
    source: 'npm run process',
    sync: syncMeta(cameras, sync, reference),
  });
  const takePath = join(o.outDir, `${o.baseName}.take.json`);
  writeFileSync(takePath, serializeMultiTake(take));
  files.push(takePath);

  // 4. Every export of every method, each in its target's frame (C3D Z up, as lab systems write it).
  writeExports(cameras, ids, poses, times.map((t) => t - t0), take.fps, o, o.outDir, files, problems);
  o.progress(1, 'done');
  return { files, problems, sync, frames: frames.length, methods: ids };
}

/**
 * Every export format of every method's poses (gap filling and filtering as asked) into `dir`, each in its
 * target's frame (C3D Z up, as lab systems write it); what is written goes to `files`, what fails to `problems`.
 * Returns the sequences as exported (filled, filtered), per method.
 */
export function writeExports(
  cameras: readonly Camera[], methodIds: readonly string[], poses: Readonly<Record<string, readonly (PoseLike | null)[]>>, rel: number[], fps: number,
  o: Pick<ProcessOptions, 'baseName' | 'fillGapsS' | 'filterHz' | 'log'>, dir: string, files: string[], problems: string[],
): Record<string, (PoseLike | null)[]> {
  const frame = exportFrame(cameras);
  const written: Record<string, (PoseLike | null)[]> = {};
  for (const id of methodIds) {
    let seq: (PoseLike | null)[] = [...poses[id]];
    if (o.fillGapsS > 0) {
      const r = fillGaps(seq, rel, { maxGapS: o.fillGapsS });
      seq = r.poses;
      o.log(`  ${id}: ${r.filledCount} joint-frames filled, ${r.leftEmpty} left empty (gaps over ${o.fillGapsS} s)`);
    }
    if (o.filterHz > 0) {
      try {
        seq = butterworthPoses(seq, fps, { cutoffHz: o.filterHz });
      } catch (e) {
        problems.push(`${id}: not filtered: ${(e as Error).message}`);
      }
    }
    written[id] = seq;
    // The app's per-person writers, one person here (process-people.ts calls this once per person's folder).
    for (const format of ALL_EXPORT_FORMATS) {
      try {
        for (const file of runPeopleExport({ format, method: id, fps, times: rel, people: [{ id: 0, poses: seq }], tagged: false, frame, baseName: o.baseName })) {
          const path = join(dir, file.name);
          writeFileSync(path, file.data);
          files.push(path);
        }
      } catch (e) {
        problems.push(`${id} ${format}: ${(e as Error).message}`);
      }
    }
  }
  return written;
}

/** Every method over one person's frame sets in time order (chunks of 64, each method from a reset). */
export async function fuseSequence(
  methods: readonly FusionMethod[], cameras: readonly Camera[], frames: readonly FrameViews[], times: readonly number[], progress: (fraction: number, method: string) => void,
): Promise<Record<string, (Pose3D | null)[]>> {
  const poses: Record<string, (Pose3D | null)[]> = {};
  const CHUNK = 64;
  for (const [mi, m] of methods.entries()) {
    m.reset?.();
    const out: (Pose3D | null)[] = [];
    for (let s = 0; s < frames.length; s += CHUNK) {
      out.push(...(await m.estimateFrames(cameras, frames.slice(s, s + CHUNK), times.slice(s, s + CHUNK))));
      progress((mi + s / frames.length) / methods.length, m.id);
    }
    poses[m.id] = out;
  }
  return poses;
}
