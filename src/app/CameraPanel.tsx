/**
 * The source choice and its tiles. Nothing asks for camera permission until the user picks "Cameras" and presses
 * Connect: the app opens in simulation mode. What can be done here follows the session's state (offers), and
 * every message about the rig (calibration, which camera is which, what is shown in 2D only) is listed here.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { SourceKind } from '../cameras/source';
import { CameraTile } from './CameraTile';
import { BACKEND_IDS, MODELS, MODEL_IDS, type BackendChoice, type ModelId } from '../detection/models';
import { CameraError, MAX_CAMERAS, requestAndListCameras, type VideoDevice } from '../cameras/webcams';
import { parseCalibrationText } from '../calibration/io';
import type { CaptureSettings } from '../cameras/capture-settings';
import { captureSettings, parseTakeFile, restartAtCalibratedSize, session, startSimulation, startTake, startVideos, startWebcams } from './app-session';
import { openWizard } from './route';
import { SessionMessages } from './SessionMessages';
import { LifterBackendControl } from './FusionControls';
import { VideoSync } from './VideoSync';
import { RefinePerson } from './RefinePerson';
import './capture.css';

/** Attribute values: a number that is not finite is left out (React warns on NaN, and "NaN" means nothing). */
const finite = (x: number | null) => (x !== null && Number.isFinite(x) ? x : undefined);

const TABS: Array<[SourceKind, string]> = [['simulation', 'Simulation'], ['webcams', 'Cameras'], ['videos', 'Videos'], ['take', 'Take']];
const TAB_IDS: Record<SourceKind, string> = { simulation: 'simulation', webcams: 'cameras', videos: 'videos', take: 'take' };

function useCaptureSettings(): CaptureSettings {
  const [s, set] = useState(captureSettings.current);
  useEffect(() => captureSettings.subscribe(set), []);
  return s;
}

function eta(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '';
  return s < 1 ? ' · almost done' : ` · about ${s < 90 ? `${Math.ceil(s)} s` : `${Math.ceil(s / 60)} min`} left`;
}

export function CameraPanel() {
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const s = useCaptureSettings();
  const src = state.source;
  const [tab, setTab] = useState<SourceKind>(src.kind ?? 'simulation');
  const [devices, setDevices] = useState<VideoDevice[] | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [asking, setAsking] = useState(false);
  const [files, setFiles] = useState<File[]>([]);
  const [calib, setCalib] = useState<{ text: string; error: boolean; kept?: string } | null>(null);
  const [panelError, setPanelError] = useState<string | null>(null);
  useEffect(() => setPicked((devices ?? []).slice(0, MAX_CAMERAS).map((d) => d.deviceId)), [devices]);
  useEffect(() => {
    if (src.kind) setTab(src.kind);
  }, [src.kind, src.run]);
  const busy = src.phase === 'running' || src.phase === 'starting';
  const detecting = busy && (src.kind === 'webcams' || src.kind === 'videos');

  const toggle = (id: string) =>
    setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : p.length < MAX_CAMERAS ? [...p, id] : p));
  const connect = async () => {
    setAsking(true);
    setPanelError(null);
    try {
      const list = await requestAndListCameras();
      if (!list.length) throw new CameraError('No camera found. Plug one in, or use Videos as the source.', 'not-found');
      setDevices(list);
    } catch (e) {
      setPanelError(e instanceof Error ? e.message : String(e));
    } finally {
      setAsking(false);
    }
  };
  // Same readers as the calibration wizard's import; a bad file leaves the calibration in use as it was.
  const loadCalibration = async (f: File) => {
    try {
      const cams = parseCalibrationText(f.name, await f.text());
      session.setCalibration(cams, f.name);
      setCalib({ text: `${f.name}: ${cams.length} cameras (${cams.map((c) => c.name).join(', ')})`, error: false });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const cams = session.getSnapshot().calibration?.cameras;
      const kept = cams?.length ? `${cams.length} cameras (${cams.map((c) => c.name).join(', ')})` : 'none';
      setCalib({ text: msg.startsWith(`${f.name}: `) ? msg : `${f.name}: ${msg}`, error: true, kept }); // readers name the file
    }
  };
  const loadTake = async (f: File) => {
    try {
      setPanelError(null);
      await startTake(parseTakeFile(await f.text(), f.name), f.name);
    } catch (e) {
      setPanelError(e instanceof Error ? e.message : String(e));
    }
  };
  const pick = (k: SourceKind) => {
    setTab(k);
    setPanelError(null);
  };

  return (
    <section className="camera-panel" data-testid="camera-panel" aria-label="Cameras" data-phase={src.phase} data-source={src.kind ?? ''}
      data-sets={state.stats.frameSets} data-num-tensors={src.detector.numTensors ?? ''} data-num-tensors-warm={src.detector.numTensorsAfterWarmup ?? ''}
      data-mean-set-ms={finite(src.detector.meanSetMs)} data-mean-infer-ms={finite(src.detector.meanInferMs)} data-infer-median-ms={finite(src.detector.inferMedianMs)}>
      <h2>Source</h2>
      <div className="capture-controls">
        <div role="radiogroup" aria-label="Source" className="source-choice">
          {TABS.map(([k, label]) => (
            <label key={k}>
              <input type="radio" name="source" value={k} data-testid={`source-${TAB_IDS[k]}`} checked={tab === k} onChange={() => pick(k)} />
              {label}
            </label>
          ))}
        </div>
        <>
            <label>
              Model{' '}
              <select data-testid="model-select" value={s.model} disabled={detecting} onChange={(e) => captureSettings.update({ model: e.target.value as ModelId })}>
                {MODEL_IDS.map((m) => <option key={m} value={m}>{MODELS[m].label}</option>)}
              </select>
            </label>
            <label>
              Backend{' '}
              <select data-testid="backend-select" value={s.backend} disabled={detecting} onChange={(e) => captureSettings.update({ backend: e.target.value as BackendChoice })}>
                <option value="auto">auto</option>
                {BACKEND_IDS.map((b) => <option key={b} value={b}>{b}</option>)}
              </select>
            </label>
        </>
        <LifterBackendControl />

        {tab === 'simulation' && src.kind !== 'simulation' && (
          <button data-testid="start-simulation" onClick={() => void startSimulation()}>Run the simulation</button>
        )}
        {tab === 'webcams' && !(busy && src.kind === 'webcams') && (
          <div className="camera-source">
            {!devices && (
              <button data-testid="connect-cameras" onClick={() => void connect()} disabled={asking}>Connect cameras</button>
            )}
            {devices && (
              <div data-testid="device-list">
                {devices.map((d, i) => (
                  <label key={d.deviceId} className="device">
                    <input type="checkbox" data-testid={`device-${i}`} checked={picked.includes(d.deviceId)} onChange={() => toggle(d.deviceId)} />
                    {d.label}
                  </label>
                ))}
                <div className="constraints">
                  <input type="number" aria-label="width" value={s.constraints.width} min={160} max={3840}
                    onChange={(e) => captureSettings.update({ constraints: { ...s.constraints, width: Number(e.target.value) } })} />×
                  <input type="number" aria-label="height" value={s.constraints.height} min={120} max={2160}
                    onChange={(e) => captureSettings.update({ constraints: { ...s.constraints, height: Number(e.target.value) } })} />@
                  <input type="number" aria-label="frame rate" value={s.constraints.frameRate} min={1} max={120}
                    onChange={(e) => captureSettings.update({ constraints: { ...s.constraints, frameRate: Number(e.target.value) } })} /> fps
                </div>
                <button data-testid="start-cameras" disabled={!picked.length} title={picked.length ? undefined : 'Pick at least one camera.'}
                  onClick={() => void startWebcams(devices.filter((d) => picked.includes(d.deviceId)))}>
                  Start {picked.length} camera{picked.length === 1 ? '' : 's'}
                </button>
              </div>
            )}
          </div>
        )}
        {tab === 'take' && !(busy && src.kind === 'take') && (
          <div className="take-source">
            <input type="file" accept=".json,application/json" data-testid="capture-take-file"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void loadTake(f);
              }} />
          </div>
        )}
        {tab === 'videos' && !(busy && src.kind === 'videos') && (
          <div className="video-source">
            <input type="file" accept="video/*" multiple data-testid="video-files" onChange={(e) => setFiles(Array.from(e.target.files ?? []))} />
            <label>
              fps <input type="number" aria-label="video fps" value={s.videoFps} min={0} max={240} title="0 = measure from the video"
                onChange={(e) => captureSettings.update({ videoFps: Number(e.target.value) })} />
            </label>
            <button data-testid="start-videos" disabled={!files.length} title={files.length ? undefined : 'Choose one video file per camera first.'} onClick={() => void startVideos(files)}>
              Process {files.length || ''} video{files.length === 1 ? '' : 's'}
            </button>
          </div>
        )}
        {busy && src.kind !== 'simulation' && (
          <button data-testid="stop-capture" onClick={() => session.stop()}>{src.finite ? 'Cancel' : 'Stop'}</button>
        )}
      </div>
      <div className="capture-controls">
        <label title="Each camera is matched to the calibration's camera of the same name (or number)">
          Calibration{' '}
          <input type="file" accept=".toml,.json,.qca,.txt" data-testid="capture-calibration-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void loadCalibration(f);
            }} />
        </label>
        <button type="button" data-testid="open-wizard" onClick={openWizard}>Calibrate cameras…</button>
      </div>
      {calib && (
        <div className={calib.error ? 'capture-error' : 'capture-calibration'} role={calib.error ? 'alert' : undefined} data-testid="capture-calibration">
          {calib.text}
          {calib.kept && <div data-testid="capture-calibration-kept">Not loaded; the calibration in use is unchanged: {calib.kept}.</div>}
        </div>
      )}
      {panelError && <div className="capture-error" role="alert" data-testid="capture-error">{panelError}</div>}
      {src.error && <div className="capture-error" role="alert" data-testid="capture-error">{src.error}</div>}
      <SessionMessages state={state} onRestart={() => void restartAtCalibratedSize()} />
      {src.progress && src.progress.total > 0 && (
        <div className="capture-progress" data-testid="video-progress" data-frame={src.progress.done} data-count={src.progress.total}>
          <progress value={src.progress.done} max={src.progress.total} />{' '}
          {src.kind === 'take' ? 'frame' : 'frame set'} {src.progress.done} / {src.progress.total}
          {src.phase === 'running' && <span data-testid="video-eta">{eta(src.progress.etaS)}</span>}
          {src.phase === 'finished' && ' · done'}
          {src.phase === 'stopped' && ' · cancelled'}
        </div>
      )}
      {tab === 'videos' && <VideoSync files={files} />}
      <RefinePerson />
      {src.kind !== 'simulation' && (
        <div className="camera-tiles">
          {src.tiles.map((t, i) => <CameraTile key={`${src.run}-${i}`} index={i} tile={t} threshold={s.scoreThreshold} fusedIndex={state.threeD.fusedIndex[i] ?? -1}
            captured={src.kind === 'webcams' || src.kind === 'videos'} />)}
        </div>
      )}
    </section>
  );
}
