/** Step 5: how good the calibration is, against stated targets, and "use this calibration". */
import { useState } from 'react';
import { calibrationToJSON, calibrationToToml } from '../../calibration/io';
import { saveCalibration } from '../../calibration/store';
import type { Camera } from '../../geometry/camera';
import { download } from '../../util/download';
import { TARGET_RMS } from './LensStep';
import { TopView } from './RigResultView';
import type { WizardSession } from './session';

/** The printed square size, reconstructed, within this percentage. */
const TARGET_SQUARE_PERCENT = 1;

const mark = (ok: boolean) => <span className={ok ? 'wz-ok' : 'wz-warn'}>{ok ? '✓' : '✗'}</span>;

export function SummaryStep({ session, onUse }: { session: WizardSession; onUse: (cameras: readonly Camera[]) => void }) {
  const rig = session.rig!;
  const [note, setNote] = useState('');
  const quality = { perCameraRms: rig.bundle.perCameraRms, rms: rig.bundle.rms, squareErrorPercent: rig.metric.errorPercent };
  const save = async () => {
    try {
      await saveCalibration(rig.cameras, { board: session.board, quality });
      setNote('Saved in this browser: the wizard offers it next time.');
    } catch (e) {
      setNote(`Could not save in this browser: ${(e as Error).message}`);
    }
  };
  const file = (name: string, text: string, type: string) => {
    download(name, text, type);
    setNote(`Saved ${name} to your browser's downloads folder.`);
  };
  const sq = Math.abs(rig.metric.errorPercent);
  const linked = session.check.pairs.filter((p) => p.confirmed.length >= session.minShared);
  const direct = session.check.pairs.filter((p) => p.confirmed.length < session.minShared);
  return (
    <div className="wz-step-body wz-columns" data-testid="calib-summary">
      <section className="wz-card wz-wide">
        <h3>Per camera (target: RMS ≤ {TARGET_RMS} px)</h3>
        <table className="wz-table">
          <thead><tr><th>camera</th><th>lens RMS</th><th>in the rig RMS</th><th>snapshots</th></tr></thead>
          <tbody>
            {session.feeds.map((f, i) => (
              <tr key={f.name} data-testid={`calib-summary-cam-${i}`} data-lens-rms={f.intrinsics?.rms} data-rig-rms={rig.bundle.perCameraRms[i]}>
                <td>{f.name}</td>
                <td>{f.intrinsics ? <>{f.intrinsics.rms.toFixed(3)} px {mark(f.intrinsics.rms <= TARGET_RMS)}</> : '—'}</td>
                <td>{Number.isFinite(rig.bundle.perCameraRms[i]) ? <>{rig.bundle.perCameraRms[i].toFixed(3)} px {mark(rig.bundle.perCameraRms[i] <= TARGET_RMS)}</> : 'not linked'}</td>
                <td>{f.views.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p data-testid="calib-summary-board" data-error={rig.metric.errorPercent}>
          Board size: squares reconstructed at {rig.metric.squareMm.toFixed(2)} mm, printed {session.board.squareMm} mm ({rig.metric.errorPercent.toFixed(2)} %, target within {TARGET_SQUARE_PERCENT} %) {mark(sq <= TARGET_SQUARE_PERCENT)}
        </p>
        <p data-testid="calib-summary-pairs">
          Linked pairs: {linked.length ? linked.map((p) => `${session.feeds[p.a].name}–${session.feeds[p.b].name} (${p.confirmed.length} views)`).join(', ') : 'none'}
          {direct.length > 0 && <> · not linked directly (placed through the others): {direct.map((p) => `${session.feeds[p.a].name}–${session.feeds[p.b].name}`).join(', ')}</>}
          {rig.init.unreachable.length > 0 && <span className="wz-warn"> · not placed: {rig.init.unreachable.map((i) => session.feeds[i].name).join(', ')}</span>}
        </p>
        <p data-testid="calib-summary-floor">{session.floor === 'set' ? 'Floor: set (Y up, floor at y = 0).' : 'Floor: skipped (the first camera\'s frame; up from the cameras).'}</p>
        <div className="wz-row">
          <button type="button" className="wz-primary" data-testid="calib-use" onClick={() => onUse(rig.cameras)}>Use this calibration</button>
          <button type="button" data-testid="calib-save" onClick={() => void save()}>Save in this browser</button>
          <button type="button" data-testid="calib-download-json" onClick={() => file('parallax-calibration.json', JSON.stringify(calibrationToJSON(rig.cameras, { board: session.board, quality }), null, 2), 'application/json')}>Download JSON</button>
          <button type="button" data-testid="calib-download-toml" onClick={() => file('calibration.toml', calibrationToToml(rig.cameras), 'application/toml')}>Download TOML (Pose2Sim/anipose)</button>
        </div>
        {note && <p className="wz-note" data-testid="calib-summary-note">{note}</p>}
      </section>
      <section className="wz-card">
        <h3>Seen from above</h3>
        <TopView cameras={rig.cameras} />
      </section>
    </div>
  );
}
