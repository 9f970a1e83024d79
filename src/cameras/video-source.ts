/**
 * Video files as a source: one file per camera, stepped together frame by frame (seek, grab, detect), so a
 * recording is processed completely and deterministically whatever the detector's speed. Every frame set waits
 * for fusion (the run keeps them all); progress goes to the session, which estimates the time left. A file the
 * browser cannot decode is named on its tile and nothing is processed.
 */
import type { DetectionClient } from '../detection/client';
import type { CaptureSettings } from './capture-settings';
import { SetDetection, type SetTiming } from './detect-sets';
import { grabFrame } from './live';
import type { FrameSource, SourceSink } from './source';
import { LockstepVideos, VideoOpenError, type VideoInput } from './videos';
import { MAX_CAMERAS } from './webcams';
import type { VideoTiming } from '../sync/video-times';

export class VideoFileSource implements FrameSource {
  readonly kind = 'videos' as const;
  readonly finite = true;
  readonly inputs: VideoInput[];
  private lockstep: LockstepVideos | null = null;
  private det: SetDetection | null = null;
  private run = 0;

  /** `timings`: each file's place on the common clock (synchronisation), counted at the step rate; null: none. */
  constructor(private readonly client: DetectionClient, inputs: readonly VideoInput[], private readonly settings: CaptureSettings,
    readonly timings: readonly VideoTiming[] | null = null) {
    this.inputs = inputs.slice(0, MAX_CAMERAS);
  }

  /** The step rate of the run (the files' measured rate or the one asked for); null before they open. */
  get stepFps(): number | null {
    return this.lockstep && this.lockstep.frameCount > 0 ? this.lockstep.fps : null;
  }

  videoElement(i: number): HTMLVideoElement | null {
    return this.lockstep?.videos[i] ?? null;
  }

  recentSets(): SetTiming[] {
    return this.det?.recentSets() ?? [];
  }

  async start(sink: SourceSink): Promise<void> {
    this.stop();
    const run = ++this.run;
    const labels = this.inputs.map((i) => i.label);
    sink.views(labels.map((name) => ({ name, width: 0, height: 0 })));
    const det = (this.det = new SetDetection(this.client, labels, sink, this.settings.scoreThreshold));
    const ls = (this.lockstep = new LockstepVideos(this.inputs, this.timings));
    sink.tiles(det.tiles); // the tiles mount the video elements while they load
    try {
      await Promise.all([det.init(this.settings.model, this.settings.backend), ls.open(this.settings.videoFps)]);
    } catch (e) {
      if (run !== this.run) return;
      if (e instanceof VideoOpenError) {
        e.indices.forEach((i, k) => det.setTile(i, { status: 'error', message: e.messages[k] }));
        const names = e.indices.map((i) => this.inputs[i].label).join(', ');
        return sink.failed(`Not processed: the browser cannot decode ${names}. Remove ${e.indices.length > 1 ? 'them' : 'it'} or convert to H.264 MP4 or VP9 WebM.`);
      }
      return sink.failed(e instanceof Error ? e.message : String(e));
    }
    if (run !== this.run) return;
    if (ls.frameCount < 1) return sink.failed('Not processed: with these offsets the videos have no time in common. Nudge them closer.');
    sink.views(ls.videos.map((v, i) => ({ name: labels[i], width: v.videoWidth, height: v.videoHeight })));
    ls.videos.forEach((v, i) => det.setTile(i, { status: 'ok', settings: `${v.videoWidth}×${v.videoHeight} @ ${ls.fps} fps (file)` }));
    sink.progress(0, ls.frameCount);
    void this.process(run, sink, det, ls);
  }

  private async process(run: number, sink: SourceSink, det: SetDetection, ls: LockstepVideos): Promise<void> {
    for (let f = 0; f < ls.frameCount; f++) {
      const t0 = performance.now();
      await ls.seek(f);
      if (run !== this.run) return;
      const grabs = await Promise.all(ls.videos.map((v) => grabFrame(v, this.settings.maxSide).catch(() => null)));
      const frames = grabs.map((g) => (g ? { ...g, timeMs: ls.time(f) * 1000 } : null));
      let set;
      try {
        set = await det.detect(ls.time(f), frames, frames.map((g) => (g ? 0 : NaN)), t0, () => false, () => 0);
      } catch (e) {
        if (run === this.run) sink.failed(`Detection failed at frame ${f}: ${e instanceof Error ? e.message : e}`);
        return;
      }
      if (run !== this.run) return;
      await sink.frameSet(set);
      if (run !== this.run) return;
      sink.progress(f + 1, ls.frameCount);
    }
    det.setAll({ status: 'done' });
    sink.finished();
  }

  stop(): void {
    this.run++;
  }

  dispose(): void {
    this.stop();
    this.lockstep?.dispose();
    this.lockstep = null;
  }
}
