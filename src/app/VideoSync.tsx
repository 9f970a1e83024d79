/**
 * Synchronising the Videos source: after a run, each video's offset and rate are estimated from the run's 2D
 * keypoints (in a worker: the reprojection search is heavy), shown per video in steps of the run and in ms with a
 * confidence, nudged by a step, and the videos processed again on those times.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { singlePersonViews } from '../take/multi';
import { VideoFileSource } from '../cameras/video-source';
import { describeOffset, nudged, timingsFromSync, type VideoTiming } from '../sync/video-times';
import type { KeypointTrack, SyncResult } from '../sync';
import { session, startVideos } from './app-session';

interface Estimate {
  labels: string[];
  stepFps: number;
  timings: VideoTiming[];
  /** Per video: the estimate's confidence and how it was found (null once nudged by hand). */
  found: { confidence: number; method: string }[];
  nudges: number[];
}

export function VideoSync({ files }: { files: readonly File[] }) {
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const src = state.source;
  const [est, setEst] = useState<Estimate | null>(null);
  const [busy, setBusy] = useState<{ progress: number; stage: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const worker = useRef<Worker | null>(null);
  useEffect(() => () => worker.current?.terminate(), []);

  const active = session.activeSource instanceof VideoFileSource ? session.activeSource : null;
  const ended = src.kind === 'videos' && (src.phase === 'finished' || src.phase === 'stopped');

  const estimate = () => {
    const take = session.runTake();
    const stepFps = active?.stepFps;
    if (!take || !active || !stepFps) return setError('Synchronising needs a processed run of at least two frame sets fused in 3D (load a calibration first).');
    const nv = take.cameras.length;
    if (nv < 2) return setError('Synchronising needs at least two videos.');
    // The run's samples are its frame sets, counted at the step rate.
    const tracks: KeypointTrack[] = Array.from({ length: nv }, (_, v) => ({ fps: take.fps, frames: take.frames.map((f) => singlePersonViews(f)[v]) }));
    const labels = active.inputs.map((i) => i.label);
    const prev = active.timings ? [...active.timings] : null;
    setError(null);
    setBusy({ progress: 0, stage: 'starting' });
    const w = (worker.current = new Worker(new URL('../cameras/sync-worker.ts', import.meta.url), { type: 'module' }));
    w.onmessage = (e: MessageEvent<{ progress?: number; stage?: string; result?: SyncResult; error?: string }>) => {
      if (e.data.progress !== undefined) return setBusy({ progress: e.data.progress, stage: e.data.stage ?? '' });
      w.terminate();
      worker.current = null;
      setBusy(null);
      if (e.data.error) return setError(`Synchronisation failed: ${e.data.error}`);
      const r = e.data.result!;
      setEst({
        labels, stepFps,
        timings: timingsFromSync(r.views, take.fps, prev),
        found: r.views.map((v) => ({ confidence: v.confidence, method: v.method })),
        nudges: r.views.map(() => 0),
      });
    };
    w.postMessage({ tracks, cameras: take.cameras });
  };
  const cancel = () => {
    worker.current?.terminate();
    worker.current = null;
    setBusy(null);
    setError('Synchronisation cancelled; the offsets are as they were.');
  };
  const nudge = (v: number, steps: number) =>
    setEst((e) => e && { ...e, timings: e.timings.map((t, i) => (i === v ? nudged(t, steps, e.stepFps) : t)), nudges: e.nudges.map((n, i) => (i === v ? n + steps : n)) });

  if (!ended && !est) return null;
  // The rate column only when a rate differs from the file's (phones: 29.97 written as 30); else one line says so.
  const showRate = !!est && est.timings.some((t) => Math.abs(t.fps / t.nominalFps - 1) > 1e-4);
  return (
    <div className="video-sync" data-testid="video-sync">
      {ended && !busy && (
        <button type="button" data-testid="sync-run" onClick={estimate} title="Estimate each video's offset and rate from the people's motion in this run">
          Synchronise the videos
        </button>
      )}
      {busy && (
        <span data-testid="sync-progress">
          <progress value={busy.progress} max={1} /> synchronising ({busy.stage}){' '}
          <button type="button" data-testid="sync-cancel" onClick={cancel}>Cancel</button>
        </span>
      )}
      {error && <div className="capture-error" role="alert" data-testid="sync-error">{error}</div>}
      {est && (
        <>
          <div className="hint">Offsets in frames at {est.stepFps} fps (positive: the video started later); nudge by one frame.{!showRate && ' Every rate as in its file.'}</div>
          <table className="sync-table" data-testid="sync-table">
            <thead>
              <tr><th>video</th><th title={`frames at the run's ${est.stepFps} fps`}>offset</th><th>ms</th>{showRate && <th>rate</th>}<th title="confidence, 0–1 (under 0.1: a guess)">conf.</th><th /></tr>
            </thead>
            <tbody>
              {est.timings.map((t, v) => {
                const d = describeOffset(t, est.stepFps);
                const f = est.found[v];
                return (
                  <tr key={v} data-testid={`sync-row-${v}`}>
                    <td className="sync-name" title={est.labels[v]}>{est.labels[v]}</td>
                    <td data-testid={`sync-offset-${v}`} data-frames={d.frames} data-ms={d.ms}>{d.frames > 0 ? '+' : ''}{d.frames}</td>
                    <td>{d.ms > 0 ? '+' : ''}{d.ms}</td>
                    {showRate && <td data-testid={`sync-rate-${v}`}>{Math.round((t.fps / t.nominalFps) * 1000) / 10}%</td>}
                    <td data-testid={`sync-confidence-${v}`} data-confidence={f.confidence.toFixed(3)} title={f.method}>
                      {f.method === 'reference' ? 'reference' : f.method === 'failed' ? 'not found' : `${f.confidence.toFixed(2)}${f.confidence < 0.1 ? ' (a guess)' : ''}`}
                      {est.nudges[v] !== 0 && <div>nudged {est.nudges[v] > 0 ? '+' : ''}{est.nudges[v]}</div>}
                    </td>
                    <td className="sync-nudge">
                      <button type="button" data-testid={`sync-minus-${v}`} aria-label={`${est.labels[v]} one frame earlier`} onClick={() => nudge(v, -1)}>−1</button>
                      <button type="button" data-testid={`sync-plus-${v}`} aria-label={`${est.labels[v]} one frame later`} onClick={() => nudge(v, 1)}>+1</button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <button type="button" data-testid="sync-apply" disabled={!files.length || src.phase === 'running' || src.phase === 'starting'}
            title={files.length ? undefined : 'Choose the video files again first.'}
            onClick={() => void startVideos(files, est.timings)}>
            Process again on these times
          </button>
        </>
      )}
    </div>
  );
}
