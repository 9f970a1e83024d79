import { useEffect, useRef, useState } from 'react';
import { parseTake, serializeTake, type Take } from '../take';
import { EXPORT_FORMATS, exportFileName, type ExportFormat, type ExportRequest } from '../export/export';
import { pipeline } from '../app/fusion-runner';
import { TakeRecorder } from './recorder';
import { TimelineReplay } from './replay';
import { takeMethods, takePoses } from './take-poses';

const recorder = new TakeRecorder();

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Record any source to a take, load a take, replay it with a timeline, export a method's 3D poses. */
export function RecordPanel() {
  const [recording, setRecording] = useState(false);
  const [count, setCount] = useState(0);
  const [take, setTake] = useState<Take | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [method, setMethod] = useState('robust');
  const [progress, setProgress] = useState<number | null>(null);
  const [pos, setPos] = useState(0);
  const [playing, setPlaying] = useState(false);
  const replay = useRef<TimelineReplay | null>(null);

  useEffect(() => {
    if (!recording) return;
    const t = setInterval(() => setCount(recorder.count), 250);
    return () => clearInterval(t);
  }, [recording]);

  const adopt = (t: Take) => {
    replay.current?.pause();
    setTake(t);
    const ids = takeMethods(t);
    setMethod(ids.includes('lifter') ? 'lifter' : ids.includes(method) ? method : (ids[0] ?? 'robust'));
    const r = new TimelineReplay(t);
    r.position.subscribe(setPos);
    r.playing.subscribe(setPlaying);
    replay.current = r;
    setPos(0);
  };

  const toggleRecord = () => {
    if (recorder.recording) {
      const t = recorder.stop();
      setRecording(false);
      if (t) adopt(t);
      else setError('nothing recorded (no fused frames)');
    } else {
      setError(null);
      recorder.start();
      setRecording(true);
      setCount(0);
    }
  };

  const load = async (file: File) => {
    try {
      adopt(parseTake(await file.text()));
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const doExport = (format: ExportFormat) => {
    if (!take) return;
    let poses;
    try {
      poses = takePoses(take, method);
    } catch (e) {
      return setError(e instanceof Error ? e.message : String(e));
    }
    const req: ExportRequest = { format, method, fps: take.fps, times: take.frames.map((f) => f.time), poses, baseName: 'parallax-take' };
    const worker = new Worker(new URL('./export-worker.ts', import.meta.url), { type: 'module' });
    setProgress(0);
    worker.onmessage = (e: MessageEvent<{ progress?: number; done?: boolean; text?: string; error?: string }>) => {
      if (e.data.progress !== undefined) setProgress(e.data.progress);
      if (e.data.done || e.data.error) {
        worker.terminate();
        setProgress(null);
        if (e.data.error) setError(e.data.error);
        else download(exportFileName(req), e.data.text!, 'text/plain');
      }
    };
    worker.postMessage(req);
  };

  const methods = take ? takeMethods(take) : [];
  return (
    <details className="side-section" open data-testid="record-panel">
      <summary>Record · replay · export</summary>
      <div className="row">
        <button type="button" data-testid="record-toggle" onClick={toggleRecord}>
          {recording ? `stop (${count} frames)` : '● record'}
        </button>
        <label className="chip">
          load take <input type="file" accept=".json,application/json" hidden data-testid="take-file" onChange={(e) => e.target.files?.[0] && load(e.target.files[0])} />
        </label>
      </div>
      {take && (
        <>
          <div className="row" data-testid="take-info">
            take: {take.frames.length} frames, {take.cameras.length} cameras, {take.fps} fps
            <button type="button" data-testid="save-take" onClick={() => download('parallax-take.json', serializeTake(take), 'application/json')}>save</button>
          </div>
          <div className="row">
            <button type="button" data-testid="replay-toggle" onClick={() => (playing ? replay.current?.pause() : (pipeline.reset(), replay.current?.play()))}>
              {playing ? 'pause' : '▶ replay'}
            </button>
            <input type="range" min={0} max={take.frames.length - 1} value={pos} aria-label="timeline" data-testid="timeline" onChange={(e) => replay.current?.seek(Number(e.target.value))} />
            <span>{take.frames[pos]?.time.toFixed(2)} s</span>
          </div>
          <div className="row wrap">
            <select aria-label="method to export" data-testid="export-method" value={method} onChange={(e) => setMethod(e.target.value)}>
              {methods.map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
            {EXPORT_FORMATS.map((f) => (
              <button key={f} type="button" data-testid={`export-${f}`} disabled={progress !== null} onClick={() => doExport(f)}>{f.toUpperCase()}</button>
            ))}
          </div>
          {progress !== null && <progress data-testid="export-progress" value={progress} max={1} />}
        </>
      )}
      <SmoothingControls />
      {error && <div className="hint" role="alert">{error}</div>}
    </details>
  );
}

/** One Euro smoothing of every method's output, off by default so the comparison shows raw results. */
function SmoothingControls() {
  const [s, setS] = useState(pipeline.pipeline.settings);
  const update = (patch: Partial<typeof s>) => {
    const next = { ...s, ...patch };
    pipeline.pipeline.setSettings(next);
    setS(next);
  };
  const param = (k: keyof typeof s.oneEuro, label: string, step: number) => (
    <label className="chip">
      {label} <input className="num" type="number" step={step} min={0} value={s.oneEuro[k]} onChange={(e) => update({ oneEuro: { ...s.oneEuro, [k]: Math.max(0, Number(e.target.value) || 0) } })} />
    </label>
  );
  return (
    <div className="row wrap" data-testid="smoothing">
      <label><input type="checkbox" checked={s.smoothing} onChange={(e) => update({ smoothing: e.target.checked })} /> One Euro smoothing</label>
      {param('minCutoff', 'min cutoff Hz', 0.1)}
      {param('beta', 'β', 0.1)}
      {param('dCutoff', 'd cutoff Hz', 0.1)}
    </div>
  );
}
