/**
 * Camera tiles and the source choice. Nothing asks for camera permission until the user picks "Cameras" and
 * presses Connect: the app opens in simulation mode.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { capture, type SourceKind } from './capture';
import { CameraTile } from './CameraTile';
import { BACKEND_IDS, MODELS, MODEL_IDS, type BackendChoice, type ModelId } from '../detection/models';
import { MAX_CAMERAS } from '../cameras/webcams';
import { parseCalibrationText } from '../calibration/io';
import { bus } from './bus';
import './capture.css';

/** Benchmarks and tests read per-set timings from here (cli/bench-capture.ts). */
(globalThis as { __parallaxCapture?: typeof capture }).__parallaxCapture = capture;

/** Attribute values: a number that is not finite is left out (React warns on NaN, and "NaN" means nothing). */
const finite = (x: number) => (Number.isFinite(x) ? x : undefined);

export function CameraPanel() {
  const snap = useSyncExternalStore(capture.subscribe, capture.getSnapshot);
  const [picked, setPicked] = useState<string[]>([]);
  const [files, setFiles] = useState<File[]>([]);
  const [calib, setCalib] = useState<{ text: string; error: boolean; kept?: string } | null>(null);
  const busy = snap.phase === 'running' || snap.phase === 'starting';
  useEffect(() => setPicked(snap.devices.slice(0, MAX_CAMERAS).map((d) => d.deviceId)), [snap.devices]);

  const s = snap.settings;
  const toggle = (id: string) =>
    setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : p.length < MAX_CAMERAS ? [...p, id] : p));
  // Same readers as the calibration wizard's import; a bad file leaves the rig in use as it was.
  const loadCalibration = async (f: File) => {
    try {
      const cams = parseCalibrationText(f.name, await f.text());
      bus.cameras.emit(cams);
      setCalib({ text: `${f.name}: ${cams.length} cameras (${cams.map((c) => c.name).join(', ')})`, error: false });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const cams = bus.cameras.latest();
      const kept = cams?.length ? `${cams.length} cameras (${cams.map((c) => c.name).join(', ')})` : 'none';
      setCalib({ text: msg.startsWith(`${f.name}: `) ? msg : `${f.name}: ${msg}`, error: true, kept }); // readers name the file
    }
  };
  const startVideos = () => {
    const sorted = [...files].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
    void capture.startVideos(sorted.map((f) => ({ url: URL.createObjectURL(f), label: f.name })));
  };

  return (
    <section className="camera-panel" data-testid="camera-panel" aria-label="Cameras" data-phase={snap.phase}
      data-sets={snap.sets} data-num-tensors={snap.numTensors ?? ''} data-num-tensors-warm={snap.numTensorsAfterWarmup ?? ''}
      data-sets-per-sec={finite(snap.setsPerSec)} data-mean-set-ms={finite(snap.meanSetMs)} data-mean-infer-ms={finite(snap.meanInferMs)}
      data-infer-median-ms={finite(snap.inferMedianMs)}>
      <h2>Cameras</h2>
      <div className="capture-controls">
        <div role="radiogroup" aria-label="Source" className="source-choice">
          {(['cameras', 'videos', 'take'] as SourceKind[]).map((k) => (
            <label key={k}>
              <input type="radio" name="source" value={k} data-testid={`source-${k}`} checked={snap.source === k}
                onChange={() => capture.setSource(k)} />
              {k === 'cameras' ? 'Cameras' : k === 'videos' ? 'Videos' : 'Take'}
            </label>
          ))}
        </div>
        <label>
          Model{' '}
          <select data-testid="model-select" value={s.model} disabled={busy} onChange={(e) => capture.updateSettings({ model: e.target.value as ModelId })}>
            {MODEL_IDS.map((m) => <option key={m} value={m}>{MODELS[m].label}</option>)}
          </select>
        </label>
        <label>
          Backend{' '}
          <select data-testid="backend-select" value={s.backend} disabled={busy} onChange={(e) => capture.updateSettings({ backend: e.target.value as BackendChoice })}>
            <option value="auto">auto</option>
            {BACKEND_IDS.map((b) => <option key={b} value={b}>{b}</option>)}
          </select>
        </label>

        {snap.source === 'cameras' ? (
          <div className="camera-source">
            {snap.phase !== 'choosing' && !busy && (
              <button data-testid="connect-cameras" onClick={() => void capture.connectCameras()} disabled={snap.phase === 'requesting'}>
                Connect cameras
              </button>
            )}
            {snap.phase === 'choosing' && (
              <div data-testid="device-list">
                {snap.devices.map((d, i) => (
                  <label key={d.deviceId} className="device">
                    <input type="checkbox" data-testid={`device-${i}`} checked={picked.includes(d.deviceId)} onChange={() => toggle(d.deviceId)} />
                    {d.label}
                  </label>
                ))}
                <div className="constraints">
                  <input type="number" aria-label="width" value={s.constraints.width} min={160} max={3840}
                    onChange={(e) => capture.updateSettings({ constraints: { ...s.constraints, width: Number(e.target.value) } })} />×
                  <input type="number" aria-label="height" value={s.constraints.height} min={120} max={2160}
                    onChange={(e) => capture.updateSettings({ constraints: { ...s.constraints, height: Number(e.target.value) } })} />@
                  <input type="number" aria-label="frame rate" value={s.constraints.frameRate} min={1} max={120}
                    onChange={(e) => capture.updateSettings({ constraints: { ...s.constraints, frameRate: Number(e.target.value) } })} /> fps
                </div>
                <button data-testid="start-cameras" onClick={() => void capture.startCameras(picked)} disabled={!picked.length}>
                  Start {picked.length} camera{picked.length === 1 ? '' : 's'}
                </button>
              </div>
            )}
          </div>
        ) : snap.source === 'take' ? (
          !busy && (
            <div className="take-source">
              <input type="file" accept=".json,application/json" data-testid="capture-take-file"
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  if (f) void f.text().then((t) => capture.startTake(t, f.name));
                }} />
            </div>
          )
        ) : (
          !busy && (
            <div className="video-source">
              <input type="file" accept="video/*" multiple data-testid="video-files" onChange={(e) => setFiles(Array.from(e.target.files ?? []))} />
              <label>
                fps <input type="number" aria-label="video fps" value={s.videoFps} min={0} max={240} title="0 = measure from the video"
                  onChange={(e) => capture.updateSettings({ videoFps: Number(e.target.value) })} />
              </label>
              <button data-testid="start-videos" disabled={!files.length} onClick={startVideos}>
                Process {files.length || ''} video{files.length === 1 ? '' : 's'}
              </button>
            </div>
          )
        )}
        {busy && <button data-testid="stop-capture" onClick={() => capture.stop()}>Stop</button>}
        <label title="One camera per source, in the sources' order; the 3D results are then drawn into every tile">
          Calibration{' '}
          <input type="file" accept=".toml,.json,.qca,.txt" data-testid="capture-calibration-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void loadCalibration(f);
            }} />
        </label>
      </div>
      {calib && (
        <div className={calib.error ? 'capture-error' : 'capture-calibration'} role={calib.error ? 'alert' : undefined} data-testid="capture-calibration">
          {calib.text}
          {calib.kept && <div data-testid="capture-calibration-kept">Not loaded; the calibration in use is unchanged: {calib.kept}.</div>}
        </div>
      )}
      {snap.error && <div className="capture-error" role="alert" data-testid="capture-error">{snap.error}</div>}
      {snap.frameCount > 0 && (
        <div className="capture-progress" data-testid="video-progress" data-frame={snap.frame} data-count={snap.frameCount}>
          frame {snap.frame} / {snap.frameCount}
        </div>
      )}
      <div className="camera-tiles">
        {snap.tiles.map((t, i) => <CameraTile key={i} index={i} count={snap.tiles.length} tile={t} controller={capture} threshold={s.scoreThreshold} />)}
      </div>
    </section>
  );
}
