/**
 * "Refine from the person" after a processed run with a calibration: bundle adjustment of the cameras over the
 * run's keypoints (in a worker, cancellable, with progress), the reprojection error per camera before and after,
 * then Keep (the refined cameras replace theirs in the calibration in use) or Drop (nothing changes).
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { singlePersonViews } from '../take/multi';
import type { PersonCalibrationResult } from '../calibration/person';
import { replaceCameras } from '../calibration/replace-cameras';
import { session } from './app-session';

const px = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');

export function RefinePerson() {
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const src = state.source;
  const [busy, setBusy] = useState<{ progress: number; stage: string } | null>(null);
  const [result, setResult] = useState<{ r: PersonCalibrationResult; calibName: string } | null>(null);
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  const worker = useRef<Worker | null>(null);
  useEffect(() => () => worker.current?.terminate(), []);

  const ended = src.finite && (src.phase === 'finished' || src.phase === 'stopped');
  if (!state.calibration || (!ended && !result && !busy)) return null;

  const start = () => {
    const take = session.runTake();
    const calib = session.getSnapshot().calibration;
    if (!take || !calib) return setNote({ text: 'Refining needs a processed run of at least two frame sets fused in 3D.', error: true });
    setNote(null);
    setResult(null);
    setBusy({ progress: 0, stage: 'starting' });
    const w = (worker.current = new Worker(new URL('./person-worker.ts', import.meta.url), { type: 'module' }));
    w.onmessage = (e: MessageEvent<{ progress?: number; stage?: string; result?: PersonCalibrationResult; error?: string }>) => {
      if (e.data.progress !== undefined) return setBusy({ progress: e.data.progress, stage: e.data.stage ?? '' });
      w.terminate();
      worker.current = null;
      setBusy(null);
      if (e.data.error) return setNote({ text: `Refining failed; the calibration is unchanged: ${e.data.error}`, error: true });
      setResult({ r: e.data.result!, calibName: calib.name });
    };
    w.postMessage({ cameras: take.cameras, frames: take.frames.map(singlePersonViews) });
  };
  const cancel = () => {
    worker.current?.terminate();
    worker.current = null;
    setBusy(null);
    setNote({ text: 'Refining cancelled; the calibration is unchanged.', error: false });
  };
  const keep = () => {
    const calib = session.getSnapshot().calibration;
    if (!result || !calib) return;
    const name = `${result.calibName} (refined from the person)`;
    try {
      session.setCalibration(replaceCameras(calib.cameras, result.r.cameras), name);
    } catch (e) {
      setResult(null);
      return setNote({ text: `Not kept; the calibration is unchanged: ${e instanceof Error ? e.message : String(e)}`, error: true });
    }
    setResult(null);
    setNote({ text: `Kept: ${result.r.cameras.length} cameras refined; the calibration in use is now "${name}". Process again to use it.`, error: false });
  };
  const drop = () => {
    setResult(null);
    setNote({ text: 'Dropped; the calibration is unchanged.', error: false });
  };

  return (
    <div className="video-sync" data-testid="refine-person">
      {!busy && !result && ended && (
        <button type="button" data-testid="refine-run" title="Bundle adjustment of the cameras over this run's keypoints" onClick={start}>
          Refine the calibration from the person
        </button>
      )}
      {busy && (
        <span data-testid="refine-progress">
          <progress value={busy.progress} max={1} /> refining ({busy.stage}){' '}
          <button type="button" data-testid="refine-cancel" onClick={cancel}>Cancel</button>
        </span>
      )}
      {result && (
        <>
          <div className="hint">
            Reprojection error per camera (px, RMS / median), {result.r.frames} frames, {result.r.observations} keypoints:
          </div>
          <table className="sync-table" data-testid="refine-table">
            <thead><tr><th>camera</th><th>before</th><th>after</th></tr></thead>
            <tbody>
              {result.r.cameras.map((c, i) => (
                <tr key={c.name} data-testid={`refine-row-${i}`} data-before={result.r.rmsBefore[i]} data-after={result.r.rmsAfter[i]}
                  data-median-before={result.r.medianBefore[i]} data-median-after={result.r.medianAfter[i]}>
                  <td>{c.name}</td>
                  <td>{px(result.r.rmsBefore[i])} / {px(result.r.medianBefore[i])}</td>
                  <td>{px(result.r.rmsAfter[i])} / {px(result.r.medianAfter[i])}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" data-testid="refine-keep" onClick={keep}>Keep</button>{' '}
          <button type="button" data-testid="refine-drop" onClick={drop}>Drop</button>
        </>
      )}
      {note && <div className={note.error ? 'capture-error' : 'hint'} role={note.error ? 'alert' : undefined} data-testid="refine-note">{note.text}</div>}
    </div>
  );
}
