/**
 * The one method registry: every 3D fusion method Parallax knows, with the id used on the command line and in
 * files, its label, colour and display order, how it uses time, and how to make it. The app, the viewer, the
 * recorder, `npm run eval` and the CLIs all read it; nothing else spells a method's id, label or colour.
 *
 * Factories import their method lazily, so reading labels and colours never pulls tfjs into a bundle or a CLI.
 */
import type { FusionMethod, MethodTiming } from './types';
import type { LifterNet } from '../lifter/model';
import type { TemporalNet } from '../lifter/temporal-model';

/** Where a method's network comes from: Node reads public/models/<name>/, the browser fetches models/<name>/. */
export interface MethodEnv {
  loadNet(model: string): Promise<LifterNet>;
  /** The temporal lifter's network (public/models/lifter-temporal); an environment without it cannot make those methods. */
  loadTemporalNet?(model: string): Promise<TemporalNet>;
}

export interface MethodSpec {
  readonly id: string;
  readonly label: string;
  /** CSS colour, the same in the 3D view, the tiles, the legend and the numbers panel. */
  readonly colour: string;
  /** Display order (ascending) in tables, legends and menus. */
  readonly order: number;
  readonly timing: MethodTiming;
  /** Needs shipped weights: where they cannot load, a run goes on without the method and says why. */
  readonly optional: boolean;
  /** Run by default (the app, `npm run eval` without --methods). */
  readonly byDefault: boolean;
  create(env: MethodEnv): Promise<FusionMethod>;
}

async function triangulation(id: 'dlt' | 'robust'): Promise<FusionMethod> {
  const { TriangulationMethod } = await import('../triangulation/methods');
  return new TriangulationMethod(id);
}

async function lifter(env: MethodEnv, withFallback: boolean): Promise<FusionMethod> {
  const { LifterMethod } = await import('../lifter/lifter');
  return new LifterMethod(await env.loadNet('lifter'), withFallback ? {} : { fallback: null });
}

async function temporalLifter(env: MethodEnv, offline: boolean): Promise<FusionMethod> {
  if (!env.loadTemporalNet) throw new Error('this environment cannot load the temporal lifter (MethodEnv.loadTemporalNet)');
  const { TemporalLifterMethod } = await import('../lifter/temporal');
  return new TemporalLifterMethod(await env.loadTemporalNet('lifter-temporal'), { offline });
}

async function smoothedRobust(offline: boolean): Promise<FusionMethod> {
  const [{ SmoothedMethod }, robust] = await Promise.all([import('./smoothed'), triangulation('robust')]);
  return new SmoothedMethod(robust, { offline });
}

const SPECS: readonly MethodSpec[] = [
  {
    id: 'lifter-temporal', label: 'Temporal lifter (live)', colour: '#ff5252', order: 6, timing: 'causal', optional: true, byDefault: false,
    create: (env) => temporalLifter(env, false),
  },
  {
    id: 'lifter-offline', label: 'Temporal lifter (offline, ±0.5 s)', colour: '#d81b60', order: 7, timing: 'offline', optional: true, byDefault: false,
    create: (env) => temporalLifter(env, true),
  },
  {
    id: 'lifter', label: 'Lifter (MPL-style)', colour: '#ff8a3d', order: 10, timing: 'frame', optional: true, byDefault: true,
    create: (env) => lifter(env, true),
  },
  {
    id: 'lifter-raw', label: 'Lifter, raw network (no fallback)', colour: '#c9702f', order: 15, timing: 'frame', optional: true, byDefault: false,
    create: (env) => lifter(env, false),
  },
  {
    id: 'robust', label: 'Robust triangulation', colour: '#29b6f6', order: 30, timing: 'frame', optional: false, byDefault: true,
    create: () => triangulation('robust'),
  },
  {
    id: 'robust-smoothed', label: 'Robust triangulation + One Euro', colour: '#4dd0e1', order: 32, timing: 'causal', optional: false, byDefault: false,
    create: () => smoothedRobust(false),
  },
  {
    id: 'robust-offline', label: 'Robust triangulation + zero-phase smoothing', colour: '#5c6bc0', order: 34, timing: 'offline', optional: false, byDefault: false,
    create: () => smoothedRobust(true),
  },
  {
    id: 'dlt', label: 'DLT triangulation', colour: '#9ccc65', order: 40, timing: 'frame', optional: false, byDefault: true,
    create: () => triangulation('dlt'),
  },
];

/** Every method, in display order. */
export const METHODS: readonly MethodSpec[] = [...SPECS].sort((a, b) => a.order - b.order);
export const METHOD_IDS: readonly string[] = METHODS.map((m) => m.id);
export const DEFAULT_METHOD_IDS: readonly string[] = METHODS.filter((m) => m.byDefault).map((m) => m.id);

const BY_ID = new Map(METHODS.map((m) => [m.id, m]));

export function methodSpec(id: string): MethodSpec | undefined {
  return BY_ID.get(id);
}

export function methodLabel(id: string): string {
  return BY_ID.get(id)?.label ?? id;
}

export function methodColour(id: string): string {
  return BY_ID.get(id)?.colour ?? '#bbbbbb';
}

/** Sorts method ids into display order; unknown ids go last, in their given order. */
export function byMethodOrder(ids: Iterable<string>): string[] {
  const rank = (id: string) => BY_ID.get(id)?.order ?? Number.MAX_SAFE_INTEGER;
  return [...ids].sort((a, b) => rank(a) - rank(b));
}

export interface CreateOptions {
  /** Called for an optional method that could not load (default: throw). */
  onUnavailable?: (id: string, reason: string) => void;
}

/** Makes the methods `ids` (default: the default set) in the given order. Unknown ids throw, naming the known ones. */
export async function createMethods(env: MethodEnv, ids: readonly string[] = DEFAULT_METHOD_IDS, opts: CreateOptions = {}): Promise<FusionMethod[]> {
  const out: FusionMethod[] = [];
  for (const id of ids) {
    const spec = BY_ID.get(id);
    if (!spec) throw new Error(`unknown method "${id}" (known: ${METHOD_IDS.join(', ')})`);
    try {
      out.push(await spec.create(env));
    } catch (e) {
      if (!opts.onUnavailable || !spec.optional) throw e;
      opts.onUnavailable(id, e instanceof Error ? e.message : String(e));
    }
  }
  return out;
}
