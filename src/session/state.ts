/**
 * The session's state as plain data, and what follows from it: which views are fused on which cameras (threeD),
 * the messages the user sees, and what the UI may offer. Pure functions of the state, tested in Node.
 */
import type { Camera } from '../geometry/camera';
import type { DetectorInfo, SourceKind, SourceView, TileState } from '../cameras/source';
import { bindViews, type Binding } from './binding';

export type SourcePhase = 'idle' | 'starting' | 'running' | 'paused' | 'finished' | 'stopped' | 'error';

export interface Progress {
  done: number;
  total: number;
  /** Seconds left at the rate so far; null until it can be estimated. */
  etaS: number | null;
}

export type MessageAction = 'calibrate' | 'restart';

export interface SessionMessage {
  level: 'info' | 'warn' | 'error';
  text: string;
  /** A button beside the message: open the calibration wizard, or restart the source at the calibrated size. */
  action?: MessageAction;
}

export interface SourceState {
  kind: SourceKind | null;
  phase: SourcePhase;
  /** Increases with every source started: numbers and results belong to one run. */
  run: number;
  finite: boolean;
  views: readonly SourceView[];
  /** The rig the source brings (simulation, take), which it is fused on whatever the calibration. */
  ownRig: readonly Camera[] | null;
  tiles: readonly TileState[];
  error: string | null;
  progress: Progress | null;
  detector: DetectorInfo;
}

/** How the current source is fused in 3D, or why it is not. */
export interface ThreeD {
  available: boolean;
  reason: string | null;
  action: MessageAction | null;
  /** One camera per fused view (a stable object while nothing changes: the pipeline resets on a new rig). */
  rig: readonly Camera[] | null;
  /** Source view index of each fused view. */
  views: readonly number[];
  /** Per source view: its index among the fused views, or -1 (shown in 2D only). */
  fusedIndex: readonly number[];
  from: 'calibration' | 'source' | null;
}

export interface SessionState {
  calibration: { name: string; cameras: readonly Camera[] } | null;
  source: SourceState;
  binding: Binding | null;
  threeD: ThreeD;
  /** A one-off note (e.g. "recording stopped: the rig changed"), cleared by the next source. */
  note: SessionMessage | null;
  messages: readonly SessionMessage[];
  stats: { frameSets: number; fusedSets: number; hasTruth: boolean; camerasRunning: number; lost: number };
  /** Frame sets kept as the run's result (every one of a finite source), exportable without recording. */
  run: { frames: number };
  recording: { active: boolean; frames: number };
}

export const NO_DETECTOR: DetectorInfo = {
  backend: null, model: null, backendNotes: [], numTensors: null, numTensorsAfterWarmup: null, meanSetMs: NaN, meanInferMs: NaN, inferMedianMs: NaN,
};

export const NO_3D: ThreeD = { available: false, reason: null, action: null, rig: null, views: [], fusedIndex: [], from: null };

const list = (names: readonly string[]) => (names.length > 4 ? `${names.slice(0, 3).join(', ')} … ${names[names.length - 1]}` : names.join(', '));

/** Which views are fused on which cameras. `prev` keeps the rig object when nothing changed. */
export function deriveThreeD(calibration: SessionState['calibration'], source: SourceState, prev: ThreeD | null): { threeD: ThreeD; binding: Binding | null } {
  const n = source.views.length;
  if (!source.kind || !n) return { threeD: NO_3D, binding: null };
  const fuse = (rig: readonly Camera[], views: number[], from: ThreeD['from']): ThreeD => {
    const same = prev?.rig && prev.rig.length === rig.length && prev.rig.every((c, i) => c === rig[i]);
    const fusedIndex = Array.from({ length: n }, (_, i) => views.indexOf(i));
    return { available: true, reason: null, action: null, rig: same ? prev!.rig : rig, views, fusedIndex, from };
  };
  if (source.ownRig) {
    if (source.ownRig.length !== n) return { threeD: { ...NO_3D, reason: `${source.kind}: ${n} views but ${source.ownRig.length} cameras` }, binding: null };
    return { threeD: fuse(source.ownRig, source.views.map((_, i) => i), 'source'), binding: null };
  }
  const twoD = (reason: string, action: MessageAction | null): ThreeD => ({ ...NO_3D, reason, action, fusedIndex: source.views.map(() => -1) });
  if (!calibration) {
    return { threeD: twoD('No calibration: 3D needs one for these cameras. Load a calibration file or calibrate them; until then the views are shown in 2D only.', 'calibrate'), binding: null };
  }
  const binding = bindViews(source.views, calibration.cameras);
  const bad = new Set(binding.sizeMismatch.map((m) => m.view));
  const views = source.views.map((v, i) => (binding.cameraOf[i] !== null && !bad.has(v.name) ? i : -1)).filter((i) => i >= 0);
  if (views.length >= 2) return { threeD: fuse(views.map((i) => calibration.cameras[binding.cameraOf[i]!]), views, 'calibration'), binding };
  const matched = binding.cameraOf.filter((k) => k !== null).length;
  if (binding.sizeMismatch.length && matched >= 2) {
    const m = binding.sizeMismatch[0];
    const restart = source.kind === 'webcams';
    return {
      threeD: twoD(
        `${m.view} delivers ${m.size[0]}×${m.size[1]} but ${m.camera} was calibrated at ${m.calibrated[0]}×${m.calibrated[1]}: ` +
          (restart ? 'restart the cameras at the calibrated size.' : 'this calibration is not of these files.'),
        restart ? 'restart' : 'calibrate',
      ),
      binding,
    };
  }
  const names = list(calibration.cameras.map((c) => c.name));
  const reason = matched === 0
    ? `The calibration (${names}) has none of these cameras (${list(source.views.map((v) => v.name))}): 2D only. Load their calibration or calibrate them.`
    : `Only ${matched} of these cameras is in the calibration (${names}): 3D needs two. 2D only.`;
  return { threeD: twoD(reason, 'calibrate'), binding };
}

/** Everything the user should know about the rig and the source now, most important first. */
export function deriveMessages(s: Omit<SessionState, 'messages'>): SessionMessage[] {
  const out: SessionMessage[] = [];
  if (s.source.error) out.push({ level: 'error', text: s.source.error });
  if (s.note) out.push(s.note);
  const t = s.threeD;
  if (s.source.kind && s.source.views.length && s.source.phase !== 'error' && !t.available && t.reason) out.push({ level: 'warn', text: t.reason, action: t.action ?? undefined });
  const b = s.binding;
  if (b && t.available) {
    const cams = s.calibration!.cameras.length;
    if (b.missingInCalibration.length) out.push({ level: 'warn', text: `Not in the calibration, shown in 2D only: ${list(b.missingInCalibration)}.` });
    for (const m of b.sizeMismatch) {
      out.push({
        level: 'warn',
        text: `${m.view} delivers ${m.size[0]}×${m.size[1]} but ${m.camera} was calibrated at ${m.calibrated[0]}×${m.calibrated[1]}: shown in 2D only.`,
        action: s.source.kind === 'webcams' ? 'restart' : undefined,
      });
    }
    if (b.missingInSource.length) out.push({ level: 'info', text: `No source for ${list(b.missingInSource)} of the calibration: 3D from ${t.views.length} of its ${cams} cameras.` });
  }
  if (s.calibration && t.from === 'source') {
    out.push({ level: 'info', text: `The calibration "${s.calibration.name}" applies to cameras and videos; the ${s.source.kind} keeps its own cameras.` });
  }
  return out;
}

export interface Offer {
  ok: boolean;
  /** Why not, in words for a tooltip or a line beside the control. */
  why: string | null;
}

export interface Offers {
  record: Offer;
  exportRun: Offer;
  pause: Offer;
  resume: Offer;
  stop: Offer;
  restart: Offer;
}

const yes: Offer = { ok: true, why: null };
const no = (why: string): Offer => ({ ok: false, why });

/** What the UI may offer in this state, each refusal with its reason. */
export function offers(s: SessionState): Offers {
  const { kind, phase } = s.source;
  const live = phase === 'running';
  return {
    record: s.recording.active ? yes : !live ? no('No source is running.') : !s.threeD.available ? no(s.threeD.reason ?? 'Nothing is fused in 3D.') : yes,
    exportRun: s.run.frames >= 2 ? yes : no(s.source.finite ? 'Process the videos or the take first (at least two frame sets in 3D).' : 'Record first: a live source keeps only what is recorded.'),
    // Sources on their own clock pause and resume within the run; cameras and videos stop (a video run cancels).
    pause: (kind === 'simulation' || kind === 'take') && live ? yes : no('Only the simulation and a take replay pause.'),
    resume: phase === 'paused' ? yes : no('Nothing is paused.'),
    stop: live || phase === 'starting' ? yes : no('No source is running.'),
    restart: s.threeD.action === 'restart' ? yes : no('The cameras already match the calibration.'),
  };
}
