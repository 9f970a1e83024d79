/**
 * Fusion for the app: the client of the fusion worker (the default methods from the registry), the lifter's state
 * and latency for the legend and the status bar, and where fusion runs (?fusion=main keeps it on the main thread:
 * the comparison `npm run bench:fusion-worker` makes).
 */
import { Channel } from '../fusion/channel';
import { FusionClient } from '../fusion/fusion-client';
import { mainThreadPort, workerPort } from '../fusion/ports';
import { methodLabel } from '../fusion/registry';
import { isLifterBackendChoice } from '../fusion/backend-select';
import { WASM_PATH } from '../detection/models';
import type { Session } from '../session/session';
import { median } from '../util/stats';

export type LifterState = { state: 'loading' } | { state: 'ready'; label: string } | { state: 'unavailable'; reason: string };

// Node (tests that render panels) has no location: the client is made but never started there.
const hasLocation = typeof location !== 'undefined';
const origin = hasLocation ? location.href : 'http://127.0.0.1/';
const modelsBase = new URL('models/', new URL(import.meta.env.BASE_URL, origin)).href;
const params = hasLocation ? new URLSearchParams(location.search) : new URLSearchParams();
const asked = params.get('lifterBackend') ?? '';

/**
 * The lifters the app offers: the temporal one (causal: this frame set and the past 0.5 s) by default, live and for
 * processed recordings; the single-frame one for comparison (?lifter=lifter, or the choice in the Source panel).
 */
export const APP_LIFTERS = ['lifter-temporal', 'lifter'] as const;
const askedLifter = params.get('lifter');
export const APP_LIFTER: string = (APP_LIFTERS as readonly string[]).includes(askedLifter ?? '') ? askedLifter! : APP_LIFTERS[0];
/** What the app fuses with, in the registry's ids: the lifter above beside both triangulations. */
export const APP_METHOD_IDS: readonly string[] = [APP_LIFTER, 'robust', 'dlt'];

export const fusion = new FusionClient({
  worker: workerPort,
  main: mainThreadPort,
  methods: APP_METHOD_IDS,
  modelsBase,
  wasmPath: new URL(WASM_PATH.replace(/^\/models\//, ''), modelsBase).href,
  backend: isLifterBackendChoice(asked) ? asked : 'auto',
});

export const fusionLifterState = new Channel<LifterState>();
fusionLifterState.emit({ state: 'loading' });

/** The last lifter times per frame set (ms), from the fused frame sets' own timings. */
const recent: number[] = [];
const RECENT = 30;

/** Median lifter time per frame set over the last RECENT fused frame sets; NaN before any. */
export function lifterLatencyMs(): number {
  return median(recent);
}

let started = false;
export function startFusion(session: Session): void {
  if (started) return;
  started = true;
  const main = params.get('fusion') === 'main';
  fusion.start(main ? 'main' : 'worker', main ? 'asked for with ?fusion=main' : null);
  let backend: string | null = null;
  fusion.status.subscribe((s) => {
    const now = s.backend && !s.backend.measuring ? s.backend.chosen : null;
    if (now !== backend) recent.length = 0; // another backend's times are not this one's
    backend = now;
    const m = s.methods.find((x) => x.id === APP_LIFTER);
    const was = fusionLifterState.latest()!.state;
    // A backend switch reloads the lifter for a moment: the legend and the comparison stay as they were.
    if (!m || (m.state === 'loading' && was === 'ready')) return;
    if (m.state === was) return;
    if (m.state === 'ready') {
      session.metrics.compare = [APP_LIFTER, 'robust'];
      session.metrics.lifter = APP_LIFTER;
      fusionLifterState.emit({ state: 'ready', label: methodLabel(m.id) });
    } else if (m.state === 'unavailable') {
      session.metrics.compare = ['dlt', 'robust'];
      fusionLifterState.emit({ state: 'unavailable', reason: m.reason });
    }
  });
  session.fused.subscribe((f) => {
    if (!f) recent.length = 0; // a new run (or nothing in 3D): its latency starts afresh
    const ms = f?.timings[APP_LIFTER];
    if (ms === undefined || !Number.isFinite(ms)) return;
    recent.push(ms);
    if (recent.length > RECENT) recent.shift();
  });
  (globalThis as { __parallaxFusion?: unknown }).__parallaxFusion = fusion;
}
