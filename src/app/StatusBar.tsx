import { useEffect, useState } from 'react';
import { CaptureStatus } from './CaptureStatus';
import { bus } from './bus';
import { pipeline, type LifterState } from './fusion-runner';
import { simulation } from './SimulationSource';

interface Summary {
  source: string;
  cameras: number;
  lost: number;
  fusedPerSec: number;
}

/** Samples the bus a few times a second: which source is feeding, how many cameras, how fast fusion runs. */
function useSummary(): Summary {
  const [summary, setSummary] = useState<Summary>({ source: 'starting', cameras: 0, lost: 0, fusedPerSec: 0 });
  useEffect(() => {
    let count = 0;
    let simRunning = simulation.running.latest() ?? false;
    const offSim = simulation.running.subscribe((r) => (simRunning = r));
    const offFused = bus.fused.subscribe(() => count++);
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      const frame = bus.fused.latest()?.frame;
      setSummary({
        source: simRunning ? 'simulation' : frame ? 'live' : 'idle',
        cameras: bus.cameras.latest()?.length ?? 0,
        lost: frame ? frame.status.filter((s) => s === 'lost').length : 0,
        fusedPerSec: (1000 * count) / Math.max(now - last, 1),
      });
      count = 0;
      last = now;
    }, 500);
    return () => {
      clearInterval(timer);
      offSim();
      offFused();
    };
  }, []);
  return summary;
}

function useLifterState(): LifterState | null {
  const [state, setState] = useState<LifterState | null>(pipeline.lifterState.latest());
  useEffect(() => pipeline.lifterState.subscribe(setState), []);
  return state;
}

function lifterText(s: LifterState | null): string {
  if (!s) return 'lifter: —';
  if (s.state === 'loading') return 'lifter: loading…';
  if (s.state === 'ready') return 'lifter: ready';
  return 'lifter: unavailable';
}

/** One line of state at the bottom: source, cameras, fusion rate, lifter, detection backend. */
export function StatusBar() {
  const s = useSummary();
  const lifter = useLifterState();
  return (
    <footer className="status-bar" data-testid="status-bar" role="status">
      <span data-testid="status-source">source: {s.source}</span>
      <span data-testid="status-cameras">
        {s.cameras} camera{s.cameras === 1 ? '' : 's'}
        {s.lost > 0 && <strong className="status-lost"> · {s.lost} lost</strong>}
      </span>
      <span data-testid="status-fused-rate">{s.fusedPerSec.toFixed(1)} poses/s</span>
      <span data-testid="status-lifter" title={lifter?.state === 'unavailable' ? lifter.reason : undefined}>
        {lifterText(lifter)}
      </span>
      <CaptureStatus />
    </footer>
  );
}
