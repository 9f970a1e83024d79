/**
 * Which tfjs backend runs the lifter: each available backend runs the same fixed input; those whose output
 * matches wasm's (the reference: plain float32 on the CPU) within TOLERANCE_M are kept, and the fastest (median
 * of timed runs after a warm-up) wins. Pure: the backends are injected, so Node tests drive it with fakes and the
 * fusion worker with tfjs.
 */
import { median } from '../util/stats';

export const LIFTER_BACKENDS = ['webgpu', 'webgl', 'wasm'] as const;
export type LifterBackend = (typeof LIFTER_BACKENDS)[number];
export type LifterBackendChoice = LifterBackend | 'auto';

export function isLifterBackendChoice(s: string): s is LifterBackendChoice {
  return s === 'auto' || (LIFTER_BACKENDS as readonly string[]).includes(s);
}

/** Largest joint distance from wasm's output that still counts as the same answer, metres. */
export const TOLERANCE_M = 1e-4;
export const WARMUP_RUNS = 2;
export const TIMED_RUNS = 5;

/** One backend under test: `init` makes it current (false or a reason when it cannot), `run` lifts the fixed input. */
export interface BackendProbe {
  id: LifterBackend;
  init(): Promise<true | string>;
  /** The lifted joints of the fixed input, metres (every frame set's 17 × 3, concatenated). */
  run(): Promise<Float64Array>;
  /** Frame sets one run lifts: the measurement is per frame set. Default 1. */
  framesPerRun?: number;
  /** Releases what init and run made (called whether or not they succeeded). */
  dispose?(): void;
  /** Asks a run past its time to stop at its next step: the next backend must not share tfjs with it. */
  cancel?(): void;
}

export interface BackendMeasurement {
  id: LifterBackend;
  /** Median time per frame set, ms; null when the backend could not run (then `reason` says why). */
  medianMs: number | null;
  /** Largest per-coordinate difference from wasm, metres; null for wasm itself or when either could not run. */
  maxDiffM: number | null;
  reason: string | null;
}

export interface BackendChoiceResult {
  chosen: LifterBackend | null;
  /** Why each backend that is not the one chosen was not (and a note on a forced choice). */
  reasons: Partial<Record<LifterBackend, string>>;
  measurements: BackendMeasurement[];
}

export function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Math.abs(a[i] - b[i]);
    if (!(x <= d)) d = Number.isNaN(x) ? Infinity : x;
  }
  return d;
}

const fmt = (m: number) => (Number.isFinite(m) ? m.toExponential(0) : 'a non-finite amount');

/**
 * Measures every probe (wasm first: it is the reference), each bounded by `timeoutMs` for init and runs.
 * `now` is a millisecond clock (performance.now).
 */
export async function measureBackends(probes: readonly BackendProbe[], now: () => number, timeoutMs = 15_000): Promise<BackendMeasurement[]> {
  const ordered = [...probes].sort((a, b) => (a.id === 'wasm' ? -1 : b.id === 'wasm' ? 1 : 0));
  let reference: Float64Array | null = null;
  const out: BackendMeasurement[] = [];
  let busy: LifterBackend | null = null;
  for (const p of ordered) {
    if (busy) {
      out.push({ id: p.id, medianMs: null, maxDiffM: null, reason: `not measured: ${busy} did not stop after its time ran out` });
      continue;
    }
    const run = measureOne(p, now);
    try {
      const m = await withTimeout(run, timeoutMs, `no result within ${timeoutMs / 1000} s`);
      if (p.id === 'wasm') reference = m.output;
      out.push({ id: p.id, medianMs: m.medianMs, maxDiffM: p.id === 'wasm' || !reference ? null : maxAbsDiff(m.output, reference), reason: null });
    } catch (e) {
      out.push({ id: p.id, medianMs: null, maxDiffM: null, reason: e instanceof Error ? e.message : String(e) });
      // A run past its time still holds tfjs: it is asked to stop, and nothing else runs until it has.
      p.cancel?.();
      const stopped = await withTimeout(run.then(() => true, () => true), timeoutMs, 'still running').catch(() => false);
      if (!stopped) busy = p.id;
    }
    if (busy) continue; // its resources are still in use
    try {
      p.dispose?.();
    } catch {
      // a backend that failed half-way may not release cleanly; the measurement stands
    }
  }
  return out;
}

async function measureOne(p: BackendProbe, now: () => number): Promise<{ medianMs: number; output: Float64Array }> {
  const ok = await p.init();
  if (ok !== true) throw new Error(ok);
  let output = await p.run();
  for (let i = 1; i < WARMUP_RUNS; i++) output = await p.run();
  const times: number[] = [];
  for (let i = 0; i < TIMED_RUNS; i++) {
    const t0 = now();
    output = await p.run();
    times.push(now() - t0);
  }
  return { medianMs: median(times) / (p.framesPerRun ?? 1), output };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * The choice from the measurements. 'auto': the fastest backend that ran and matches wasm within `tol`; wasm
 * itself always qualifies. A forced backend is used when it ran (a mismatch is noted, not overruled: the user
 * asked for it), else the auto choice, with the reason.
 */
export function chooseBackend(choice: LifterBackendChoice, ms: readonly BackendMeasurement[], tol = TOLERANCE_M): BackendChoiceResult {
  const reasons: Partial<Record<LifterBackend, string>> = {};
  const wasm = ms.find((m) => m.id === 'wasm');
  const wasmOk = !!wasm && wasm.medianMs !== null;
  const qualified: BackendMeasurement[] = [];
  for (const m of ms) {
    if (m.medianMs === null) reasons[m.id] = `${m.id}: ${m.reason ?? 'unavailable'}`;
    else if (m.id === 'wasm') qualified.push(m);
    else if (!wasmOk) reasons[m.id] = `${m.id}: not checked (wasm, the reference, did not run)`;
    else if (m.maxDiffM === null || !(m.maxDiffM <= tol)) reasons[m.id] = `${m.id}: differs from wasm by ${fmt(m.maxDiffM ?? NaN)} m (limit ${fmt(tol)} m)`;
    else qualified.push(m);
  }
  qualified.sort((a, b) => a.medianMs! - b.medianMs!);
  const auto = qualified[0]?.id ?? null;
  let chosen = auto;
  if (choice !== 'auto') {
    const forced = ms.find((m) => m.id === choice);
    if (forced && forced.medianMs !== null) {
      chosen = choice;
      if (reasons[choice]) reasons[choice] = `${reasons[choice]}; used because it was chosen`;
    } else {
      reasons[choice] = `${reasons[choice] ?? `${choice}: not measured`}; using ${auto ?? 'nothing'} instead`;
    }
  }
  const best = qualified.find((m) => m.id === chosen);
  for (const m of qualified) {
    if (m.id === chosen || reasons[m.id]) continue;
    const vs = best ? ` (${m.medianMs!.toFixed(1)} ms vs ${chosen} ${best.medianMs!.toFixed(1)} ms)` : '';
    reasons[m.id] = best && m.medianMs! >= best.medianMs! ? `${m.id}: slower${vs}` : `${m.id}: not chosen (${chosen} was asked for)${vs}`;
  }
  return { chosen, reasons, measurements: [...ms] };
}
