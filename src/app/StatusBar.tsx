import { useEffect, useState, useSyncExternalStore } from 'react';
import { CaptureStatus } from './CaptureStatus';
import { session } from './app-session';
import { FusionStatusItems } from './FusionControls';
import { byMethodOrder, methodColour, methodLabel } from '../fusion/registry';
import { camerasLine, fusionLine, sourceLine } from '../session/status';

/** Frame sets/s and each method's poses/s, sampled a few times a second over the session's window. */
function useRates() {
  const [r, set] = useState(() => session.rates());
  useEffect(() => {
    const timer = setInterval(() => set(session.rates()), 500);
    return () => clearInterval(timer);
  }, []);
  return r;
}

/** One line of state at the bottom: source, cameras running, 3D or 2D only, rates per method, where fusion runs, the lifter's backend and latency, detection backend. */
export function StatusBar() {
  const s = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const rates = useRates();
  const fusing = s.threeD.available && s.source.phase === 'running';
  return (
    <footer className="status-bar" data-testid="status-bar" role="status">
      <span data-testid="status-source" data-kind={s.source.kind ?? ''} data-phase={s.source.phase}>source: {sourceLine(s)}</span>
      <span data-testid="status-cameras">
        {camerasLine(s)}
      </span>
      <span data-testid="status-3d" data-available={s.threeD.available ? 'yes' : 'no'} title={s.threeD.reason ?? undefined}>{fusionLine(s)}</span>
      {s.source.phase === 'running' && (
        <span data-testid="status-sets-rate" data-value={rates.setsPerSec}>{rates.setsPerSec.toFixed(1)} sets/s</span>
      )}
      {fusing && byMethodOrder(Object.keys(rates.posesPerSec)).map((id) => (
        <span key={id} data-testid={`status-poses-${id}`} data-value={rates.posesPerSec[id]} title={`${methodLabel(id)}: poses per second`} style={{ color: methodColour(id) }}>
          {id} {rates.posesPerSec[id].toFixed(1)} poses/s
        </span>
      ))}
      <FusionStatusItems />
      <CaptureStatus />
    </footer>
  );
}
