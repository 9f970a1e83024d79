/**
 * The session: the one owner of what is happening now — the rig (the calibration and which calibrated camera
 * is which view), the one active source, the fusion it feeds, the run's numbers and results. Pure (no DOM): the
 * app renders its state (subscribe/getSnapshot), the 3D view reads `fused`, the tiles read `detections`.
 *
 * Exactly one source feeds fusion: use() stops and disposes the previous one and starts a new run, which clears
 * every number and result. A calibration loaded mid-run applies to the next frame set; a source with its own
 * rig (the simulation, a take) keeps it.
 */
import type { Fuser } from '../fusion/fuser';
import type { Camera } from '../geometry/camera';
import type { DetectedFrameSet, FusedFrameSet } from '../fusion/flow';
import { personPoses } from '../fusion/flow';
import { Channel } from '../fusion/channel';
import type { FrameSource } from '../cameras/source';
import type { MultiTake } from '../take/multi';
import { MetricsStore } from './metrics';
import { FusionQueue } from './queue';
import { RunRates } from './run-rates';
import { ProgressEta, runSink, type SinkHost } from './sink';
import { SessionTakes } from './takes';
import { deriveMessages, deriveThreeD, NO_3D, NO_DETECTOR, offers, type Offers, type SessionMessage, type SessionState, type SourceState } from './state';

/** What the session needs of fusion (src/fusion/fuser.ts): the pipeline on this thread or the fusion worker's client. */
export type SessionFuser = Pick<Fuser, 'setRig' | 'fuse' | 'reset'>;

export interface SessionOptions {
  /** Milliseconds on a monotonic clock (performance.now in the app, a fake one in tests). */
  now?: () => number;
}

const IDLE_SOURCE: SourceState = {
  kind: null, phase: 'idle', run: 0, finite: false, views: [], ownRig: null, tiles: [], error: null, progress: null, detector: NO_DETECTOR,
};

export class Session {
  /** The latest fused frame set of the current run; null when the run has none (a new source, 2D only). */
  readonly fused = new Channel<FusedFrameSet | null>();
  /** Every frame set of the current source, all views, before fusion (the tiles draw the 2D from it). */
  readonly detections = new Channel<DetectedFrameSet | null>();
  readonly metrics = new MetricsStore();
  private state: SessionState;
  private listeners = new Set<() => void>();
  private source: FrameSource | null = null;
  private readonly now: () => number;
  private readonly runRates = new RunRates();
  private readonly takes = new SessionTakes();
  private readonly eta = new ProgressEta();
  private readonly queue: FusionQueue<{ f: DetectedFrameSet; run: number; arrived: number }>;

  constructor(private readonly fuser: SessionFuser, opts: SessionOptions = {}) {
    this.now = opts.now ?? (() => performance.now());
    this.queue = new FusionQueue((j) => this.fuseOne(j.f, j.run, j.arrived));
    this.state = this.derive({
      calibration: null, source: IDLE_SOURCE, binding: null, threeD: NO_3D, note: null,
      stats: { frameSets: 0, fusedSets: 0, hasTruth: false, camerasRunning: 0, lost: 0 }, run: { frames: 0 }, recording: { active: false, frames: 0 },
    });
  }

  // ---- store API (React's useSyncExternalStore) ----
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  getSnapshot = (): SessionState => this.state;

  get offers(): Offers {
    return offers(this.state);
  }

  /** The source now feeding (the app reaches its video elements through it). */
  get activeSource(): FrameSource | null {
    return this.source;
  }

  /** Frame sets per second and each method's poses per second, over the same window since the run began. */
  rates(): { setsPerSec: number; posesPerSec: Record<string, number> } {
    return this.runRates.rates(this.now());
  }

  // ---- the rig ----
  /** A calibration (already validated by its reader). Applies to the next frame set of the running source. */
  setCalibration(cameras: readonly Camera[], name: string): void {
    this.update({ calibration: { name, cameras } });
  }

  clearCalibration(): void {
    this.update({ calibration: null });
  }

  // ---- the source ----
  /** Makes `source` the one source: the previous one is stopped and disposed, every number and result cleared. */
  async use(source: FrameSource): Promise<void> {
    this.stopRecording();
    const old = this.source;
    this.source = source;
    old?.stop();
    if (old !== source) old?.dispose(); // the same source again (a take replayed anew) is only restarted
    const run = this.state.source.run + 1;
    this.resetRun();
    this.update({
      source: { ...IDLE_SOURCE, kind: source.kind, finite: source.finite, phase: 'starting', run },
      note: null,
      stats: { frameSets: 0, fusedSets: 0, hasTruth: false, camerasRunning: 0, lost: 0 },
      run: { frames: 0 },
    });
    await this.startSource(source, run);
  }

  /** Pauses the simulation or a take replay (same run: its numbers and results stay). */
  pause(): void {
    if (!this.offers.pause.ok) return;
    this.source!.stop();
    this.patchSource({ phase: 'paused' });
  }

  resume(): void {
    if (!this.offers.resume.ok) return;
    this.patchSource({ phase: 'starting' });
    void this.startSource(this.source!, this.state.source.run);
  }

  /** Stops the source (cancels processing: what was fused so far stays the run's result). */
  stop(): void {
    const s = this.state.source;
    if (!this.source || (s.phase !== 'running' && s.phase !== 'starting')) return;
    this.source.stop();
    const cancelled = s.finite && s.progress && s.progress.done < s.progress.total;
    this.update({
      source: {
        ...s, phase: 'stopped', progress: s.progress ? { ...s.progress, etaS: null } : null,
        tiles: s.tiles.map((t) => (t.status === 'error' ? t : { ...t, status: 'done' })),
      },
      note: cancelled ? { level: 'info', text: `Cancelled at frame set ${s.progress!.done} of ${s.progress!.total}: the run keeps the ${this.state.run.frames} fused so far.` } : this.state.note,
    });
  }

  /**
   * Leaves no source: the old one stopped and disposed, its numbers and results cleared. After the wizard gives a
   * new calibration, capture shows that rig, waiting for its cameras, instead of another source's world.
   */
  release(): void {
    if (!this.source) return;
    this.stopRecording();
    this.dispose();
    this.resetRun();
    this.update({
      source: { ...IDLE_SOURCE, run: this.state.source.run + 1 },
      note: null,
      stats: { frameSets: 0, fusedSets: 0, hasTruth: false, camerasRunning: 0, lost: 0 },
      run: { frames: 0 },
    });
  }

  dispose(): void {
    this.source?.stop();
    this.source?.dispose();
    this.source = null;
  }

  // ---- results ----
  startRecording(): void {
    const t = this.state.threeD;
    if (this.takes.recording || !this.offers.record.ok || !t.rig) return;
    this.takes.startRecording(t.rig);
    this.update({ recording: { active: true, frames: 0 } });
  }

  /** Stops recording; the take holds exactly the frames the count showed (null with fewer than two). */
  stopRecording(): MultiTake | null {
    const r = this.takes.endRecording();
    if (!r) return null;
    this.update({ recording: { active: false, frames: r.count } });
    return r.take({ recordedAt: new Date().toISOString(), source: this.state.source.kind });
  }

  /** The run's result as a take: every frame set of a processed video or take, without recording (version 2 with several people). */
  runTake(): MultiTake | null {
    return this.takes.runTake({ processedAt: new Date().toISOString(), source: this.state.source.kind });
  }

  // ---- internals ----
  private async startSource(source: FrameSource, run: number): Promise<void> {
    const sink = runSink(run, this.sinkHost, this.eta);
    try {
      await source.start(sink);
    } catch (e) {
      return sink.failed(e instanceof Error ? e.message : String(e));
    }
    if (run === this.state.source.run && this.state.source.phase === 'starting') this.patchSource({ phase: 'running' });
  }

  private resetRun(): void {
    this.fuser.reset();
    this.fused.emit(null);
    this.detections.emit(null);
    this.metrics.resetRun();
    this.runRates.reset(this.now());
    this.takes.clearRun();
    this.queue.clear();
    this.eta.reset();
  }

  /** What the sink of a run (sink.ts) asks of the session: a stopped or replaced source's late calls are ignored. */
  private readonly sinkHost: SinkHost = {
    live: (run) => run === this.state.source.run && this.source !== null && this.state.source.phase !== 'stopped',
    sourceState: () => this.state.source,
    patchSource: (patch) => this.patchSource(patch),
    frameSet: (f, run) => this.onFrameSet(f, run),
    idle: () => this.queue.idle(),
    now: () => this.now(),
  };

  private onFrameSet(f: DetectedFrameSet, run: number): void | Promise<void> {
    const lost = f.status.filter((s) => s === 'lost').length;
    const arrived = this.now();
    this.runRates.frameSet(arrived);
    this.state = this.derive({
      ...this.state,
      stats: { ...this.state.stats, frameSets: this.state.stats.frameSets + 1, camerasRunning: f.status.length - lost, lost, hasTruth: !!f.gt || !!f.truths?.length },
    });
    this.notify();
    this.detections.emit(f);
    if (!this.state.threeD.available) return;
    if (this.state.source.finite) return this.queue.every({ f, run, arrived });
    this.queue.latest({ f, run, arrived });
  }

  /** Fuses the calibrated views of `f` on the rig of the moment (a calibration loaded mid-run applies here). */
  private async fuseOne(f: DetectedFrameSet, run: number, arrived: number): Promise<void> {
    const t = this.state.threeD;
    if (!t.available || !t.rig) return;
    const sub: DetectedFrameSet = t.views.length === f.views.length ? f : {
      ...f, views: t.views.map((i) => f.views[i]), status: t.views.map((i) => f.status[i]),
      ...(f.people ? { people: t.views.map((i) => f.people![i]) } : {}),
      ...(f.labels ? { labels: t.views.map((i) => f.labels![i]) } : {}),
    };
    this.fuser.setRig(t.rig);
    let fused: FusedFrameSet | null;
    try {
      fused = await this.fuser.fuse(sub);
    } catch (e) {
      console.error('fusion failed', e);
      return;
    }
    if (!fused || run !== this.state.source.run) return;
    // The rig changed while this frame set was fused: its result belongs to no current rig.
    if (this.state.threeD.rig !== t.rig) return;
    this.onFused(fused, t.rig, arrived);
  }

  /** `arrived`: when the frame set came in; its poses count at that time, so poses/s never exceeds sets/s. */
  private onFused(f: FusedFrameSet, rig: readonly Camera[], arrived: number): void {
    const now = this.now();
    this.runRates.fused(personPoses(f), arrived);
    this.metrics.add(f, now / 1000);
    const ended = this.takes.add(f, rig, this.state.source.finite);
    const note: SessionState['note'] = ended === null ? this.state.note : { level: 'warn', text: `Recording stopped after ${ended} frames: the rig changed (a take has one rig).` };
    this.state = this.derive({
      ...this.state,
      note,
      stats: { ...this.state.stats, fusedSets: this.state.stats.fusedSets + 1 },
      run: { frames: this.takes.runFrames },
      recording: { active: this.takes.recording, frames: this.takes.recordedFrames ?? this.state.recording.frames },
    });
    this.notify();
    this.fused.emit(f);
  }

  private patchSource(patch: Partial<SourceState>): void {
    this.update({ source: { ...this.state.source, ...patch } });
  }

  private update(patch: Partial<SessionState>): void {
    const before = this.state.threeD;
    this.state = this.derive({ ...this.state, ...patch });
    const after = this.state.threeD;
    if (after.rig !== before.rig) {
      // A new rig (or none): what the view shows was fused on the old one.
      this.fuser.setRig(after.rig);
      this.queue.dropWaiting();
      if (!after.available) this.fused.emit(null);
      if (this.takes.recording && !after.available) this.stopRecordingWithNote('the source has nothing in 3D any more');
    }
    this.notify();
  }

  private stopRecordingWithNote(why: string): void {
    const n = this.takes.endRecording()?.count ?? 0;
    this.state = this.derive({ ...this.state, recording: { active: false, frames: n }, note: { level: 'warn', text: `Recording stopped after ${n} frames: ${why}.` } satisfies SessionMessage });
  }

  private derive(s: Omit<SessionState, 'messages'> & { messages?: unknown }): SessionState {
    const { threeD, binding } = deriveThreeD(s.calibration, s.source, s.threeD ?? null);
    const next = { ...s, threeD, binding };
    return { ...next, messages: deriveMessages(next) };
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }
}
