import { useEffect, useState } from 'react';
import { CalibrationWizard } from './CalibrationWizard';
import { CameraPanel } from './CameraPanel';
import { StatusBar } from './StatusBar';
import { ViewerPanel } from './ViewerPanel';
import { SidePanel } from './SidePanel';
import { SimTiles } from './SimTiles';
import { loadMethods, session, startSimulation } from './app-session';
import { closeWizard, isWizardRoute, onRoute, openWizard } from './route';
import { loadCalibration } from '../calibration/store';

/**
 * The app's shell: sources and camera tiles on the left, the 3D view in the middle, panels on the right; the
 * calibration wizard on a page of its own (#calibrate), during which the simulation pauses and live cameras stop
 * (the wizard opens the cameras itself).
 */
export function App() {
  const [wizard, setWizard] = useState(isWizardRoute());
  useEffect(() => {
    loadMethods();
    // The simulation is the default source until the user picks another.
    if (!session.getSnapshot().source.kind) void startSimulation();
    // The calibration saved by the wizard, if any, is the rig for real cameras from the start.
    loadCalibration()
      .then((r) => {
        if (r && !session.getSnapshot().calibration) session.setCalibration(r.cameras, 'saved calibration');
      })
      .catch(() => undefined);
    return onRoute(setWizard);
  }, []);
  useEffect(() => {
    if (!wizard) return;
    const s = session.getSnapshot().source;
    const resume = s.kind === 'simulation' && s.phase === 'running';
    if (resume) session.pause();
    else if (s.kind === 'webcams') session.stop();
    return () => {
      if (resume) session.resume();
    };
  }, [wizard]);
  return (
    <div className="app" data-testid="app-shell">
      <header className="app-header">
        <h1>Parallax</h1>
        <span className="tagline">multi-webcam 3D motion capture</span>
        <button data-testid="calib-open" onClick={() => (wizard ? closeWizard() : openWizard())}>{wizard ? 'Back to capture' : 'Calibrate'}</button>
      </header>
      {wizard ? (
        <main className="wizard-page" data-testid="wizard-page">
          <CalibrationWizard />
        </main>
      ) : (
        <main className="app-main with-side">
          <div className="left-col">
            <CameraPanel />
            <SimTiles />
          </div>
          <ViewerPanel />
          <SidePanel />
        </main>
      )}
      <StatusBar />
    </div>
  );
}
