/**
 * The checkerboard calibration wizard: board → intrinsics per camera (live detection, automatic snapshots when the
 * board is held still in a new pose, coverage map) → extrinsics (simultaneous snapshots, co-visibility, bundle
 * adjustment, metric check) → world frame (board on the floor) → keep it (IndexedDB, JSON/TOML download/upload).
 * Per-frame work lives in refs and a timer, not in React state; React shows counters and results.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { session } from './app-session';
import { cameraCenter, type Camera } from '../geometry/camera';
import type { BoardSpec } from '../calibration/board';
import { boardPageSvg, type PaperSize } from '../calibration/boardPage';
import type { BoardObservation } from '../calibration/bundle';
import { detectCheckerboard } from '../calibration/detect';
import { rgbaToGray } from '../calibration/image';
import { calibrateIntrinsics, type IntrinsicsResult } from '../calibration/intrinsics';
import { calibrationToJSON, calibrationToToml, parseCalibrationText } from '../calibration/io';
import { calibrateRig, intrinsicsToCameras, type RigResult } from '../calibration/rig';
import { loadCalibration, saveCalibration } from '../calibration/store';

interface Feed {
  name: string;
  video: HTMLVideoElement;
  stream: MediaStream;
  grab: HTMLCanvasElement;
  last: Float64Array | null;
  stillFrames: number;
  snapshots: Float64Array[];
  intrinsics: IntrinsicsResult | null;
}

type Step = 'board' | 'intrinsics' | 'extrinsics' | 'world' | 'save';
const TARGET_RMS = 0.5;

function meanDistance(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k += 2) s += Math.hypot(a[k] - b[k], a[k + 1] - b[k + 1]);
  return s / (a.length / 2);
}

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function CalibrationWizard() {
  const [board, setBoard] = useState<BoardSpec>({ cols: 9, rows: 6, squareMm: 25 });
  const [step, setStep] = useState<Step>('board');
  const [minViews, setMinViews] = useState(10);
  const [feedCount, setFeedCount] = useState(0);
  const [tick, setTick] = useState(0); // re-render counters
  const [message, setMessage] = useState('');
  const [rig, setRig] = useState<RigResult | null>(null);
  const [inUse, setInUse] = useState<readonly Camera[] | null>(null);
  const [saved, setSaved] = useState(false);
  const [importError, setImportError] = useState('');
  const feeds = useRef<Feed[]>([]);
  const tiles = useRef<Array<HTMLCanvasElement | null>>([]);
  const coverage = useRef<Array<HTMLCanvasElement | null>>([]);
  const stepRef = useRef<Step>('board');
  const boardRef = useRef(board);
  const extr = useRef<{ frames: Array<Map<number, Float64Array>>; floor: number | null; armFloor: boolean }>({ frames: [], floor: null, armFloor: false });
  stepRef.current = step;
  boardRef.current = board;

  const useCameras = useCallback((cams: readonly Camera[]) => {
    setInUse(cams);
    session.setCalibration(cams, 'calibration wizard');
  }, []);

  useEffect(() => {
    loadCalibration()
      .then((r) => {
        if (r) {
          useCameras(r.cameras);
          setMessage(`Restored the saved calibration (${r.cameras.length} cameras).`);
        }
      })
      .catch(() => undefined);
    return () => {
      for (const f of feeds.current) f.stream.getTracks().forEach((t) => t.stop());
    };
  }, [useCameras]);

  const startCameras = async () => {
    try {
      const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
      const list: Feed[] = [];
      for (const [i, d] of devices.slice(0, 8).entries()) {
        const stream = await navigator.mediaDevices.getUserMedia({ video: { deviceId: d.deviceId ? { exact: d.deviceId } : undefined, width: 1280, height: 720 } });
        const video = document.createElement('video');
        video.muted = true;
        video.playsInline = true;
        video.srcObject = stream;
        await video.play();
        list.push({ name: d.label ? `cam${i + 1}` : `cam${i + 1}`, video, stream, grab: document.createElement('canvas'), last: null, stillFrames: 0, snapshots: [], intrinsics: null });
      }
      feeds.current = list;
      setFeedCount(list.length);
      setStep('intrinsics');
      setMessage(list.length ? '' : 'No camera found.');
    } catch (e) {
      setMessage(`Cameras could not be opened: ${(e as Error).message}`);
    }
  };

  // The live loop: grab, detect, overlay, and take snapshots.
  useEffect(() => {
    if (feedCount === 0) return;
    const timer = setInterval(() => {
      const b = boardRef.current;
      const s = stepRef.current;
      const found: Array<Float64Array | null> = [];
      let changed = false;
      feeds.current.forEach((f, i) => {
        const w = f.video.videoWidth, h = f.video.videoHeight;
        if (!w || !h) return found.push(null);
        if (f.grab.width !== w) { f.grab.width = w; f.grab.height = h; }
        const ctx = f.grab.getContext('2d', { willReadFrequently: true })!;
        ctx.drawImage(f.video, 0, 0);
        const t0 = performance.now();
        const corners = detectCheckerboard(rgbaToGray(ctx.getImageData(0, 0, w, h).data, w, h), b.cols, b.rows, { fast: true });
        const ms = performance.now() - t0;
        const still = corners !== null && f.last !== null && meanDistance(corners, f.last) < 1.0;
        f.stillFrames = still ? f.stillFrames + 1 : 0;
        f.last = corners;
        found.push(corners && f.stillFrames >= 2 ? corners : null);
        if (s === 'intrinsics' && corners && f.stillFrames >= 2) {
          const novel = f.snapshots.every((v) => meanDistance(v, corners) > 0.05 * Math.hypot(w, h));
          if (novel) { f.snapshots.push(corners); changed = true; }
        }
        drawTile(tiles.current[i], f, corners, ms);
        drawCoverage(coverage.current[i], f, b);
      });
      if (s === 'extrinsics' || s === 'world') {
        const seen = new Map<number, Float64Array>();
        found.forEach((c, i) => c && feeds.current[i].intrinsics && seen.set(i, c));
        const e = extr.current;
        if (s === 'world' && e.armFloor && seen.size >= 1) {
          e.frames.push(seen);
          e.floor = e.frames.length - 1;
          e.armFloor = false;
          changed = true;
          runRig(true);
        } else if (s === 'extrinsics' && seen.size >= 2) {
          const prev = e.frames[e.frames.length - 1];
          const novel = !prev || [...seen].some(([c, v]) => !prev.get(c) || meanDistance(prev.get(c)!, v) > 20);
          if (novel) { e.frames.push(seen); changed = true; }
        }
      }
      if (changed) setTick((t) => t + 1);
    }, 120);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [feedCount]);

  const runIntrinsics = () => {
    for (const f of feeds.current) {
      f.intrinsics = calibrateIntrinsics(board, f.snapshots, f.grab.width, f.grab.height);
    }
    setTick((t) => t + 1);
  };

  const observations = (): BoardObservation[] => {
    const out: BoardObservation[] = [];
    extr.current.frames.forEach((m, frame) => m.forEach((corners, camera) => out.push({ camera, frame, corners })));
    return out;
  };

  const runRig = (withFloor: boolean) => {
    const inputs = feeds.current.map((f) => ({ name: f.name, width: f.grab.width, height: f.grab.height, views: f.snapshots }));
    const cams = intrinsicsToCameras(inputs, feeds.current.map((f) => f.intrinsics));
    const r = calibrateRig(board, cams, observations(), { floorFrame: withFloor && extr.current.floor !== null ? extr.current.floor : undefined });
    setRig(r);
    useCameras(r.cameras);
    setSaved(false);
  };

  const shared = (() => {
    const n = feedCount;
    const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (const f of extr.current.frames) for (const a of f.keys()) for (const b of f.keys()) if (a !== b) m[a][b]++;
    return m;
  })();

  const save = async () => {
    if (!inUse) return;
    await saveCalibration(inUse, { board, quality: rig ? { perCameraRms: rig.bundle.perCameraRms, rms: rig.bundle.rms, squareErrorPercent: rig.metric.errorPercent } : undefined });
    setSaved(true);
  };

  const onUpload = async (file: File) => {
    try {
      const cams = parseCalibrationText(file.name, await file.text());
      useCameras(cams);
      setImportError('');
      setMessage(`Imported ${file.name} (${cams.length} cameras).`);
    } catch (e) {
      setImportError(`${file.name}: ${(e as Error).message}`); // the calibration in use stays as it was
    }
  };

  const svg = (paper: PaperSize) => {
    const page = boardPageSvg(board, paper);
    if (!page) setMessage(`A ${board.cols + 1} x ${board.rows + 1} board of ${board.squareMm} mm squares does not fit on ${paper}.`);
    else download(`checkerboard-${board.cols}x${board.rows}-${board.squareMm}mm-${paper}.svg`, page, 'image/svg+xml');
  };

  const steps: Step[] = ['board', 'intrinsics', 'extrinsics', 'world', 'save'];
  void tick;
  return (
    <section className="calibration-wizard" data-testid="calib-wizard">
      <nav className="calib-steps">
        {steps.map((s, i) => (
          <button key={s} data-testid={`calib-step-${s}`} className={s === step ? 'active' : ''} onClick={() => setStep(s)}>
            {i + 1}. {s}
          </button>
        ))}
      </nav>
      {message && <p className="calib-message" data-testid="calib-message">{message}</p>}
      <p data-testid="calib-in-use">{inUse ? `Calibration in use: ${inUse.length} cameras` : 'No calibration in use'}</p>

      {step === 'board' && (
        <div>
          <label>Inner corners <input data-testid="board-cols" type="number" min={2} value={board.cols} onChange={(e) => setBoard({ ...board, cols: Number(e.target.value) })} /></label>
          {' x '}
          <input data-testid="board-rows" type="number" min={2} value={board.rows} onChange={(e) => setBoard({ ...board, rows: Number(e.target.value) })} />
          <label> square (mm) <input data-testid="board-square" type="number" min={1} value={board.squareMm} onChange={(e) => setBoard({ ...board, squareMm: Number(e.target.value) })} /></label>
          <p>
            <button data-testid="board-print-a4" onClick={() => svg('A4')}>Printable board (A4)</button>{' '}
            <button data-testid="board-print-letter" onClick={() => svg('Letter')}>Printable board (Letter)</button>
          </p>
          <label>Snapshots per camera <input data-testid="calib-min-views" type="number" min={3} value={minViews} onChange={(e) => setMinViews(Number(e.target.value))} /></label>
          <p><button data-testid="calib-start" onClick={startCameras}>Open cameras and start</button></p>
        </div>
      )}

      {feedCount > 0 && step !== 'board' && (
        <div className="calib-tiles" data-testid="calib-camera-count" data-count={feedCount}>
          {feeds.current.map((f, i) => (
            <figure key={i} data-testid={`calib-cam-${i}`}>
              <canvas ref={(el) => { tiles.current[i] = el; }} width={320} height={180} />
              <canvas ref={(el) => { coverage.current[i] = el; }} width={80} height={45} title="coverage of the image by snapshots" />
              <figcaption>
                {f.name}: <span data-testid={`snap-count-${i}`}>{f.snapshots.length}</span> / {minViews} snapshots
                {f.intrinsics && (
                  <span data-testid={`calib-intrinsics-rms-${i}`} data-rms={f.intrinsics.rms}>
                    {' '}RMS {f.intrinsics.rms.toFixed(3)} px {f.intrinsics.rms <= TARGET_RMS ? '✓' : `(target ${TARGET_RMS} px: add sharper, more tilted views near the image corners)`}
                    {' '}fx {f.intrinsics.K[0].toFixed(1)}; per view: {f.intrinsics.perViewRms.map((v, k) => `${v.toFixed(2)}${f.intrinsics!.kept[k] ? '' : '✗'}`).join(' ')}
                  </span>
                )}
              </figcaption>
            </figure>
          ))}
        </div>
      )}

      {step === 'intrinsics' && (
        <p>
          Hold the board still in many poses (tilted, near every corner of each image).{' '}
          <button data-testid="calib-intrinsics-run" disabled={feeds.current.some((f) => f.snapshots.length < 3)} onClick={runIntrinsics}>Calibrate intrinsics</button>{' '}
          <button data-testid="calib-to-extrinsics" disabled={!feeds.current.every((f) => f.intrinsics)} onClick={() => setStep('extrinsics')}>Next: extrinsics</button>
        </p>
      )}

      {step === 'extrinsics' && (
        <div>
          <p>Show the board to two or more cameras at once. Shared snapshots: <span data-testid="calib-extrinsics-count">{extr.current.frames.length}</span></p>
          <table className="calib-pairs">
            <tbody>
              {shared.map((row, a) => row.map((n, b) => (b > a ? (
                <tr key={`${a}-${b}`}><td>{feeds.current[a]?.name}–{feeds.current[b]?.name}</td><td>{n === 0 ? 'needs shared views' : `${n} shared`}</td></tr>
              ) : null)))}
            </tbody>
          </table>
          <button data-testid="calib-extrinsics-run" disabled={extr.current.frames.length < 3} onClick={() => runRig(false)}>Compute extrinsics (bundle adjustment)</button>
        </div>
      )}

      {rig && (step === 'extrinsics' || step === 'world' || step === 'save') && (
        <div data-testid="calib-rig-result">
          <p data-testid="calib-ba-rms" data-rms={rig.bundle.rms}>
            Bundle adjustment: RMS {rig.bundle.initialRms.toFixed(3)} → {rig.bundle.rms.toFixed(3)} px ({rig.bundle.timeMs.toFixed(0)} ms);
            per camera: {rig.bundle.perCameraRms.map((v, i) => `${feeds.current[i]?.name ?? i} ${v.toFixed(3)}`).join(', ')}
          </p>
          <p data-testid="calib-metric" data-error={rig.metric.errorPercent}>
            Square size reconstructed {rig.metric.squareMm.toFixed(2)} mm vs printed {board.squareMm} mm ({rig.metric.errorPercent.toFixed(2)} %)
          </p>
          {rig.init.unreachable.length > 0 && <p>Not linked yet: {rig.init.unreachable.map((i) => feeds.current[i]?.name).join(', ')}</p>}
          <TopView cameras={rig.cameras} />
        </div>
      )}

      {step === 'world' && (
        <p>
          Lay the board flat on the floor where at least one camera sees it, then{' '}
          <button data-testid="calib-floor-capture" disabled={!rig} onClick={() => { extr.current.armFloor = true; setMessage('Waiting for a still view of the board on the floor…'); }}>capture the floor</button>
          <span data-testid="calib-world-status">{rig?.worldFromFloor ? ' World frame set: floor is y = 0, Y up.' : ''}</span>
        </p>
      )}

      {step === 'save' && (
        <div>
          <button data-testid="calib-save" disabled={!inUse} onClick={save}>Save in this browser</button>
          {saved && <span data-testid="calib-saved"> Saved.</span>}{' '}
          <button data-testid="calib-download-json" disabled={!inUse} onClick={() => inUse && download('parallax-calibration.json', JSON.stringify(calibrationToJSON(inUse, { board }), null, 2), 'application/json')}>Download JSON</button>{' '}
          <button data-testid="calib-download-toml" disabled={!inUse} onClick={() => inUse && download('calibration.toml', calibrationToToml(inUse), 'application/toml')}>Download TOML (Pose2Sim/anipose)</button>
          <p>
            <label>Load a calibration (JSON, TOML, .qca) <input data-testid="calib-upload" type="file" accept=".json,.toml,.txt,.qca" onChange={(e) => e.target.files?.[0] && onUpload(e.target.files[0])} /></label>
          </p>
          {importError && <p className="calib-error" data-testid="calib-import-error">{importError}</p>}
        </div>
      )}
    </section>
  );
}

function drawTile(canvas: HTMLCanvasElement | null, f: Feed, corners: Float64Array | null, ms: number): void {
  if (!canvas) return;
  const ctx = canvas.getContext('2d')!;
  const sx = canvas.width / f.grab.width, sy = canvas.height / f.grab.height;
  ctx.drawImage(f.grab, 0, 0, canvas.width, canvas.height);
  if (corners) {
    ctx.strokeStyle = f.stillFrames >= 2 ? '#2c2' : '#fc3';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let k = 0; k < corners.length; k += 2) (k === 0 ? ctx.moveTo : ctx.lineTo).call(ctx, corners[k] * sx, corners[k + 1] * sy);
    ctx.stroke();
    ctx.fillStyle = '#f33';
    ctx.fillRect(corners[0] * sx - 3, corners[1] * sy - 3, 6, 6);
  }
  ctx.fillStyle = '#fff';
  ctx.fillText(`${corners ? 'board' : 'no board'} · ${ms.toFixed(0)} ms`, 4, 12);
}

function drawCoverage(canvas: HTMLCanvasElement | null, f: Feed, b: BoardSpec): void {
  if (!canvas || f.grab.width === 0) return;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#222';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = 'rgba(80, 200, 120, 0.35)';
  const sx = canvas.width / f.grab.width, sy = canvas.height / f.grab.height;
  for (const v of f.snapshots) {
    const idx = [0, b.cols - 1, b.cols * b.rows - 1, b.cols * (b.rows - 1)];
    ctx.beginPath();
    idx.forEach((k, j) => (j === 0 ? ctx.moveTo : ctx.lineTo).call(ctx, v[2 * k] * sx, v[2 * k + 1] * sy));
    ctx.fill();
  }
}

/** Top view (x–z) of the cameras with their names and viewing directions; the 3D view shows their frustums. */
function TopView({ cameras }: { cameras: readonly Camera[] }) {
  const pts = cameras.map((c) => ({ c, C: cameraCenter(c) }));
  const span = Math.max(1, ...pts.map((p) => Math.max(Math.abs(p.C[0]), Math.abs(p.C[2])))) * 1.2;
  const map = (x: number) => 100 + (x / span) * 90;
  return (
    <svg viewBox="0 0 200 200" width={200} height={200} data-testid="calib-topview">
      <rect width={200} height={200} fill="#111" />
      <circle cx={100} cy={100} r={2} fill="#888" />
      {pts.map(({ c, C }) => (
        <g key={c.name}>
          <line x1={map(C[0])} y1={map(C[2])} x2={map(C[0] + 0.3 * span * c.R[6])} y2={map(C[2] + 0.3 * span * c.R[8])} stroke="#4af" />
          <circle cx={map(C[0])} cy={map(C[2])} r={3} fill="#4af" />
          <text x={map(C[0]) + 4} y={map(C[2]) - 4} fill="#ddd" fontSize={9}>{c.name}</text>
        </g>
      ))}
    </svg>
  );
}
