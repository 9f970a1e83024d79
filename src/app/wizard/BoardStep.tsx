/** Step 1: the board (size, printable page), how many snapshots to take, the cameras; or a calibration made before. */
import { useEffect, useState } from 'react';
import { boardPageSvg, type PaperSize } from '../../calibration/boardPage';
import { parseCalibrationText } from '../../calibration/io';
import { loadCalibration } from '../../calibration/store';
import type { Camera } from '../../geometry/camera';
import { download } from '../../util/download';
import { GatedButton } from './Gated';
import type { WizardSession } from './session';

export function BoardStep({ session, onUse }: { session: WizardSession; onUse: (cameras: readonly Camera[]) => void }) {
  const b = session.board;
  const [printed, setPrinted] = useState<{ text: string; error: boolean } | null>(null);
  const [opening, setOpening] = useState(false);
  const [loaded, setLoaded] = useState<{ from: string; cameras: Camera[] } | null>(null);
  const [loadError, setLoadError] = useState('');
  const [saved, setSaved] = useState<Camera[] | null>(null);
  useEffect(() => {
    loadCalibration().then((r) => setSaved(r?.cameras ?? null)).catch(() => setSaved(null));
  }, []);

  const set = (patch: Partial<typeof b>) => session.setBoard({ ...b, ...patch });
  const num = (v: string, min: number) => Math.max(min, Math.round(Number(v)) || min);
  const print = (paper: PaperSize) => {
    const page = boardPageSvg(b, paper);
    if (!page) return setPrinted({ text: `A ${b.cols + 1} × ${b.rows + 1} board of ${b.squareMm} mm squares does not fit on ${paper}: use smaller squares.`, error: true });
    const name = `checkerboard-${b.cols}x${b.rows}-${b.squareMm}mm-${paper}.svg`;
    download(name, page, 'image/svg+xml');
    setPrinted({ text: `Saved ${name} to your browser's downloads folder. Print it at 100 % (not "fit to page") and check that one square measures ${b.squareMm} mm.`, error: false });
  };
  const onFile = async (file: File) => {
    try {
      setLoaded({ from: file.name, cameras: parseCalibrationText(file.name, await file.text()) });
      setLoadError('');
    } catch (e) {
      const msg = (e as Error).message; // the readers name the file; the calibration in use stays as it was
      setLoadError(msg.startsWith(`${file.name}: `) ? msg : `${file.name}: ${msg}`);
    }
  };
  const open = async () => {
    setOpening(true);
    await session.openCameras();
    setOpening(false);
  };

  return (
    <div className="wz-step-body wz-columns">
      <section className="wz-card">
        <h3>The board</h3>
        <p className="wz-hint">A printed checkerboard, flat and rigid (taped to card or a clipboard). Count its <em>inner</em> corners.</p>
        <div className="wz-form">
          <label>Inner corners across <input data-testid="board-cols" type="number" min={2} value={b.cols} onChange={(e) => set({ cols: num(e.target.value, 2) })} /></label>
          <label>Inner corners down <input data-testid="board-rows" type="number" min={2} value={b.rows} onChange={(e) => set({ rows: num(e.target.value, 2) })} /></label>
          <label>Square size (mm) <input data-testid="board-square" type="number" min={1} value={b.squareMm} onChange={(e) => set({ squareMm: Math.max(1, Number(e.target.value) || 1) })} /></label>
        </div>
        <div className="wz-row">
          <button type="button" data-testid="board-print-a4" onClick={() => print('A4')}>Printable board (A4)</button>
          <button type="button" data-testid="board-print-letter" onClick={() => print('Letter')}>Printable board (Letter)</button>
        </div>
        {printed && <p className={printed.error ? 'wz-error' : 'wz-note'} data-testid="board-print-status">{printed.text}</p>}
      </section>
      <section className="wz-card">
        <h3>The cameras</h3>
        <div className="wz-form">
          <label>Snapshots per camera (lens) <input data-testid="calib-min-views" type="number" min={4} value={session.minViews} onChange={(e) => { session.minViews = num(e.target.value, 4); session.changed(); }} /></label>
          <label>Shared views per camera pair <input data-testid="calib-min-shared" type="number" min={2} value={session.minShared} onChange={(e) => { session.minShared = num(e.target.value, 2); session.changed(); }} /></label>
        </div>
        <p className="wz-hint">Every connected camera is opened. Keep them fixed from now on: moving one spoils its position.</p>
        <GatedButton testId="calib-start" primary why={opening ? 'opening the cameras…' : null} onClick={() => void open()}>Open cameras and start</GatedButton>
      </section>
      <section className="wz-card">
        <h3>Calibrated before?</h3>
        <label className="wz-file">Load a calibration (JSON, TOML, .qca) <input data-testid="calib-upload" type="file" accept=".json,.toml,.txt,.qca" onChange={(e) => e.target.files?.[0] && void onFile(e.target.files[0])} /></label>
        {loadError && <p className="wz-error" data-testid="calib-import-error">{loadError}</p>}
        {loaded && (
          <p className="wz-note" data-testid="calib-loaded">
            {loaded.from}: {loaded.cameras.length} cameras ({loaded.cameras.map((c) => c.name).join(', ')}){' '}
            <button type="button" className="wz-primary" data-testid="calib-use-loaded" onClick={() => onUse(loaded.cameras)}>Use this calibration</button>
          </p>
        )}
        <p className="wz-note" data-testid="calib-saved-info">
          {saved ? `Saved in this browser: ${saved.length} cameras (${saved.map((c) => c.name).join(', ')}).` : 'No calibration is saved in this browser.'}{' '}
          {saved && <button type="button" data-testid="calib-use-saved" onClick={() => onUse(saved)}>Use the saved calibration</button>}
        </p>
      </section>
    </div>
  );
}
