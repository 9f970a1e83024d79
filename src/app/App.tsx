import { useEffect, useRef, useState } from 'react';
import { CalibrationWizard } from './wizard/CalibrationWizard';
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
  // Whether the wizard paused a running simulation, so closing it without a new calibration resumes it.
  const simPaused = useRef(false);
  const pauseSources = () => {
    const src = session.getSnapshot().source;
    simPaused.current = src.kind === 'simulation' && src.phase === 'running';
    if (simPaused.current) session.pause();
    else if (src.kind === 'webcams') session.stop(); // the wizard opens the cameras itself
  };
  const resumeSources = () => {
    if (simPaused.current) session.resume();
    simPaused.current = false;
  };
  const useCalibration = (cameras: Parameters<typeof session.setCalibration>[0]) => {
    session.setCalibration(cameras, 'calibration wizard');
    // The user's rig is not the simulation's: stay off the simulation so capture shows this rig, ready for cameras.
    if (session.getSnapshot().source.kind === 'simulation') session.release();
    simPaused.current = false;
    closeWizard();
  };
  return (
    <div className="app" data-testid="app-shell">
      <header className="app-header">
        <h1>Parallax</h1>
        <span className="tagline">multi-webcam 3D motion capture</span>
        {/* The wizard's page covers the window and has its own way back. */}
        {!wizard && <button data-testid="calib-open" onClick={openWizard}>Calibrate</button>}
      </header>
      {wizard ? (
        <main className="wizard-page" data-testid="wizard-page">
          <CalibrationWizard onClose={closeWizard} onUseCalibration={useCalibration} pauseSimulation={pauseSources} resumeSimulation={resumeSources} />
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
