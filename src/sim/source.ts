/**
 * The simulation as a source: a timer that films the procedural figure with the virtual ring rig and hands the
 * simulated detections, with the truth, to the session like any other source. It always fuses on its own rig: a
 * user calibration is for real cameras (a calibrated world could put the figure outside every view).
 */
import type { Camera } from '../geometry/camera';
import type { FrameSource, SourceSink, TileState } from '../cameras/source';
import { emptyTile } from '../cameras/source';
import { Channel } from '../fusion/channel';
import { BUNDLED_NOISE } from './noise-params';
import { drawDefinitionOffsets } from './noise';
import { ringRig } from './rig';
import { makeRng } from './rng';
import { simulateFrame } from './simulate';
import { proceduralFigures, type SceneFigure } from './figures';
import { simulateScene } from './scene';
import { viewStatus, type DetectedFrameSet } from '../fusion/flow';

export interface SimSettings {
  /** Cameras used, 2–8. */
  cameras: number;
  /** Noise level: 0 = perfect detections, 1 = the fitted detector model. */
  noise: number;
  /** Camera indices whose views are dropped. */
  dropped: number[];
  /** Frame sets per second. */
  fps: number;
  /** Figures in the scene, 1–4; with one the scene is the single figure of simulate.ts. */
  people: number;
}

export const DEFAULT_SIM: SimSettings = { cameras: 4, noise: 1, dropped: [], fps: 15, people: 1 };

/** The simulation's settings, shared by every simulation source the app starts. */
export class SimSettingsStore extends Channel<SimSettings> {
  constructor(initial: SimSettings = DEFAULT_SIM) {
    super();
    this.emit({ ...initial });
  }
  get current(): SimSettings {
    return this.latest()!;
  }
  update(patch: Partial<SimSettings>): void {
    const next = { ...this.current, ...patch };
    next.cameras = Math.max(2, Math.min(8, Math.round(next.cameras)));
    next.dropped = next.dropped.filter((i) => i < next.cameras);
    next.fps = Math.max(1, Math.min(60, next.fps));
    next.people = Math.max(1, Math.min(4, Math.round(next.people ?? 1)));
    this.emit(next);
  }
}

/** Timers and clock (ms), injected so tests step the simulation by hand. */
export interface SimClock {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realClock: SimClock = {
  now: () => performance.now(),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};

export const NOISE_SOURCE = BUNDLED_NOISE.source;

export class SimulationSource implements FrameSource {
  readonly kind = 'simulation' as const;
  readonly finite = false;
  private timer: unknown = null;
  private sink: SourceSink | null = null;
  private rig: readonly Camera[] = [];
  private rng = makeRng(1);
  /** The simulated person's detector definition offsets: one body, one draw. */
  private definition = drawDefinitionOffsets(BUNDLED_NOISE.params, makeRng(2));
  private simTime = 0;
  private lastWall = 0;
  private tiles: TileState[] = [];
  private unsub: (() => void) | null = null;
  private figures: { n: number; figs: SceneFigure[]; definitions: Map<number, Float64Array> } | null = null;

  constructor(readonly settings: SimSettingsStore, private readonly clock: SimClock = realClock) {}

  async start(sink: SourceSink): Promise<void> {
    this.stop();
    this.sink = sink;
    this.publishRig();
    this.lastWall = this.clock.now();
    this.schedule();
    let last = this.settings.current;
    this.unsub = this.settings.subscribe((s) => {
      if (s.cameras !== last.cameras) this.publishRig();
      if (s.fps !== last.fps) this.schedule();
      last = s;
    });
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearInterval(this.timer);
    this.timer = null;
    this.unsub?.();
    this.unsub = null;
    this.sink = null;
  }

  dispose(): void {
    this.stop();
  }

  private schedule(): void {
    if (this.timer !== null) this.clock.clearInterval(this.timer);
    this.timer = this.clock.setInterval(() => this.tick(), 1000 / this.settings.current.fps);
  }

  private publishRig(): void {
    this.rig = ringRig(this.settings.current.cameras);
    this.tiles = this.rig.map((c) => ({ ...emptyTile(c.name), status: 'ok', settings: `${c.width}×${c.height} (virtual)` }));
    this.sink?.views(this.rig.map((c) => ({ name: c.name, width: c.width, height: c.height })), this.rig);
    this.sink?.tiles(this.tiles);
  }

  /** One frame set; simulated time runs with the wall clock while the source runs and stands still in a pause. */
  tick(): void {
    if (!this.sink) return;
    const wall = this.clock.now();
    this.simTime += (wall - this.lastWall) / 1000;
    this.lastWall = wall;
    const s = this.settings.current;
    const c0 = this.clock.now();
    if (s.people > 1) {
      const f = this.sceneFrame(s);
      f.timings = { capture: 0, detection: this.clock.now() - c0, skew: 0 };
      void this.sink.frameSet(f);
      return;
    }
    const f = simulateFrame(this.simTime, this.rig, { noise: BUNDLED_NOISE.params, level: s.noise, dropped: new Set(s.dropped), definition: this.definition }, this.rng);
    void this.sink.frameSet({ time: f.time, views: f.views, status: f.status, timings: { capture: 0, detection: this.clock.now() - c0, skew: 0 }, gt: f.gt });
  }

  /**
   * Several figures crossing paths and hiding each other: every view holds every detected person (shuffled, as a
   * multi-person detector gives them); `views` keep figure 0's detection for single-person consumers.
   */
  private sceneFrame(s: SimSettings): DetectedFrameSet {
    if (!this.figures || this.figures.n !== s.people) {
      const defRng = makeRng(2);
      const figs = proceduralFigures(s.people);
      this.figures = { n: s.people, figs, definitions: new Map(figs.map((f) => [f.id, drawDefinitionOffsets(BUNDLED_NOISE.params, defRng)])) };
    }
    const dropped = new Set(s.dropped);
    const f = simulateScene(this.simTime, this.rig, this.figures.figs, {
      noise: BUNDLED_NOISE.params, level: s.noise, occlusion: true, grabProbability: 0.3, posters: [], reflections: [],
      definitions: this.figures.definitions, dropped,
    }, this.rng);
    const views = f.views.map((v, i) => (v ? v[f.labels[i]!.indexOf(0)] ?? null : null));
    const status = f.views.map((v) => viewStatus(v ?? null));
    const first = f.truth.find((t) => t.id === 0) ?? null;
    return { time: f.time, views, status, timings: {}, gt: first, people: f.views, truths: f.truth, labels: f.labels };
  }
}
