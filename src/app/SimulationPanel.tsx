import { useEffect, useState } from 'react';
import { simulation, type SimSettings } from './SimulationSource';

/** Controls of the simulation: cameras used, noise level, dropped cameras; run/pause. */
export function SimulationPanel() {
  const [s, setS] = useState<SimSettings>(simulation.current);
  const [running, setRunning] = useState<boolean>(simulation.running.latest() ?? false);
  useEffect(() => {
    const a = simulation.settings.subscribe(setS);
    const b = simulation.running.subscribe(setRunning);
    return () => {
      a();
      b();
    };
  }, []);
  const toggleDrop = (i: number) =>
    simulation.update({ dropped: s.dropped.includes(i) ? s.dropped.filter((d) => d !== i) : [...s.dropped, i] });
  return (
    <details className="side-section" open data-testid="simulation-panel">
      <summary>Simulation {running ? '' : '(paused)'}</summary>
      <div className="row">
        <button type="button" data-testid="sim-toggle" onClick={() => (running ? simulation.stop() : simulation.start())}>
          {running ? 'pause' : 'run simulation'}
        </button>
      </div>
      <label className="row">
        cameras <input type="range" min={2} max={8} step={1} value={s.cameras} data-testid="sim-cameras" onChange={(e) => simulation.update({ cameras: Number(e.target.value) })} />
        <b>{s.cameras}</b>
      </label>
      <label className="row">
        noise <input type="range" min={0} max={3} step={0.1} value={s.noise} data-testid="sim-noise" onChange={(e) => simulation.update({ noise: Number(e.target.value) })} />
        <b>{s.noise.toFixed(1)}×</b>
      </label>
      <div className="row wrap">
        drop:
        {Array.from({ length: s.cameras }, (_, i) => (
          <label key={i} className="chip">
            <input type="checkbox" data-testid={`sim-drop-${i}`} checked={s.dropped.includes(i)} onChange={() => toggleDrop(i)} /> cam{i + 1}
          </label>
        ))}
      </div>
      <div className="hint">noise model: {simulation.noiseSource}</div>
    </details>
  );
}
