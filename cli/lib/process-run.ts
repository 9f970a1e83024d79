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
import type { FusionMethod, Pose3D } from '../../src/fusion/types';
import { buildTake, poseToJSON } from '../../src/record/take-poses';
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

export async function processDetections(cameras: readonly Camera[], tracks: readonly KeypointTrack[], o: ProcessOptions): Promise<ProcessReport> {
  const problems: string[] = [];
  const files: string[] = [];
  mkdirSync(o.outDir, { recursive: true });
  const detected = tracks.map((t) => t.frames.filter(Boolean).length);
  detected.forEach((n, v) => { if (n === 0) problems.push(`${cameras[v].name}: nobody detected in any frame; the view is left out`); });

  // 1. Synchronisation.
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
  const { times, frames } = resampleToReference(tracks, timings, reference);
  if (frames.length === 0) {
    problems.push('no instant has two views with a person: nothing to fuse');
    return { files, problems, sync, frames: 0, methods: [] };
  }

  // 2. Fusion through the registry.
  const ids = o.methods ?? DEFAULT_METHOD_IDS;
  const methods: FusionMethod[] = await createMethods(ids, {
    onUnavailable: (id, why) => problems.push(`method ${id} is not run: ${why}`),
  });
  const poses: Record<string, (Pose3D | null)[]> = {};
  const CHUNK = 64;
  for (const [mi, m] of methods.entries()) {
    m.reset?.();
    const out: (Pose3D | null)[] = [];
    for (let s = 0; s < frames.length; s += CHUNK) {
      out.push(...(await m.estimateFrames(cameras, frames.slice(s, s + CHUNK), times.slice(s, s + CHUNK))));
      o.progress(0.3 + (0.6 * (mi + s / frames.length)) / methods.length, `fusing (${m.id})`);
    }
    poses[m.id] = out;
    const n = out.filter(Boolean).length;
    if (n === 0) problems.push(`method ${m.id}: no pose in any frame`);
    m.dispose?.();
  }

  // 3. The take: 2D as fused, every method's 3D.
  const t0 = times[0];
  const takeFrames: MultiTakeFrame[] = frames.map((views, f) => ({
    time: times[f] - t0,
    views: views.map((v) => (v ? [Float32Array.from(v)] : [])),
    labels: null,
    gt: null,
    extra: { poses3d: [{ id: 0, poses: Object.fromEntries(methods.map((m) => [m.id, poseToJSON(poses[m.id][f])])) }] },
  }));
  const take = buildTake(cameras, takeFrames, tracks[reference].fps, Object.fromEntries(methods.map((m) => [m.id, methodLabel(m.id)])), {
    source: 'npm run process',
    sync: sync ? { reference: cameras[reference].name, views: sync.views.map((v, i) => ({ camera: cameras[i].name, ...v })) } : null,
  });
  const takePath = join(o.outDir, `${o.baseName}.take.json`);
  writeFileSync(takePath, serializeMultiTake(take));
  files.push(takePath);

  // 4. Every export of every method, each in its target's frame (C3D Z up, as lab systems write it).
  const frame = exportFrame(cameras);
  const rel = times.map((t) => t - t0);
  for (const m of methods) {
    let seq: (PoseLike | null)[] = poses[m.id];
    if (o.fillGapsS > 0) {
      const r = fillGaps(seq, rel, { maxGapS: o.fillGapsS });
      seq = r.poses;
      o.log(`  ${m.id}: ${r.filledCount} joint-frames filled, ${r.leftEmpty} left empty (gaps over ${o.fillGapsS} s)`);
    }
    if (o.filterHz > 0) {
      try {
        seq = butterworthPoses(seq, take.fps, { cutoffHz: o.filterHz });
      } catch (e) {
        problems.push(`${m.id}: not filtered: ${(e as Error).message}`);
      }
    }
    // The app's per-person writers (one person here; several people's sequences give their per-person files).
    for (const format of ALL_EXPORT_FORMATS) {
      try {
        for (const file of runPeopleExport({ format, method: m.id, fps: take.fps, times: rel, people: [{ id: 0, poses: seq }], tagged: false, frame, baseName: o.baseName })) {
          const path = join(o.outDir, file.name);
          writeFileSync(path, file.data);
          files.push(path);
        }
      } catch (e) {
        problems.push(`${m.id} ${format}: ${(e as Error).message}`);
      }
    }
  }
  o.progress(1, 'done');
  return { files, problems, sync, frames: frames.length, methods: methods.map((m) => m.id) };
}
