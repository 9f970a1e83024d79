/**
 * Stepping video files on synchronised times. Each video has a timing on the reference clock (sync.ts's model:
 * its sample i happens at offsetS + i / fps, where i counts samples at the nominal rate the detections were taken
 * at); the videos are stepped together over the span every one of them covers, each seeked to the media time that
 * matches the common instant. With every offset 0 and every rate nominal this is plain lockstep from frame 0.
 */
export interface VideoTiming {
  /** Start of the video on the reference clock, seconds (positive: it started later than the reference). */
  offsetS: number;
  /** Its real rate, in samples per second of the reference clock. */
  fps: number;
  /** The rate its samples were counted at (its media time is sample / nominalFps). */
  nominalFps: number;
}

export const unsynced = (n: number, fps: number): VideoTiming[] => Array.from({ length: n }, () => ({ offsetS: 0, fps, nominalFps: fps }));

/** The timing moved by whole steps of the lockstep (1/stepFps s each): +1 means the video happened one step later. */
export function nudged(t: VideoTiming, steps: number, stepFps: number): VideoTiming {
  return { ...t, offsetS: t.offsetS + steps / stepFps };
}

export interface LockstepPlan {
  /** First common instant on the reference clock, seconds. */
  startS: number;
  /** Frame sets at stepFps over the span every video covers (0 when they do not overlap). */
  frameCount: number;
  stepFps: number;
}

/** The span on the reference clock that every video covers; `durations` are the files' media durations (s). */
export function lockstepPlan(timings: readonly VideoTiming[], durations: readonly number[], stepFps: number): LockstepPlan {
  if (timings.length !== durations.length) throw new Error(`lockstepPlan: ${timings.length} timings for ${durations.length} videos`);
  if (!(stepFps > 0)) throw new Error(`lockstepPlan: step rate ${stepFps}`);
  let start = -Infinity, end = Infinity;
  timings.forEach((t, v) => {
    start = Math.max(start, t.offsetS);
    end = Math.min(end, t.offsetS + (durations[v] * t.nominalFps) / t.fps);
  });
  const frameCount = Number.isFinite(end - start) ? Math.max(0, Math.floor((end - start) * stepFps + 1e-6)) : 0;
  return { startS: Number.isFinite(start) ? start : 0, frameCount, stepFps };
}

/** Reference-clock time of frame set k. */
export const setTime = (plan: LockstepPlan, k: number): number => plan.startS + k / plan.stepFps;

/**
 * Media time each video is seeked to for frame set k: the instant's sample in that video, half a step on so that
 * rounding to the decoded frame never lands on the neighbour (clamped at 0).
 */
export function mediaTimes(plan: LockstepPlan, timings: readonly VideoTiming[], k: number): number[] {
  const t = setTime(plan, k);
  return timings.map((tm) => Math.max(0, ((t - tm.offsetS) * tm.fps) / tm.nominalFps + 0.5 / plan.stepFps));
}

/** An offset for people: in steps of the lockstep (rounded to 0.1) and in milliseconds. */
export function describeOffset(t: VideoTiming, stepFps: number): { frames: number; ms: number } {
  return { frames: Math.round(t.offsetS * stepFps * 10) / 10 || 0, ms: Math.round(t.offsetS * 1000) || 0 };
}

/**
 * The timings a synchronisation result gives a run that was itself stepped on `prev` timings (its detections are
 * on the corrected clock, so what is found now is a correction on top). A view that could not be placed keeps its
 * previous timing. `nominalFps`: the run's step rate, at which its samples were counted.
 */
export function timingsFromSync(views: ReadonlyArray<{ offsetS: number; fps: number; method: string }>, nominalFps: number,
  prev: readonly VideoTiming[] | null = null): VideoTiming[] {
  return views.map((v, i) => {
    const p = prev?.[i] ?? { offsetS: 0, fps: nominalFps, nominalFps };
    if (v.method === 'failed' || !Number.isFinite(v.offsetS) || !(v.fps > 0)) return { ...p };
    // The run's sample i of this view showed media time p's (i·r + …); a further rate factor multiplies it.
    return { offsetS: p.offsetS + v.offsetS, fps: (p.fps * v.fps) / nominalFps, nominalFps: p.nominalFps };
  });
}
