import { CaptureStatus } from './CaptureStatus';

/** One line of state at the bottom: backend, sources, rates. */
export function StatusBar() {
  return (
    <footer className="status-bar" data-testid="status-bar" role="status">
      <span>ready</span>
      <CaptureStatus />
    </footer>
  );
}
