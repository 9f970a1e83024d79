import { useEffect, useState } from 'react';
import { CalibrationWizard } from './CalibrationWizard';
import { CameraPanel } from './CameraPanel';
import { StatusBar } from './StatusBar';
import { ViewerPanel } from './ViewerPanel';
import { SidePanel } from './SidePanel';
import { SimTiles } from './SimTiles';
import { pipeline } from './fusion-runner';
import { simulation } from './SimulationSource';

/** The app's shell: sources and camera tiles on the left, the 3D view in the middle, panels on the right. */
export function App() {
  const [calibrating, setCalibrating] = useState(false);
  // Fusion always runs; the simulation is the default source until a camera or a replay takes over.
  useEffect(() => {
    pipeline.start();
    simulation.start();
    return () => {
      simulation.stop();
      pipeline.stop();
    };
  }, []);
  return (
    <div className="app" data-testid="app-shell">
      <header className="app-header">
        <h1>Parallax</h1>
        <span className="tagline">multi-webcam 3D motion capture</span>
        <button data-testid="calib-open" onClick={() => setCalibrating((c) => !c)}>{calibrating ? 'Close calibration' : 'Calibrate'}</button>
      </header>
      {calibrating && <CalibrationWizard />}
      <main className="app-main with-side">
        <div className="left-col">
          <CameraPanel />
          <SimTiles />
        </div>
        <ViewerPanel />
        <SidePanel />
      </main>
      <StatusBar />
    </div>
  );
}
