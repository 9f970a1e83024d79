/**
 * The capture controller: sources (webcams or lockstep videos) → frame sets → detection worker → bus.detections.
 * Lives outside React; the panel renders its snapshot (useSyncExternalStore) and mounts its video elements.
 *
 * Live scheduling: detection is slower than the cameras, so frames are grabbed only while the controller is
 * "hungry"; the frames arriving meanwhile are only counted (fps), never queued. To keep the worker busy without
 * handing it stale frames, the controller turns hungry shortly before the worker is predicted to finish (its
 * measured time per set minus the recent time to assemble a set) and sends the set as soon as it is complete:
 * it waits in the worker's queue, so neither messaging nor the main thread's other work leaves the worker idle,
 * and it is about one assembly time old when its turn comes. At most two sets are in the worker, one more waits.
 */
import { bus, type DetectedFrameSet } from './bus';
import { simulation } from './SimulationSource';
import type { Camera } from '../geometry/camera';
import { FrameSetAssembler, defaultFrameSetOptions } from '../cameras/frameset';
import { LiveCamera, grabFrame } from '../cameras/live';
import { LockstepVideos, type VideoInput } from '../cameras/videos';
import {
  CameraError,
  DEFAULT_CONSTRAINTS,
  MAX_CAMERAS,
  describeMediaError,
  listCameras,
  openCamera,
  requestAndListCameras,
  type CaptureConstraints,
  type VideoDevice,
} from '../cameras/webcams';
import { DetectionClient } from '../detection/client';
import { TakeReplay } from '../cameras/take-replay';
import { parseTake } from '../take';
import { DEFAULT_MODEL, type BackendChoice, type ModelId } from '../detection/models';
import { NUM_JOINTS } from '../keypoints';

export type SourceKind = 'cameras' | 'videos' | 'take';
export type TileStatus = 'starting' | 'ok' | 'no-detection' | 'lost' | 'error' | 'done';

export interface TileState {
  label: string;
  status: TileStatus;
  message: string | null;
  /** What the device delivers, e.g. "1280×720 @ 30 fps". */
  settings: string;
  camFps: number;
  detFps: number;
  dropped: number;
  skewMs: number;
  /** Frames (sets) this tile got a detection in / was part of. */
  detected: number;
  processed: number;
}

export interface CaptureSettings {
  model: ModelId;
  backend: BackendChoice;
  constraints: CaptureConstraints;
  /** Longer side of the frame handed to the detector (0 = full size). */
  maxSide: number;
  /** Score under which a joint is drawn dimmed. */
  scoreThreshold: number;
  /** Lockstep video frame rate; 0 = measure. */
  videoFps: number;
}

export interface CaptureSnapshot {
  phase: 'idle' | 'requesting' | 'choosing' | 'starting' | 'running' | 'finished' | 'error';
  source: SourceKind;
  error: string | null;
  devices: VideoDevice[];
  tiles: TileState[];
  settings: CaptureSettings;
  backend: string | null;
  backendNotes: string[];
  numTensors: number | null;
  /** Tensor count after the first frame set (the warm-up): later counts must equal it. */
  numTensorsAfterWarmup: number | null;
  sets: number;
  setsPerSec: number;
  /** Mean wall time per frame set and mean sum of the model's inference times in it (ms). */
  meanSetMs: number;
  meanInferMs: number;
  /** Median per-view inference time over the last frames (ms). */
  inferMedianMs: number;
  /** Lockstep progress. */
  frame: number;
  frameCount: number;
}

interface Grab {
  bitmap: ImageBitmap;
  scale: number;
  timeMs: number;
}

interface ReadySet {
  time: number;
  frames: (Grab | null)[];
  skew: number[];
  /** performance.now() when the set was complete. */
  tReady: number;
}

/** Timing of one processed frame set (ms on the performance.now() clock), for benchmarks. */
export interface SetTiming {
  /** Set complete (live) or seek started (lockstep). */
  tReady: number;
  /** Handed to the worker. */
  tSend: number;
  /** Result back on the main thread. */
  tEnd: number;
  /** Per-view inference time in the worker (NaN for empty slots). */
  inferMs: number[];
  /** The worker's time for the whole set. */
  workerMs: number;
  /** When the worker started / finished it, on this clock. */
  workerStart: number;
  workerEnd: number;
}

const EMPTY_TILE = (label: string): TileState => ({
  label, status: 'starting', message: null, settings: '', camFps: 0, detFps: 0, dropped: 0, skewMs: NaN, detected: 0, processed: 0,
});

/** Rate over a sliding window of event times. */
class RateMeter {
  private t: number[] = [];
  constructor(private windowMs = 2000) {}
  tick(now = performance.now()) {
    this.t.push(now);
    while (this.t.length && this.t[0] < now - this.windowMs) this.t.shift();
  }
  rate(now = performance.now()): number {
    while (this.t.length && this.t[0] < now - this.windowMs) this.t.shift();
    if (this.t.length < 2) return 0;
    return ((this.t.length - 1) * 1000) / Math.max(1, this.t[this.t.length - 1] - this.t[0]);
  }
}

type KeypointListener = (camera: number, kp: Float32Array | null, frameW: number, frameH: number) => void;

export class CaptureController {
  private snap: CaptureSnapshot;
  private listeners = new Set<() => void>();
  private kpListeners = new Set<KeypointListener>();
  private client: DetectionClient | null = null;
  private live: LiveCamera[] = [];
  private lockstep: LockstepVideos | null = null;
  private replay: TakeReplay | null = null;
  private assembler: FrameSetAssembler<Grab> | null = null;
  private hungry = false;
  private grabbing: boolean[] = [];
  private camRates: RateMeter[] = [];
  private detRates: RateMeter[] = [];
  private setRate = new RateMeter(4000);
  private sourceSkipped: number[] = [];
  private runId = 0;
  private lastKp: (Float32Array | null)[] = [];
  private onDeviceChange = () => void this.reopenLost();
  private emitQueued = false;
  private inferSamples: number[] = [];
  // Live pipelining state (see the header comment).
  private inFlight = 0;
  private waiting: ReadySet | null = null;
  private hungryTimer: ReturnType<typeof setTimeout> | null = null;
  private hungrySince = 0;
  /** When the worker is predicted to have finished everything sent (performance.now() ms). */
  private workerIdleAt = 0;
  /** Recent worker times per set and set assembly times (ms), newest last, at most 8 each. */
  private workerMs: number[] = [];
  private assembleMs: number[] = [];
  private timings: SetTiming[] = [];

  /** The last rig on the bus that is not the simulation's (a calibration, a take's cameras). */
  private userRig: readonly Camera[] | null = null;

  constructor(settings: Partial<CaptureSettings> = {}) {
    bus.cameras.subscribe((c) => {
      if (c.length && !simulation.ownsRig(c)) this.userRig = c;
    });
    this.snap = {
      phase: 'idle', source: 'cameras', error: null, devices: [], tiles: [],
      settings: { model: DEFAULT_MODEL, backend: 'auto', constraints: { ...DEFAULT_CONSTRAINTS }, maxSide: 640, scoreThreshold: 0.3, videoFps: 0, ...settings },
      backend: null, backendNotes: [], numTensors: null, numTensorsAfterWarmup: null, sets: 0, setsPerSec: 0, meanSetMs: 0, meanInferMs: 0, inferMedianMs: NaN, frame: 0, frameCount: 0,
    };
  }

  // ---- store API for React ----
  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  getSnapshot = () => this.snap;
  onKeypoints(fn: KeypointListener) {
    this.kpListeners.add(fn);
    return () => this.kpListeners.delete(fn);
  }
  /** The element a tile shows for camera i (owned here, mounted by the tile). */
  videoElement(i: number): HTMLVideoElement | null {
    return this.live[i]?.video ?? this.lockstep?.videos[i] ?? null;
  }
  latestKeypoints(i: number) {
    return this.lastKp[i] ?? null;
  }

  private set(patch: Partial<CaptureSnapshot>) {
    this.snap = { ...this.snap, ...patch };
    this.notify();
  }
  private setTile(i: number, patch: Partial<TileState>) {
    const tiles = this.snap.tiles.slice();
    if (!tiles[i]) return;
    tiles[i] = { ...tiles[i], ...patch };
    this.snap = { ...this.snap, tiles };
    this.notify();
  }
  private notify() {
    // Coalesce bursts (per-frame stats) into one React update per microtask.
    if (this.emitQueued) return;
    this.emitQueued = true;
    queueMicrotask(() => {
      this.emitQueued = false;
      for (const fn of this.listeners) fn();
    });
  }

  updateSettings(patch: Partial<CaptureSettings>) {
    this.set({ settings: { ...this.snap.settings, ...patch } });
  }
  setSource(source: SourceKind) {
    if (this.snap.phase === 'running' || this.snap.phase === 'starting') this.stop();
    this.set({ source, error: null, phase: 'idle', devices: [], tiles: [] });
  }

  // ---- webcams ----
  /** Asks for permission (the only place the app does) and lists the cameras. */
  async connectCameras(): Promise<void> {
    this.set({ phase: 'requesting', error: null });
    try {
      const devices = (await requestAndListCameras());
      if (!devices.length) throw new CameraError('No camera found. Plug one in, or use Videos as the source.', 'not-found');
      this.set({ phase: 'choosing', devices });
    } catch (e) {
      this.set({ phase: 'error', error: e instanceof Error ? e.message : String(e) });
    }
  }

  async startCameras(deviceIds: string[]): Promise<void> {
    const chosen = this.snap.devices.filter((d) => deviceIds.includes(d.deviceId)).slice(0, MAX_CAMERAS);
    if (!chosen.length) {
      this.set({ error: 'Pick at least one camera.' });
      return;
    }
    this.stop();
    const run = ++this.runId;
    this.prepareRun(chosen.map((d) => d.label));
    try {
      await this.initDetector();
    } catch (e) {
      if (run === this.runId) this.set({ phase: 'error', error: `Detection could not start: ${e instanceof Error ? e.message : e}` });
      return;
    }
    if (run !== this.runId) return;
    const n = chosen.length;
    this.assembler = new FrameSetAssembler<Grab>(n, defaultFrameSetOptions(this.snap.settings.constraints.frameRate), (g) => g.bitmap.close());
    this.grabbing = new Array(n).fill(false);
    // Open cameras one by one: several drivers fail when asked for many streams at the same instant.
    const cams: (LiveCamera | null)[] = [];
    for (let i = 0; i < n; i++) {
      try {
        const opened = await openCamera(chosen[i], this.snap.settings.constraints);
        const cam = new LiveCamera(opened, (tick) => this.onTick(run, i, tick.time, tick.skipped), () => this.onLost(run, i));
        cams.push(cam);
        this.setTile(i, { status: 'ok', settings: describeSettings(opened.settings) });
      } catch (e) {
        cams.push(null);
        this.setTile(i, { status: 'error', message: e instanceof Error ? e.message : String(e) });
      }
    }
    if (run !== this.runId) {
      cams.forEach((c) => c?.stop());
      return;
    }
    this.live = cams.map((c, i) => c ?? this.placeholderCamera(chosen[i]));
    cams.forEach((c, i) => { if (!c) this.assembler!.setLost(i, true); });
    if (cams.every((c) => !c)) {
      this.set({ phase: 'error', error: 'No camera could be opened: see the messages on the tiles.' });
      return;
    }
    navigator.mediaDevices.addEventListener('devicechange', this.onDeviceChange);
    this.set({ phase: 'running' });
    this.notify();
    await Promise.all(cams.map((c) => c?.start()));
    this.becomeHungry(run);
  }

  // ---- live pipelining ----
  private becomeHungry(run: number) {
    if (run !== this.runId || this.hungry) return;
    if (this.hungryTimer) clearTimeout(this.hungryTimer);
    this.hungryTimer = null;
    this.hungry = true;
    this.hungrySince = performance.now();
  }

  /** A complete live set: to the worker unless two are there already (then it waits; hungry is off now). */
  private offer(run: number, set: ReadySet) {
    if (this.inFlight >= 2) {
      this.closeSet(this.waiting);
      this.waiting = set;
    } else this.dispatch(run, set);
  }

  private dispatch(run: number, set: ReadySet) {
    this.inFlight++;
    const now = performance.now();
    this.workerIdleAt = Math.max(now, this.workerIdleAt) + this.predictedWorkerMs();
    this.scheduleHunger(run);
    void this.processSet(run, set.time, set.frames, set.skew, set.tReady).finally(() => {
      if (run !== this.runId || this.snap.phase === 'error') return;
      this.inFlight--;
      const last = this.timings[this.timings.length - 1];
      if (last) pushBounded(this.workerMs, last.workerMs);
      // Re-anchor the prediction on the worker's own clock: the queued set (if any) started when this one ended,
      // which on a busy main thread can be long before this callback runs.
      const ended = last ? last.workerEnd : performance.now();
      this.workerIdleAt = this.inFlight ? ended + this.predictedWorkerMs() : performance.now();
      const next = this.waiting;
      this.waiting = null;
      if (next) this.dispatch(run, next);
      else if (this.inFlight === 0) this.becomeHungry(run); // the prediction was late: start now
      else this.scheduleHunger(run);
    });
  }

  /**
   * The worker's time for the next set, on the short side (the fastest of the recent ones): inference time varies
   * with the load, and a set that is ready too early costs a little latency, one that is late costs throughput.
   */
  private predictedWorkerMs(): number {
    return this.workerMs.length ? Math.min(...this.workerMs) : 0;
  }

  /**
   * Hungry again when the next set can be assembled by the time the worker runs out of work: the slowest of the
   * last assembly times, a quarter frame period and a tenth of the worker's time early. With one set already
   * queued in the worker, never.
   */
  private scheduleHunger(run: number) {
    if (this.hungry || this.inFlight >= 2) return;
    if (this.hungryTimer) clearTimeout(this.hungryTimer);
    const period = 1000 / Math.max(1, this.snap.settings.constraints.frameRate);
    // Plus a tenth of the worker's time: on a busy machine the timer and the grabs run late in proportion.
    const lead = (this.assembleMs.length ? Math.max(...this.assembleMs) : period) + period / 4 + 0.1 * this.predictedWorkerMs();
    const delay = this.workerIdleAt - lead - performance.now();
    if (delay <= 0 || !this.workerMs.length) this.becomeHungry(run);
    else this.hungryTimer = setTimeout(() => this.becomeHungry(run), delay);
  }

  private closeSet(set: ReadySet | null) {
    for (const f of set?.frames ?? []) f?.bitmap.close();
  }

  /** Timings of the last (up to 512) processed frame sets, oldest first. */
  recentSets(): SetTiming[] {
    return this.timings.slice();
  }

  /** A stand-in for a camera that failed to open, so slots keep their index; re-opened on devicechange. */
  private placeholderCamera(dev: VideoDevice): LiveCamera {
    const stream = new MediaStream();
    const cam = new LiveCamera({ deviceId: dev.deviceId, label: dev.label, stream, track: null as unknown as MediaStreamTrack, settings: {} }, () => undefined, () => undefined);
    cam.lost = true;
    return cam;
  }

  private onTick(run: number, i: number, timeSec: number, skipped: number) {
    if (run !== this.runId) return;
    this.camRates[i].tick();
    this.sourceSkipped[i] += skipped;
    if (!this.hungry || this.grabbing[i] || !this.assembler) return;
    this.grabbing[i] = true;
    const video = this.live[i].video;
    grabFrame(video, this.snap.settings.maxSide)
      .then(({ bitmap, scale }) => {
        this.grabbing[i] = false;
        if (run !== this.runId || !this.hungry || !this.assembler) return bitmap.close();
        const sets = this.assembler.push(i, timeSec, { bitmap, scale, timeMs: timeSec * 1000 });
        if (!sets.length) return;
        // One set per hungry period: the newest; anything else that completed at the same moment is older.
        const last = sets[sets.length - 1];
        for (const s of sets.slice(0, -1)) for (const f of s.frames) f?.bitmap.close();
        this.hungry = false;
        this.assembler.discardQueued();
        const now = performance.now();
        pushBounded(this.assembleMs, now - this.hungrySince);
        this.offer(run, { time: last.time, frames: last.frames, skew: last.skew, tReady: now });
      })
      .catch(() => {
        this.grabbing[i] = false; // the video had no frame (e.g. just ended): skip this tick
      });
  }

  private onLost(run: number, i: number) {
    if (run !== this.runId) return;
    this.assembler?.setLost(i, true)?.forEach((s) => s.frames.forEach((f) => f?.bitmap.close()));
    this.lastKp[i] = null;
    this.emitKp(i, null, 0, 0);
    this.setTile(i, { status: 'lost', message: 'Camera lost (unplugged or stopped). It is re-opened when it comes back.' });
  }

  private async reopenLost() {
    const run = this.runId;
    const lost = this.live.map((c, i) => (c.lost ? i : -1)).filter((i) => i >= 0);
    if (!lost.length) return;
    let present: VideoDevice[];
    try {
      present = await listCameras();
    } catch {
      return;
    }
    for (const i of lost) {
      const cam = this.live[i];
      if (!present.some((d) => d.deviceId === cam.opened.deviceId)) continue;
      try {
        const opened = await openCamera({ deviceId: cam.opened.deviceId, label: cam.opened.label }, this.snap.settings.constraints);
        if (run !== this.runId) return opened.stream.getTracks().forEach((t) => t.stop());
        const fresh = new LiveCamera(opened, (tick) => this.onTick(run, i, tick.time, tick.skipped), () => this.onLost(run, i));
        if (cam.opened.track) cam.stop();
        this.live[i] = fresh;
        this.client?.reset(i);
        this.assembler?.setLost(i, false);
        await fresh.start();
        this.setTile(i, { status: 'ok', message: null, settings: describeSettings(opened.settings) });
      } catch (e) {
        this.setTile(i, { message: describeMediaError(e, cam.opened.label).message });
      }
    }
  }

  // ---- lockstep videos ----
  async startVideos(inputs: VideoInput[]): Promise<void> {
    if (!inputs.length) {
      this.set({ error: 'Choose one video file per camera.' });
      return;
    }
    this.stop();
    const run = ++this.runId;
    const src = inputs.slice(0, MAX_CAMERAS);
    this.prepareRun(src.map((s) => s.label));
    this.lockstep = new LockstepVideos(src);
    this.notify();
    try {
      await Promise.all([this.initDetector(), this.lockstep.open(this.snap.settings.videoFps)]);
    } catch (e) {
      if (run === this.runId) this.set({ phase: 'error', error: e instanceof Error ? e.message : String(e) });
      return;
    }
    if (run !== this.runId) return;
    const ls = this.lockstep;
    src.forEach((_, i) => this.setTile(i, { status: 'ok', settings: `${ls.videos[i].videoWidth}×${ls.videos[i].videoHeight} @ ${ls.fps} fps (file)` }));
    this.set({ phase: 'running', frameCount: ls.frameCount });
    for (let f = 0; f < ls.frameCount && run === this.runId; f++) {
      const t0 = performance.now();
      await ls.seek(f);
      if (run !== this.runId) return;
      const grabs = await Promise.all(ls.videos.map((v) => grabFrame(v, this.snap.settings.maxSide).catch(() => null)));
      const frames = grabs.map((g) => (g ? { ...g, timeMs: (f / ls.fps) * 1000 } : null));
      await this.processSet(run, f / ls.fps, frames, frames.map((g) => (g ? 0 : NaN)), t0);
      this.set({ frame: f + 1 });
    }
    if (run === this.runId) {
      this.set({ phase: 'finished' });
      this.snap.tiles.forEach((_, i) => this.setTile(i, { status: 'done' }));
    }
  }

  // ---- take replay ----
  /** Replays a take file's 2D detections at its own rate; its cameras become the rig. */
  startTake(text: string, name: string): void {
    this.stop();
    let take;
    try {
      take = parseTake(text);
    } catch (e) {
      this.set({ phase: 'error', error: `${name}: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    const run = ++this.runId;
    const nv = take.frames[0]?.views.length ?? take.cameras.length;
    const labels = Array.from({ length: nv }, (_, i) => take.cameras[i]?.name ?? `view ${i + 1}`);
    this.prepareRun(labels);
    labels.forEach((_, i) => this.setTile(i, { status: 'ok', settings: take.cameras[i] ? `${take.cameras[i].width}×${take.cameras[i].height} @ ${take.fps} fps (take)` : '' }));
    if (take.cameras.length) bus.cameras.emit(take.cameras);
    this.set({ phase: 'running', frameCount: take.frames.length });
    const sizes = labels.map((_, i) => [take.cameras[i]?.width ?? 0, take.cameras[i]?.height ?? 0]);
    this.replay = new TakeReplay(
      take,
      (fr, idx) => {
        if (run !== this.runId) return;
        const tiles = this.snap.tiles.slice();
        fr.views.forEach((kp, i) => {
          this.lastKp[i] = kp;
          this.emitKp(i, kp, sizes[i][0], sizes[i][1]);
          this.detRates[i].tick();
          const good = kp ? countConfident(kp, this.snap.settings.scoreThreshold) : 0;
          tiles[i] = { ...tiles[i], status: kp ? 'ok' : 'no-detection', detFps: this.detRates[i].rate(), processed: tiles[i].processed + 1, detected: tiles[i].detected + (good >= 14 ? 1 : 0) };
        });
        this.setRate.tick();
        this.snap = { ...this.snap, tiles, frame: idx + 1, sets: this.snap.sets + 1, setsPerSec: this.setRate.rate() };
        this.notify();
        bus.detections.emit({
          time: fr.time,
          views: fr.views,
          status: fr.views.map((v) => (v ? 'ok' : 'no-detection')),
          timings: {},
          gt: fr.gt,
        });
      },
      () => {
        if (run === this.runId) this.set({ phase: 'finished' });
      },
    );
    this.replay.start();
  }

  /** Frame size of a tile's source (video, or the take's camera), for drawing. */
  frameSize(i: number): [number, number] {
    const v = this.videoElement(i);
    if (v) return [v.videoWidth, v.videoHeight];
    const c = this.replay?.take.cameras[i];
    return c ? [c.width, c.height] : [0, 0];
  }

  // ---- shared ----
  private prepareRun(labels: string[]) {
    const n = labels.length;
    // The simulation's virtual rig says nothing about real cameras: fusing (or reprojecting into) live views
    // with it would show made-up 3D. A user calibration on the bus stays.
    // (The simulation copies a user rig into one of its own, so the last user rig is remembered separately.)
    simulation.stop();
    if (simulation.ownsRig(bus.cameras.latest())) bus.cameras.emit(this.userRig ?? []);
    this.camRates = labels.map(() => new RateMeter());
    this.detRates = labels.map(() => new RateMeter());
    this.setRate = new RateMeter(4000);
    this.sourceSkipped = new Array(n).fill(0);
    this.lastKp = new Array(n).fill(null);
    this.inferSamples = [];
    this.timings = [];
    this.workerMs = [];
    this.assembleMs = [];
    this.inFlight = 0;
    this.workerIdleAt = 0;
    this.set({
      phase: 'starting', error: null, tiles: labels.map(EMPTY_TILE), sets: 0, setsPerSec: 0, meanSetMs: 0, meanInferMs: 0, inferMedianMs: NaN,
      numTensors: null, numTensorsAfterWarmup: null, frame: 0, frameCount: 0,
    });
  }

  private async initDetector() {
    if (!this.client) this.client = new DetectionClient();
    const info = await this.client.init(this.snap.settings.model, this.snap.settings.backend);
    this.set({ backend: info.backend, backendNotes: info.notes, numTensors: info.numTensors });
    publishBackend(info.backend, info.model);
  }

  private async processSet(run: number, time: number, frames: (Grab | null)[], skew: number[], tStart: number) {
    const n = frames.length;
    const sizes = frames.map((g, i) => {
      const v = this.videoElement(i);
      return g && v ? [v.videoWidth, v.videoHeight] : [0, 0];
    });
    const tSend = performance.now();
    let result;
    try {
      result = await this.client!.detect(frames.map((g) => g?.bitmap ?? null), frames.map((g) => g?.scale ?? 1), frames.map((g) => g?.timeMs ?? 0));
    } catch (e) {
      if (run === this.runId) this.set({ phase: 'error', error: `Detection failed: ${e instanceof Error ? e.message : e}` });
      return;
    }
    if (run !== this.runId) return;
    const tEnd = performance.now();
    const stats = this.assembler?.cameraStats();
    const status: DetectedFrameSet['status'][number][] = [];
    const tiles = this.snap.tiles.slice();
    let inferSum = 0;
    for (let i = 0; i < n; i++) {
      const lost = this.live[i]?.lost ?? false;
      // A camera lost while its frame was in the worker: that result is dropped, a lost view has no detection.
      if (lost) result.views[i] = null;
      const kp = result.views[i];
      const used = frames[i] !== null && !lost;
      status.push(lost ? 'lost' : kp ? 'ok' : 'no-detection');
      if (Number.isFinite(result.inferMs[i])) {
        inferSum += result.inferMs[i];
        this.inferSamples.push(result.inferMs[i]);
      }
      if (used) {
        this.detRates[i].tick(tEnd);
        this.lastKp[i] = kp;
        this.emitKp(i, kp, sizes[i][0], sizes[i][1]);
      }
      const good = kp ? countConfident(kp, this.snap.settings.scoreThreshold) : 0;
      const t = tiles[i];
      tiles[i] = {
        ...t,
        status: t.status === 'error' || lost ? t.status : frames[i] ? (kp ? 'ok' : 'no-detection') : t.status,
        camFps: this.live.length ? this.camRates[i].rate(tEnd) : 0,
        detFps: this.detRates[i].rate(tEnd),
        dropped: this.sourceSkipped[i] + (stats?.[i].dropped ?? 0),
        skewMs: Number.isFinite(skew[i]) ? skew[i] * 1000 : t.skewMs,
        processed: t.processed + (used ? 1 : 0),
        detected: t.detected + (good >= 14 ? 1 : 0),
      };
      if (lost && tiles[i].status !== 'lost') tiles[i].status = 'lost';
    }
    this.setRate.tick(tEnd);
    const origin = performance.timeOrigin;
    this.timings.push({
      tReady: tStart, tSend, tEnd, inferMs: result.inferMs.slice(), workerMs: result.totalMs,
      workerStart: result.startedAt - origin, workerEnd: result.endedAt - origin,
    });
    if (this.timings.length > 512) this.timings.splice(0, this.timings.length - 512);
    const sets = this.snap.sets + 1;
    const setMs = tEnd - tStart;
    const warm = this.snap.numTensorsAfterWarmup ?? (sets >= 2 ? result.numTensors : null);
    this.snap = {
      ...this.snap, tiles, sets, setsPerSec: this.setRate.rate(tEnd),
      meanSetMs: this.snap.meanSetMs + (setMs - this.snap.meanSetMs) / sets,
      meanInferMs: this.snap.meanInferMs + (inferSum - this.snap.meanInferMs) / sets,
      numTensors: result.numTensors, numTensorsAfterWarmup: warm, inferMedianMs: median(this.inferSamples),
    };
    if (this.inferSamples.length > 1000) this.inferSamples.splice(0, this.inferSamples.length - 1000);
    this.notify();
    bus.detections.emit({
      time,
      views: result.views,
      status,
      timings: { capture: tSend - tStart, detection: result.totalMs, inference: inferSum, transfer: tEnd - tSend - result.totalMs },
      gt: null,
    });
  }

  private emitKp(i: number, kp: Float32Array | null, w: number, h: number) {
    for (const fn of this.kpListeners) fn(i, kp, w, h);
  }

  stop() {
    this.runId++;
    this.hungry = false;
    if (this.hungryTimer) clearTimeout(this.hungryTimer);
    this.hungryTimer = null;
    this.inFlight = 0;
    this.closeSet(this.waiting);
    this.waiting = null;
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
    for (const c of this.live) if (c.opened.track) c.stop();
    this.live = [];
    this.assembler?.discardQueued();
    this.assembler = null;
    this.lockstep?.dispose();
    this.lockstep = null;
    this.replay?.stop();
    this.replay = null;
    if (this.snap.phase === 'running' || this.snap.phase === 'starting') this.set({ phase: 'idle' });
  }

  dispose() {
    this.stop();
    this.client?.terminate();
    this.client = null;
  }
}

function pushBounded(xs: number[], x: number, max = 8) {
  xs.push(x);
  if (xs.length > max) xs.shift();
}

function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function countConfident(kp: Float32Array, thr: number): number {
  let n = 0;
  for (let j = 0; j < NUM_JOINTS; j++) if (kp[3 * j + 2] >= thr) n++;
  return n;
}

function describeSettings(s: { width?: number; height?: number; frameRate?: number }): string {
  const size = s.width && s.height ? `${s.width}×${s.height}` : 'size unknown';
  return s.frameRate ? `${size} @ ${Math.round(s.frameRate * 10) / 10} fps` : size;
}

/** The backend in use, for the status bar (a tiny store of its own so the status bar need not know the panel). */
type BackendListener = (b: { backend: string; model: string } | null) => void;
let backendNow: { backend: string; model: string } | null = null;
const backendListeners = new Set<BackendListener>();
function publishBackend(backend: string, model: string) {
  backendNow = { backend, model };
  for (const fn of backendListeners) fn(backendNow);
}
export const detectionBackend = {
  get: () => backendNow,
  subscribe(fn: () => void) {
    backendListeners.add(fn);
    return () => backendListeners.delete(fn);
  },
};

/** The app's one controller (the panel and the status bar share it). */
export const capture = new CaptureController();
