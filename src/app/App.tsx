import { CameraPanel } from './CameraPanel';
import { ViewerPanel } from './ViewerPanel';
import { StatusBar } from './StatusBar';

/** The app's shell: camera tiles on the left, the 3D view in the middle, the status bar at the bottom. */
export function App() {
  return (
    <div className="app" data-testid="app-shell">
      <header className="app-header">
        <h1>Parallax</h1>
        <span className="tagline">multi-webcam 3D motion capture</span>
      </header>
      <main className="app-main">
        <CameraPanel />
        <ViewerPanel />
      </main>
      <StatusBar />
    </div>
  );
}
