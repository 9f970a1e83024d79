/**
 * Recorded videos as cameras: one file per camera, stepped together frame by frame (seek, wait, grab), so a
 * multi-view recording is processed deterministically and completely, whatever the detector's speed. With
 * timings (from synchronisation), each file is seeked to its own time of the common instant.
 */
import { lockstepPlan, mediaTimes, setTime, unsynced, type LockstepPlan, type VideoTiming } from '../sync/video-times';

export interface VideoInput {
  url: string;
  label: string;
}

/** Files that could not be opened: one message per file, naming it, and their indices. */
export class VideoOpenError extends Error {
  constructor(readonly messages: string[], readonly indices: number[]) {
    super(messages.join('; '));
    this.name = 'VideoOpenError';
  }
}

function describeMediaError(e: MediaError | null): string {
  if (!e) return 'unknown error';
  // The code in words; the browser's own message names its internals (demuxer, pipeline status), not the file.
  return e.code === 4 ? 'format not supported' : e.code === 3 ? 'decoding failed' : e.code === 2 ? 'network error' : 'aborted';
}

export class LockstepVideos {
  readonly videos: HTMLVideoElement[];
  fps = 30;
  frameCount = 0;
  private plan: LockstepPlan | null = null;
  private timings: VideoTiming[] | null;

  /** `timings` per input, their rates counted at the step rate (null: every file from its first frame). */
  constructor(readonly inputs: VideoInput[], timings: readonly VideoTiming[] | null = null) {
    this.timings = timings ? [...timings] : null;
    this.videos = inputs.map((inp) => {
      const v = document.createElement('video');
      v.muted = true;
      v.playsInline = true;
      v.preload = 'auto';
      v.src = inp.url;
      return v;
    });
  }

  /**
   * Loads every file; `fps` 0 means measure it from the first video's frame times. Files the browser cannot
   * decode (or that load nothing within `timeoutMs`) are all named in one VideoOpenError, with their indices.
   */
  async open(fps: number, timeoutMs = 20000): Promise<void> {
    const results = await Promise.all(
      this.videos.map(
        (v, i) =>
          new Promise<string | null>((res) => {
            if (v.readyState >= 2) return res(null);
            const timer = setTimeout(() => res(`${this.inputs[i].label}: no frame after ${timeoutMs / 1000} s (not a video the browser can play?)`), timeoutMs);
            const done = (why: string | null) => {
              clearTimeout(timer);
              res(why);
            };
            v.addEventListener('loadeddata', () => done(null), { once: true });
            v.addEventListener('error', () => done(`${this.inputs[i].label}: the browser cannot decode this file (${describeMediaError(v.error)})`), { once: true });
          }),
      ),
    );
    const failed = results.map((r, i) => (r ? i : -1)).filter((i) => i >= 0);
    if (failed.length) throw new VideoOpenError(failed.map((i) => results[i]!), failed);
    this.fps = fps > 0 ? fps : await measureFps(this.videos[0]);
    const durations = this.videos.map((v) => v.duration).filter((d) => Number.isFinite(d) && d > 0);
    if (durations.length < this.videos.length) throw new Error(`${this.inputs[this.videos.findIndex((v) => !(v.duration > 0))].label}: no known duration`);
    // The span every video covers: a frame set needs every camera.
    const timings = this.timings ?? unsynced(this.videos.length, this.fps);
    this.plan = lockstepPlan(timings, durations, this.fps);
    this.timings = timings;
    this.frameCount = this.plan.frameCount;
  }

  /** Time of frame set i on the common clock, seconds. */
  time(i: number): number {
    return this.plan ? setTime(this.plan, i) : i / this.fps;
  }

  /** Seeks every video to its time of frame set `i` (the middle of a step, so rounding never lands on a neighbour). */
  async seek(i: number): Promise<void> {
    const times = this.plan && this.timings ? mediaTimes(this.plan, this.timings, i) : this.videos.map(() => (i + 0.5) / this.fps);
    await Promise.all(
      this.videos.map(
        (v, k) =>
          new Promise<void>((res) => {
            const t = times[k];
            if (Math.abs(v.currentTime - t) < 1e-6 && !v.seeking) return res();
            v.addEventListener('seeked', () => res(), { once: true });
            v.currentTime = t;
          }),
      ),
    );
  }

  dispose() {
    for (const v of this.videos) {
      v.removeAttribute('src');
      v.load();
    }
  }
}

/** Plays a few frames muted and takes the median interval of rVFC mediaTime; 30 if that is not possible. */
export async function measureFps(v: HTMLVideoElement, samples = 8, timeoutMs = 3000): Promise<number> {
  const rv = v as HTMLVideoElement & { requestVideoFrameCallback?(cb: (now: number, m: { mediaTime: number }) => void): number };
  if (!rv.requestVideoFrameCallback) return 30;
  const times: number[] = [];
  await new Promise<void>((res) => {
    const timer = setTimeout(res, timeoutMs);
    const cb = (_: number, m: { mediaTime: number }) => {
      times.push(m.mediaTime);
      if (times.length >= samples) {
        clearTimeout(timer);
        res();
      } else rv.requestVideoFrameCallback!(cb);
    };
    rv.requestVideoFrameCallback(cb);
    v.playbackRate = 1;
    v.play().catch(() => res());
  });
  v.pause();
  const d = times.slice(1).map((t, i) => t - times[i]).filter((x) => x > 0).sort((a, b) => a - b);
  if (!d.length) return 30;
  // Playback may skip frames, so the smallest common interval is the frame period: an interval actually seen (an
  // order statistic), never a blend of one frame and two (1/60 and 1/30 s would read as 40 fps).
  const period = d[Math.floor(d.length / 4)];
  const fps = 1 / period;
  return Number.isFinite(fps) && fps > 1 && fps < 241 ? Math.round(fps * 100) / 100 : 30;
}
