import { download } from '../util/download';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { parseMultiTake, serializeMultiTake, type MultiTake } from '../take/multi';
import { ALL_EXPORT_FORMATS, type FileExportRequest } from '../export/export';
import type { ExportFile, PeopleExportRequest } from '../export/people';
import { personLabel } from '../people/label';
import { exportFrame } from '../export/frame';
import { byMethodOrder, methodLabel } from '../fusion/registry';
import type { Session } from '../session/session';
import type { Fuser } from '../fusion/fuser';
import { TakeSource } from '../cameras/take-source';
import { readTakePoses, takeMethods, type TakePoses } from './take-poses';

/** The session and pipeline the panel works on, given by the app (the recorder never imports the app). */
interface Props {
  session: Session;
  pipeline: Pick<Fuser, 'settings' | 'setSettings'>;
}


/** A take with its recorded 3D read and validated (a take whose 3D does not read is not loaded). */
interface Loaded {
  take: MultiTake;
  poses: TakePoses;
}

/**
 * Record any source to a take, keep a processed run as a take without recording, load a take, replay it on a
 * timeline (through the session, as a take source), export a method's 3D poses: of one person or of everyone in a
 * take of several people.
 */
export function RecordPanel({ session, pipeline }: Props) {
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const take = loaded?.take ?? null;
  const [who, setWho] = useState<'all' | number>('all');
  const [takeFrom, setTakeFrom] = useState<string>('');
  const [error, setError] = useState<string | null>(null);
  const [method, setMethod] = useState('robust');
  const [progress, setProgress] = useState<number | null>(null);
  const [pos, setPos] = useState(0);
  const [exported, setExported] = useState<string | null>(null);
  const replay = useRef<TakeSource | null>(null);
  const adoptedRun = useRef(-1);

  /** Makes `t` the take; throws (and changes nothing) when its recorded 3D does not read. */
  const adopt = (t: MultiTake, from: string) => {
    const poses = readTakePoses(t);
    setLoaded({ take: t, poses });
    setTakeFrom(from);
    setExported(null);
    setWho('all');
    const ids = takeMethods(t);
    // The first in the registry's order: the app's lifter when the take has it (lifters come first).
    setMethod(byMethodOrder(ids)[0] ?? 'robust');
    const r = new TakeSource(t, from);
    r.position.subscribe(setPos);
    replay.current = r;
    setPos(0);
  };

  // A processed run (videos, a take from the camera panel) is the take to export once it ends: no record needed.
  const src = state.source;
  const ended = src.phase === 'finished' || src.phase === 'stopped';
  useEffect(() => {
    if (!ended || !src.finite || adoptedRun.current === src.run || session.activeSource === replay.current) return;
    const t = session.runTake();
    if (!t) return;
    adoptedRun.current = src.run;
    try {
      adopt(t, `processed ${src.kind === 'videos' ? 'videos' : 'take'}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [ended, src.run, src.finite, state.run.frames]);

  const recording = state.recording.active;
  const toggleRecord = () => {
    if (recording) {
      const t = session.stopRecording();
      if (!t) return setError('Nothing recorded: fewer than two frame sets were fused in 3D.');
      try {
        adopt(t, 'recording');
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    } else {
      setError(null);
      session.startRecording();
    }
  };

  const load = async (file: File) => {
    try {
      // Parsed and its 3D read before anything is replaced: a failed load keeps the take there was.
      adopt(parseMultiTake(await file.text()), file.name);
      setError(null);
    } catch (e) {
      setError(`${file.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const replaying = session.activeSource !== null && session.activeSource === replay.current;
  const playing = replaying && src.phase === 'running';
  const togglePlay = () => {
    const r = replay.current;
    if (!r) return;
    if (!replaying || src.phase === 'finished' || src.phase === 'stopped') void session.use(r);
    else if (playing) session.pause();
    else session.resume();
  };

  const multi = take?.version === 2;
  const doExport = (format: FileExportRequest['format']) => {
    if (!loaded || !take) return;
    const ids = who === 'all' ? loaded.poses.people : [who];
    // Everyone with a pose of this method (a person the method never reconstructed has nothing to export).
    const people = ids.map((id) => ({ id, poses: loaded.poses.poses(method, id) })).filter((p) => p.poses.some(Boolean));
    if (!people.length) return setError(`Nothing to export: ${who === 'all' ? 'nobody has' : `${personLabel(who)} has no`} ${methodLabel(method)} pose in this take.`);
    setError(null);
    const req: PeopleExportRequest = {
      format, method, fps: take.fps, times: take.frames.map((f) => f.time), people, tagged: multi, frame: exportFrame(take.cameras), baseName: 'parallax-take',
    };
    const worker = new Worker(new URL('./export-worker.ts', import.meta.url), { type: 'module' });
    setProgress(0);
    setExported(null);
    worker.onmessage = (e: MessageEvent<{ progress?: number; done?: boolean; files?: ExportFile[]; error?: string }>) => {
      if (e.data.progress !== undefined) setProgress(e.data.progress);
      if (e.data.done || e.data.error) {
        worker.terminate();
        setProgress(null);
        if (e.data.error) setError(e.data.error);
        else {
          const files = e.data.files!;
          for (const f of files) download(f.name, f.data, f.mime);
          const whose = multi ? `, ${people.map((p) => personLabel(p.id)).join(' ')}` : '';
          setExported(`${files.map((f) => f.name).join(', ')} saved to your downloads folder (${take.frames.length} frames, ${methodLabel(method)}${whose}).`);
        }
      }
    };
    worker.postMessage(req);
  };

  const methods = take ? takeMethods(take) : [];
  const people = loaded?.poses.people ?? [];
  const rec = session.offers.record;
  return (
    <details className="side-section" open data-testid="record-panel">
      <summary>Record · replay · export</summary>
      <div className="row">
        <button type="button" data-testid="record-toggle" onClick={toggleRecord} disabled={!rec.ok} title={rec.why ?? undefined}>
          {recording ? `stop (${state.recording.frames} frames)` : '● record'}
        </button>
        <label className="chip">
          load take <input type="file" accept=".json,application/json" hidden data-testid="take-file" onChange={(e) => e.target.files?.[0] && load(e.target.files[0])} />
        </label>
      </div>
      {!rec.ok && !recording && <div className="hint" data-testid="record-why">{rec.why}</div>}
      {src.finite && src.phase === 'running' && !replaying && (
        <div className="hint" data-testid="run-progress">Every frame set of this run is kept: export it when processing ends (no need to record).</div>
      )}
      {take && (
        <>
          <div className="row" data-testid="take-info" data-frames={take.frames.length} data-version={take.version} data-people={people.length}>
            {takeFrom}: {take.frames.length} frames, {take.cameras.length} cameras, {take.fps} fps{multi ? `, ${people.length} ${people.length === 1 ? 'person' : 'people'} tracked` : ''}
            <button type="button" data-testid="save-take" onClick={() => download('parallax-take.json', serializeMultiTake(take), 'application/json')}>save</button>
          </div>
          <div className="row">
            <button type="button" data-testid="replay-toggle" onClick={togglePlay}>
              {playing ? 'pause' : '▶ replay'}
            </button>
            <input type="range" min={0} max={take.frames.length - 1} value={pos} aria-label="timeline" data-testid="timeline" onChange={(e) => replay.current?.seek(Number(e.target.value))} />
            <span>{take.frames[pos]?.time.toFixed(2)} s</span>
          </div>
          <div className="row wrap">
            <select aria-label="method to export" data-testid="export-method" value={method} onChange={(e) => setMethod(e.target.value)}>
              {byMethodOrder(methods).map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
            {multi && (
              <select aria-label="person to export" data-testid="export-person" value={String(who)} onChange={(e) => setWho(e.target.value === 'all' ? 'all' : Number(e.target.value))}>
                <option value="all">all people</option>
                {people.map((id) => <option key={id} value={id}>{personLabel(id)}</option>)}
              </select>
            )}
            {ALL_EXPORT_FORMATS.map((f) => (
              <button key={f} type="button" data-testid={`export-${f}`} disabled={progress !== null} onClick={() => doExport(f)}>{f.toUpperCase()}</button>
            ))}
          </div>
          {progress !== null && <progress data-testid="export-progress" value={progress} max={1} />}
          {exported && <div className="hint" data-testid="export-done">{exported}</div>}
        </>
      )}
      <SmoothingControls pipeline={pipeline} />
      {error && <div className="hint" role="alert" data-testid="record-error">{error}</div>}
    </details>
  );
}

/** One Euro smoothing of every method's output, off by default so the comparison shows raw results. */
function SmoothingControls({ pipeline }: { pipeline: Pick<Fuser, 'settings' | 'setSettings'> }) {
  const [s, setS] = useState(pipeline.settings);
  const update = (patch: Partial<typeof s>) => {
    const next = { ...s, ...patch };
    pipeline.setSettings(next);
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
