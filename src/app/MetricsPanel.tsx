import { useEffect, useState } from 'react';
import { METHOD_COLORS, METHOD_LABELS } from '../viewer/styles';
import { bus } from './bus';
import { metrics, type MetricsSnapshot } from './MetricsStore';
import { activeView } from './ViewerPanel';
import { pipeline } from './fusion-runner';

const mm = (m: number) => (Number.isFinite(m) ? (m * 1000).toFixed(1) : '—');
const ms = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v.toFixed(1) : '—');

/** The live numbers: camera rates, stage latencies, skew, method disagreement, MPJPE against the truth. */
export function MetricsPanel() {
  const [snap, setSnap] = useState<MetricsSnapshot>(() => metrics.snapshot());
  useEffect(() => {
    metrics.extra = (): Record<string, number> => (activeView ? { render: activeView.stats.renderMs } : {});
    metrics.start();
    const unsubLifter = pipeline.lifterState.subscribe((s) => {
      metrics.compare = s.state === 'ready' ? ['lifter', 'robust'] : ['dlt', 'robust'];
    });
    const timer = setInterval(() => setSnap(metrics.snapshot()), 400);
    return () => {
      clearInterval(timer);
      unsubLifter();
    };
  }, []);
  const names = bus.cameras.latest()?.map((c) => c.name) ?? [];
  const methods = Object.keys(snap.mpjpe).sort((a, b) => ['lifter', 'robust', 'dlt'].indexOf(a) - ['lifter', 'robust', 'dlt'].indexOf(b));
  return (
    <details className="side-section" open data-testid="metrics-panel">
      <summary>Numbers</summary>
      {snap.hasTruth && (
        <table className="metrics" data-testid="mpjpe-table">
          <thead>
            <tr><th>MPJPE vs truth</th><th>now mm</th><th>mean mm</th></tr>
          </thead>
          <tbody>
            {methods.map((id) => (
              <tr key={id} data-testid={`mpjpe-${id}`}>
                <td><span className="swatch" style={{ background: METHOD_COLORS[id] }} /> {METHOD_LABELS[id] ?? id}</td>
                <td data-testid={`mpjpe-${id}-current`}>{mm(snap.mpjpe[id].current)}</td>
                <td data-testid={`mpjpe-${id}-mean`}>{mm(snap.mpjpe[id].mean)}</td>
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
      <div className="metric-line" data-testid="between">
        {snap.between.a} ↔ {snap.between.b}: <b>{mm(snap.between.current)}</b> mm (mean {mm(snap.between.mean)})
      </div>
      <table className="metrics">
        <thead><tr><th>stage</th><th>ms</th></tr></thead>
        <tbody>
          {Object.entries(snap.latency).map(([k, v]) => (
            <tr key={k}><td>{k}</td><td>{ms(v)}</td></tr>
          ))}
          <tr><td>skew</td><td>{ms(snap.skewMs)}</td></tr>
        </tbody>
      </table>
      <div className="metric-line" data-testid="camera-fps">
        {snap.cameraFps.map((f, i) => (
          <span key={i} className="chip">{names[i] ?? `cam${i + 1}`}: {f.toFixed(1)} fps</span>
        ))}
      </div>
      <button type="button" onClick={() => metrics.reset()}>reset means</button>
    </details>
  );
}
