import { useEffect, useState, useSyncExternalStore } from 'react';
import type { SimSettings } from '../sim/source';
import { NOISE_SOURCE } from '../sim/source';
import { session, simSettings, startSimulation } from './app-session';
import { kindWords } from '../session/status';

/** Controls of the simulation: cameras used, noise level, dropped cameras; run/pause. */
export function SimulationPanel() {
  const [s, setS] = useState<SimSettings>(simSettings.current);
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot);
  useEffect(() => simSettings.subscribe(setS), []);
  const isSource = state.source.kind === 'simulation';
  const running = isSource && state.source.phase === 'running';
  const title = running ? '' : isSource ? '(paused)' : state.source.kind ? `(off: the source is ${kindWords(state)})` : '(off)';
  const toggle = () => (running ? session.pause() : isSource ? session.resume() : void startSimulation());
  const toggleDrop = (i: number) =>
    simSettings.update({ dropped: s.dropped.includes(i) ? s.dropped.filter((d) => d !== i) : [...s.dropped, i] });
  return (
    <details className="side-section" open data-testid="simulation-panel">
      <summary>Simulation {title}</summary>
      <div className="row">
        <button type="button" data-testid="sim-toggle" onClick={toggle}>
          {running ? 'pause' : isSource ? 'resume' : 'run simulation'}
        </button>
      </div>
      <label className="row">
        cameras <input type="range" min={2} max={8} step={1} value={s.cameras} data-testid="sim-cameras" onChange={(e) => simSettings.update({ cameras: Number(e.target.value) })} />
        <b>{s.cameras}</b>
      </label>
      <label className="row">
        people <input type="range" min={1} max={4} step={1} value={s.people} data-testid="sim-people" onChange={(e) => simSettings.update({ people: Number(e.target.value) })} />
        <b data-testid="sim-people-value">{s.people}</b>
      </label>
      <label className="row">
        noise <input type="range" min={0} max={3} step={0.1} value={s.noise} data-testid="sim-noise" onChange={(e) => simSettings.update({ noise: Number(e.target.value) })} />
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
      <div className="hint">noise model: {NOISE_SOURCE}</div>
    </details>
  );
}
