/**
 * Where fusion runs and the lifter's backend: the status bar's items ("fusion: worker", "lifter: wasm 3.1 ms") and
 * the backend selector with what was measured and why a backend is not used.
 */
import { useEffect, useState } from 'react';
import type { FusionStatus } from '../fusion/fusion-client';
import { LIFTER_BACKENDS, type LifterBackendChoice } from '../fusion/backend-select';
import { APP_LIFTER, APP_LIFTERS } from './app-fusion';
import { methodLabel } from '../fusion/registry';
import { fusion, lifterLatencyMs } from './app-session';

function useFusionStatus(): FusionStatus {
  const [s, set] = useState(fusion.current);
  useEffect(() => fusion.status.subscribe(set), []);
  return s;
}

function useLatency(): number {
  const [ms, set] = useState(lifterLatencyMs);
  useEffect(() => {
    const timer = setInterval(() => set(lifterLatencyMs()), 500);
    return () => clearInterval(timer);
  }, []);
  return ms;
}

/** Which lifter (its method id), its backend and latency: "lifter: wasm 3.1 ms", "lifter: measuring backends…". */
export function lifterLine(s: FusionStatus, ms: number): string {
  const id = APP_LIFTER;
  const m = s.methods.find((x) => x.id === id);
  if (!m) return `${id}: off`;
  if (m.state === 'unavailable') return `${id}: unavailable`;
  if (s.backend?.measuring) return `${id}: measuring backends…`;
  if (m.state === 'loading' || !s.backend?.chosen) return `${id}: loading…`;
  return `${id}: ${s.backend.chosen}${Number.isFinite(ms) ? ` ${ms.toFixed(1)} ms` : ''}`;
}

function backendTitle(s: FusionStatus): string | undefined {
  const m = s.methods.find((x) => x.id === APP_LIFTER);
  if (m?.state === 'unavailable') return m.reason;
  const lines = [`${methodLabel(APP_LIFTER)}: median time per frame set over the last 30`, ...Object.values(s.backend?.reasons ?? {})];
  return lines.join('\n');
}

export function FusionStatusItems() {
  const s = useFusionStatus();
  const ms = useLatency();
  const errors = Object.entries(s.methodErrors);
  return (
    <>
      <span data-testid="status-fusion" data-where={s.where ?? ''} title={s.whyMain ?? 'fusion runs in its own worker, off the UI thread'}
        className={s.whyMain?.includes('crashed') ? 'status-warn' : undefined}>
        fusion: {s.where === 'worker' ? 'worker' : s.where === 'main' ? `main thread${s.whyMain?.includes('crashed') ? ' (the worker crashed)' : ''}` : '—'}
      </span>
      <span data-testid="status-lifter" data-backend={s.backend?.chosen ?? ''} data-ms={Number.isFinite(ms) ? ms : undefined} title={backendTitle(s)}>
        {lifterLine(s, ms)}
      </span>
      {errors.length > 0 && (
        <span data-testid="status-fusion-errors" className="status-warn" title={errors.map(([id, e]) => `${id}: ${e.message}`).join('\n')}>
          {errors.map(([id, e]) => `${id} failed ${e.count}×`).join(', ')}
        </span>
      )}
    </>
  );
}

/** The lifter's backend: auto (measured) or one forced; each backend's measurement or why it is not used. */
/** Reloads the app with another lifter (?lifter=…): the fusion worker makes its methods once, at start. */
function chooseLifter(id: string): void {
  const url = new URL(location.href);
  url.searchParams.set('lifter', id);
  location.assign(url.href);
}

export function LifterBackendControl() {
  const s = useFusionStatus();
  const [choice, setChoice] = useState<LifterBackendChoice>(fusion.backendChoice);
  const change = (c: LifterBackendChoice) => {
    setChoice(c);
    fusion.setBackend(c);
  };
  const report = s.backend;
  return (
    <div className="lifter-backend" data-testid="lifter-backend">
      <label title="Which lifter the app runs beside triangulation. Changing it reloads the app (the worker builds its methods once).">
        Lifter{' '}
        <select data-testid="lifter-choice" value={APP_LIFTER} onChange={(e) => chooseLifter(e.target.value)}>
          {APP_LIFTERS.map((id) => <option key={id} value={id}>{methodLabel(id)}</option>)}
        </select>
      </label>
      <label title="The lifter's tfjs backend in the fusion worker: auto = the fastest that matches wasm within 0.1 mm on a fixed input">
        Lifter backend{' '}
        <select data-testid="lifter-backend-select" value={choice} disabled={report?.measuring} onChange={(e) => change(e.target.value as LifterBackendChoice)}>
          <option value="auto">auto</option>
          {LIFTER_BACKENDS.map((b) => <option key={b} value={b}>{b}</option>)}
        </select>
      </label>
      {report && !report.measuring && (
        <ul className="backend-list" data-testid="lifter-backends">
          {report.measurements.map((m) => (
            <li key={m.id} data-testid={`lifter-backend-${m.id}`} data-ms={m.medianMs ?? undefined} data-chosen={m.id === report.chosen ? 'yes' : 'no'}>
              {m.id === report.chosen ? <b>{m.id}</b> : m.id}
              {m.medianMs !== null && ` ${m.medianMs.toFixed(1)} ms`}
              {m.maxDiffM !== null && ` (Δ ${m.maxDiffM.toExponential(0)} m)`}
              {m.id === report.chosen ? ' · in use' : report.reasons[m.id] ? ` · ${report.reasons[m.id]!.replace(`${m.id}: `, '')}` : ''}
            </li>
          ))}
        </ul>
      )}
      {report?.measuring && <span className="hint"> measuring…</span>}
    </div>
  );
}
