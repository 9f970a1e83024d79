import { useEffect, useState } from 'react';
import { byMethodOrder, methodColour, methodLabel } from '../fusion/registry';
import type { MetricsSnapshot } from '../session/metrics';
import { session } from './app-session';
import { activeView } from './ViewerPanel';
import { personColour, personLabel } from '../viewer/people';

const mm = (m: number) => (Number.isFinite(m) ? (m * 1000).toFixed(1) : '—');
const ms = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v.toFixed(1) : '—');

/**
 * The run's numbers: camera rates, stage latencies, skew, the compared methods' distance, MPJPE against the truth
 * (only where the source has truth). Every number belongs to the current run: a new source starts from none.
 */
export function MetricsPanel() {
  const metrics = session.metrics;
  const [snap, setSnap] = useState<MetricsSnapshot>(() => metrics.snapshot());
  useEffect(() => {
    metrics.extra = (): Record<string, number> => (activeView ? { render: activeView.stats.renderMs } : {});
    const timer = setInterval(() => setSnap(metrics.snapshot()), 400);
    return () => clearInterval(timer);
  }, [metrics]);
  const names = session.getSnapshot().threeD.rig?.map((c) => c.name) ?? [];
  const methods = byMethodOrder(Object.keys(snap.mpjpe));
  return (
    <details className="side-section" open data-testid="metrics-panel" data-frames={snap.frames}>
      <summary>Numbers</summary>
      {snap.frames === 0 && <div className="hint" data-testid="metrics-empty">No 3D result in this run yet.</div>}
      {snap.hasTruth && (
        <table className="metrics" data-testid="mpjpe-table">
          <thead>
            <tr><th>MPJPE vs truth</th><th>now mm</th><th>mean mm</th></tr>
          </thead>
          <tbody>
            {methods.map((id) => (
              <tr key={id} data-testid={`mpjpe-${id}`}>
                <td><span className="swatch" style={{ background: methodColour(id) }} /> {methodLabel(id)}</td>
                <td data-testid={`mpjpe-${id}-current`}>{mm(snap.mpjpe[id].current)}</td>
                <td data-testid={`mpjpe-${id}-mean`}>{mm(snap.mpjpe[id].mean)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {snap.people.length > 0 && (
        <table className="metrics" data-testid="mpjpe-people">
          <thead>
            <tr><th>MPJPE per person, now mm</th>{methods.map((id) => <th key={id} title={methodLabel(id)}><span className="swatch" style={{ background: methodColour(id) }} /></th>)}</tr>
          </thead>
          <tbody>
            {[...snap.people].sort((a, b) => a.person - b.person).map((p) => (
              <tr key={p.person} data-testid={`mpjpe-person-${p.person}`}>
                <td><span className="swatch" style={{ background: personColour(p.person) }} /> {personLabel(p.person)}{p.truth >= 0 ? ` (figure ${p.truth + 1})` : ''}</td>
                {methods.map((id) => <td key={id} data-testid={`mpjpe-person-${p.person}-${id}`}>{mm(p.mpjpe[id] ?? NaN)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {snap.lifterFallback.of > 0 && (
        <div className="metric-line" data-testid="lifter-fallback" title={snap.lifterFallback.reason || undefined}>
          {snap.lifterFallback.current && <span className="chip warn" data-testid="lifter-fallback-now">fallback to triangulation</span>}{' '}
          lifter fell back to robust triangulation on <b data-testid="lifter-fallback-count">{snap.lifterFallback.count}</b> of{' '}
          {snap.lifterFallback.of} frame sets
        </div>
      )}
      {snap.frames > 0 && (
        <div className="metric-line" data-testid="between">
          {snap.between.a} ↔ {snap.between.b}: <b>{mm(snap.between.current)}</b> mm (mean {mm(snap.between.mean)})
        </div>
      )}
      {snap.frames > 0 && (
        <table className="metrics">
          <thead><tr><th>stage</th><th>ms</th></tr></thead>
          <tbody>
            {Object.entries(snap.latency).map(([k, v]) => (
              <tr key={k}><td>{k}</td><td>{ms(v)}</td></tr>
            ))}
            <tr><td>skew</td><td>{ms(snap.skewMs)}</td></tr>
          </tbody>
        </table>
      )}
      {snap.frames > 0 && (
        <div className="metric-line" data-testid="camera-fps">
          {snap.cameraFps.map((f, i) => (
            <span key={i} className="chip">{names[i] ?? `view ${i + 1}`}: {f.toFixed(1)} fps</span>
          ))}
        </div>
      )}
      <button type="button" onClick={() => metrics.reset()}>reset means</button>
    </details>
  );
}
