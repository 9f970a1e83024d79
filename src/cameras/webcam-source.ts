/**
 * Webcams as a source: opens the chosen devices one by one, assembles their frames into time-matched sets
 * (frameset.ts) while the live scheduler is hungry (scheduler.ts), detects them in the worker and hands the frame
 * sets to the session. A camera that is unplugged is shown lost while the others go on, and is re-opened when it
 * comes back (devicechange).
 */
import type { DetectionClient } from '../detection/client';
import type { CaptureSettings } from './capture-settings';
import { describeSettings } from './capture-settings';
import { SetDetection, type Grab, type SetTiming } from './detect-sets';
import { FrameSetAssembler, defaultFrameSetOptions } from './frameset';
import { LiveCamera, grabFrame } from './live';
import { LiveScheduler } from './scheduler';
import type { FrameSource, SourceSink, SourceView } from './source';
import { describeMediaError, listCameras, openCamera, MAX_CAMERAS, type VideoDevice } from './webcams';

interface ReadySet {
  time: number;
  frames: (Grab | null)[];
  skew: number[];
  tReady: number;
}

const clock = {
  now: () => performance.now(),
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class WebcamSource implements FrameSource {
  readonly kind = 'webcams' as const;
  readonly finite = false;
  private cams: LiveCamera[] = [];
  private run = 0;
  private sink: SourceSink | null = null;
  private det: SetDetection | null = null;
  private assembler: FrameSetAssembler<Grab> | null = null;
  private scheduler: LiveScheduler<ReadySet> | null = null;
  private grabbing: boolean[] = [];
  private skipped: number[] = [];
  private views: SourceView[] = [];
  private onDeviceChange = () => void this.reopenLost();
  readonly devices: VideoDevice[];

  constructor(private readonly client: DetectionClient, devices: readonly VideoDevice[], private readonly settings: CaptureSettings) {
    this.devices = devices.slice(0, MAX_CAMERAS);
  }

  /** The element a tile shows for view i (owned here, mounted by the tile). */
  videoElement(i: number): HTMLVideoElement | null {
    return this.cams[i]?.video ?? null;
  }

  recentSets(): SetTiming[] {
    return this.det?.recentSets() ?? [];
  }

  async start(sink: SourceSink): Promise<void> {
    this.stop();
    const run = ++this.run;
    this.sink = sink;
    const n = this.devices.length;
    const c = this.settings.constraints;
    this.views = this.devices.map((d) => ({ name: d.label, width: 0, height: 0 }));
    sink.views(this.views);
    const det = (this.det = new SetDetection(this.client, this.devices.map((d) => d.label), sink, this.settings.scoreThreshold));
    try {
      await det.init(this.settings.model, this.settings.backend);
    } catch (e) {
      if (run === this.run) sink.failed(`Detection could not start: ${e instanceof Error ? e.message : e}`);
      return;
    }
    if (run !== this.run) return;
    this.assembler = new FrameSetAssembler<Grab>(n, defaultFrameSetOptions(c.frameRate), (g) => g.bitmap.close());
    this.grabbing = new Array(n).fill(false);
    this.skipped = new Array(n).fill(0);
    // One by one: several drivers fail when asked for many streams at the same instant.
    const opened: (LiveCamera | null)[] = [];
    for (let i = 0; i < n; i++) {
      try {
        const o = await openCamera(this.devices[i], c);
        opened.push(new LiveCamera(o, (tick) => this.onTick(run, i, tick.time, tick.skipped), () => this.onLost(run, i)));
        det.setTile(i, { status: 'ok', settings: describeSettings(o.settings) });
        this.setSize(i, o.settings.width ?? 0, o.settings.height ?? 0);
      } catch (e) {
        opened.push(null);
        det.setTile(i, { status: 'error', message: e instanceof Error ? e.message : String(e) });
      }
    }
    if (run !== this.run) return opened.forEach((cam) => cam?.stop());
    this.cams = opened.map((cam, i) => cam ?? this.placeholder(this.devices[i]));
    opened.forEach((cam, i) => {
      if (!cam) this.assembler!.setLost(i, true);
    });
    if (opened.every((cam) => !cam)) return sink.failed('No camera could be opened: see the messages on the tiles.');
    navigator.mediaDevices.addEventListener('devicechange', this.onDeviceChange);
    this.scheduler = new LiveScheduler<ReadySet>({
      clock,
      frameRate: () => c.frameRate,
      release: (set) => set.frames.forEach((f) => f?.bitmap.close()),
      dispatch: (set) => this.detect(run, set),
    });
    await Promise.all(opened.map((cam) => cam?.start()));
    if (run === this.run) this.scheduler.start();
  }

  stop(): void {
    this.run++;
    this.scheduler?.stop();
    this.scheduler = null;
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
    for (const cam of this.cams) if (cam.opened.track) cam.stop();
    this.cams = [];
    this.assembler?.discardQueued();
    this.assembler = null;
    this.sink = null;
  }

  dispose(): void {
    this.stop();
  }

  private setSize(i: number, w: number, h: number): void {
    if (!(w > 0 && h > 0) || (this.views[i].width === w && this.views[i].height === h)) return;
    this.views = this.views.slice();
    this.views[i] = { ...this.views[i], width: w, height: h };
    this.sink?.views(this.views);
  }

  private async detect(run: number, set: ReadySet) {
    const det = this.det!;
    try {
      const f = await det.detect(set.time, set.frames, set.skew, set.tReady, (i) => this.cams[i]?.lost ?? true,
        (i) => this.skipped[i] + (this.assembler?.cameraStats()[i].dropped ?? 0));
      if (run !== this.run) return null;
      void this.sink?.frameSet(f);
      const t = det.recentSets().at(-1)!;
      return { workerMs: t.workerMs, workerEnd: t.workerEnd };
    } catch (e) {
      if (run === this.run) this.sink?.failed(`Detection failed: ${e instanceof Error ? e.message : e}`);
      return null;
    }
  }

  /** A stand-in for a camera that failed to open, so slots keep their index; re-opened on devicechange. */
  private placeholder(dev: VideoDevice): LiveCamera {
    const cam = new LiveCamera({ deviceId: dev.deviceId, label: dev.label, stream: new MediaStream(), track: null as unknown as MediaStreamTrack, settings: {} }, () => undefined, () => undefined);
    cam.lost = true;
    return cam;
  }

  private onTick(run: number, i: number, timeSec: number, skipped: number): void {
    if (run !== this.run) return;
    this.det?.tickCamera(i);
    this.skipped[i] += skipped;
    const sch = this.scheduler;
    if (!sch?.hungry || this.grabbing[i] || !this.assembler) return;
    this.grabbing[i] = true;
    const video = this.cams[i].video;
    grabFrame(video, this.settings.maxSide)
      .then(({ bitmap, scale }) => {
        this.grabbing[i] = false;
        if (run !== this.run || !sch.hungry || !this.assembler) return bitmap.close();
        this.setSize(i, video.videoWidth, video.videoHeight);
        const sets = this.assembler.push(i, timeSec, { bitmap, scale, timeMs: timeSec * 1000 });
        if (!sets.length) return;
        // One set per hungry period: the newest; anything else that completed at the same moment is older.
        const last = sets[sets.length - 1];
        for (const s of sets.slice(0, -1)) for (const f of s.frames) f?.bitmap.close();
        this.assembler.discardQueued();
        sch.offer({ time: last.time, frames: last.frames, skew: last.skew, tReady: performance.now() });
      })
      .catch(() => {
        this.grabbing[i] = false; // the video had no frame (e.g. just ended): skip this tick
      });
  }

  private onLost(run: number, i: number): void {
    if (run !== this.run) return;
    this.assembler?.setLost(i, true)?.forEach((s) => s.frames.forEach((f) => f?.bitmap.close()));
    this.det?.setTile(i, { status: 'lost', message: 'Camera lost (unplugged or stopped). It is re-opened when it comes back.' });
  }

  private async reopenLost(): Promise<void> {
    const run = this.run;
    const lost = this.cams.map((cam, i) => (cam.lost ? i : -1)).filter((i) => i >= 0);
    if (!lost.length) return;
    let present: VideoDevice[];
    try {
      present = await listCameras();
    } catch {
      return;
    }
    for (const i of lost) {
      const cam = this.cams[i];
      if (!present.some((d) => d.deviceId === cam.opened.deviceId)) continue;
      try {
        const o = await openCamera({ deviceId: cam.opened.deviceId, label: cam.opened.label }, this.settings.constraints);
        if (run !== this.run) return o.stream.getTracks().forEach((t) => t.stop());
        const fresh = new LiveCamera(o, (tick) => this.onTick(run, i, tick.time, tick.skipped), () => this.onLost(run, i));
        if (cam.opened.track) cam.stop();
        this.cams[i] = fresh;
        this.client.reset(i);
        this.assembler?.setLost(i, false);
        await fresh.start();
        this.det?.setTile(i, { status: 'ok', message: null, settings: describeSettings(o.settings) });
      } catch (e) {
        this.det?.setTile(i, { message: describeMediaError(e, cam.opened.label).message });
      }
    }
  }
}
