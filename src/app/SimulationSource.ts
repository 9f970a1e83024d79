/**
 * The simulation as a source: a timer that publishes the virtual rig on bus.cameras and simulated detections on
 * bus.detections, exactly as live capture does. It is the default source: it starts on page load and pauses
 * itself as soon as another source publishes detections (a live camera, a replay).
 */
import type { Camera } from '../geometry/camera';
import { BUNDLED_NOISE } from '../sim/noise-params';
import { drawDefinitionOffsets } from '../sim/noise';
import { ringRig } from '../sim/rig';
import { makeRng, type Rng } from '../sim/rng';
import { simulateFrame } from '../sim/simulate';
import { bus, Channel, type DetectedFrameSet } from './bus';

export interface SimSettings {
  /** Cameras used, 2–8. */
  cameras: number;
  /** Noise level: 0 = perfect detections, 1 = the fitted detector model. */
  noise: number;
  /** Camera indices whose views are dropped. */
  dropped: number[];
  /** Frame sets per second. */
  fps: number;
}

export const DEFAULT_SIM: SimSettings = { cameras: 4, noise: 1, dropped: [], fps: 15 };

export class SimulationSource {
  readonly settings = new Channel<SimSettings>();
  readonly running = new Channel<boolean>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private ours = new WeakSet<object>();
  private rig: readonly Camera[] = [];
  private rng: Rng = makeRng(1);
  /** The simulated person's detector definition offsets: one body, one draw. */
  private definition = drawDefinitionOffsets(BUNDLED_NOISE.params, makeRng(2));
  private t0 = 0;
  private simTime = 0;
  private unsub: (() => void) | null = null;
  readonly noiseSource = BUNDLED_NOISE.source;

  constructor() {
    this.settings.emit({ ...DEFAULT_SIM });
    this.running.emit(false);
  }

  /** Whether `cams` is the simulation's own virtual rig (not a user calibration). */
  ownsRig(cams: readonly Camera[] | null): boolean {
    return cams !== null && this.ours.has(cams);
  }

  get current(): SimSettings {
    return this.settings.latest()!;
  }

  update(patch: Partial<SimSettings>): void {
    const next = { ...this.current, ...patch };
    next.cameras = Math.max(2, Math.min(8, Math.round(next.cameras)));
    next.dropped = next.dropped.filter((i) => i < next.cameras);
    const rigChanged = next.cameras !== this.current.cameras;
    this.settings.emit(next);
    if (rigChanged && this.timer) this.publishRig();
    if (patch.fps !== undefined && this.timer) {
      this.stop();
      this.start();
    }
  }

  /** The rig the simulation films with: a user calibration on the bus if there is one, else the default ring. */
  private publishRig(): void {
    const onBus = bus.cameras.latest();
    const user = onBus && !this.ours.has(onBus) && onBus.length >= 2 ? onBus : null;
    const n = this.current.cameras;
    const rig = user ? user.slice(0, Math.min(n, user.length)) : ringRig(n);
    this.ours.add(rig);
    this.rig = rig;
    bus.cameras.emit(rig);
  }

  start(): void {
    if (this.timer) return;
    this.publishRig();
    this.t0 = performance.now() - this.simTime * 1000;
    this.timer = setInterval(() => this.tick(), 1000 / this.current.fps);
    // Another source taking over the bus pauses the simulation.
    this.unsub = bus.detections.subscribe((f) => {
      if (!this.ours.has(f)) this.stop();
    });
    this.running.emit(true);
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.unsub?.();
    this.unsub = null;
    this.running.emit(false);
  }

  private tick(): void {
    const s = this.current;
    const cams = bus.cameras.latest();
    if (cams !== this.rig) this.publishRig();
    this.simTime = (performance.now() - this.t0) / 1000;
    const c0 = performance.now();
    const f = simulateFrame(this.simTime, this.rig, { noise: BUNDLED_NOISE.params, level: s.noise, dropped: new Set(s.dropped), definition: this.definition }, this.rng);
    const frame: DetectedFrameSet = {
      time: f.time,
      views: f.views,
      status: f.status,
      timings: { capture: 0, detection: performance.now() - c0, skew: 0 },
      gt: f.gt,
    };
    this.ours.add(frame);
    bus.detections.emit(frame);
  }
}

export const simulation = new SimulationSource();
