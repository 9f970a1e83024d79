/**
 * The checkerboard calibration wizard, a page of its own over the app: board and cameras → each camera's lens →
 * camera pairs (positions) → floor → summary, in that order, each step saying what it still needs. The simulation
 * is paused while it is open. The shell gives it four callbacks and nothing else.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { WIZARD_STEPS, WIZARD_STEP_TITLES, type WizardStep } from '../../calibration/wizard-progress';
import type { Camera } from '../../geometry/camera';
import { BoardStep } from './BoardStep';
import { FloorStep } from './FloorStep';
import { GatedButton } from './Gated';
import { LensStep } from './LensStep';
import { PairsStep } from './PairsStep';
import { WizardSession } from './session';
import { SummaryStep } from './SummaryStep';
import './wizard.css';

export interface CalibrationWizardProps {
  /** Leave the wizard without changing the calibration in use. */
  onClose: () => void;
  /** The user chose these cameras (made here, loaded from a file, or saved before): use them, then leave. */
  onUseCalibration: (cameras: readonly Camera[]) => void;
  /** Called when the wizard opens and when it closes. */
  pauseSimulation: () => void;
  resumeSimulation: () => void;
}

export function CalibrationWizard({ onClose, onUseCalibration, pauseSimulation, resumeSimulation }: CalibrationWizardProps) {
  const [session] = useState(() => new WizardSession());
  useSyncExternalStore(session.subscribe, session.version);
  useEffect(() => {
    pauseSimulation();
    return () => {
      session.dispose();
      resumeSimulation();
    };
    // The callbacks are the shell's; the wizard pauses once when it opens and resumes once when it closes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session]);

  const progress = session.progress();
  const index = WIZARD_STEPS.indexOf(session.step);
  const here = progress[index];
  const next: WizardStep | undefined = WIZARD_STEPS[index + 1];
  const use = (cameras: readonly Camera[]) => onUseCalibration(cameras);

  return (
    <div className="wz-page" role="dialog" aria-modal="true" aria-label="Calibrate cameras" data-testid="calib-wizard" data-step={session.step}>
      <header className="wz-header">
        <h2>Calibrate cameras</h2>
        <ol className="wz-steps">
          {progress.map((s, i) => (
            <li key={s.step}>
              <button type="button" data-testid={`calib-step-${s.step}`} className={s.step === session.step ? 'active' : s.done ? 'done' : ''}
                disabled={!s.open} title={s.open ? undefined : `first finish "${WIZARD_STEP_TITLES[WIZARD_STEPS[i - 1]]}"`} onClick={() => session.goTo(s.step)}>
                <span className="wz-num">{s.done ? '✓' : i + 1}</span> {WIZARD_STEP_TITLES[s.step]}
              </button>
            </li>
          ))}
        </ol>
        <button type="button" className="wz-close" data-testid="calib-close" onClick={onClose}>Back to capture</button>
      </header>
      <main className="wz-main">
        <div className="wz-title-row">
          <h3 className="wz-step-title">{index + 1}. {WIZARD_STEP_TITLES[session.step]}</h3>
          {here.needs.length > 0 && (
            <div className="wz-needs" data-testid="calib-needs">
              <strong>Still needed:</strong>
              <ul>{here.needs.map((n) => <li key={n}>{n}</li>)}</ul>
            </div>
          )}
        </div>
        {session.error && <p className="wz-error" role="alert" data-testid="calib-message">{session.error}</p>}
        {session.step === 'board' && <BoardStep session={session} onUse={use} />}
        {session.step === 'intrinsics' && <LensStep session={session} />}
        {session.step === 'pairs' && <PairsStep session={session} />}
        {session.step === 'floor' && <FloorStep session={session} />}
        {session.step === 'summary' && session.rig && <SummaryStep session={session} onUse={use} />}
      </main>
      {next && session.step !== 'board' && (
        <footer className="wz-footer">
          <GatedButton testId={`calib-next-${next}`} primary why={here.done ? null : here.needs.join('; ')} onClick={() => session.goTo(next)}>
            Next: {WIZARD_STEP_TITLES[next]}
          </GatedButton>
        </footer>
      )}
    </div>
  );
}
