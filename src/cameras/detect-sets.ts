/**
 * Detection of grabbed frame sets for the webcam and video-file sources: sends the bitmaps to the detection
 * worker, keeps each tile's numbers (rates, drops, skew, detections), the detector's figures, and the timing of
 * every set for the benchmarks, and turns the result into a frame set for the session.
 */
import { viewStatus, type DetectedFrameSet, type ViewStatus } from '../fusion/flow';
import type { FrameViews } from '../fusion/types';
import type { MultiFrameViews } from '../people/types';
import type { DetectionClient } from '../detection/client';
import type { BackendChoice, ModelId } from '../detection/models';
import { NUM_JOINTS } from '../keypoints';
import { emptyTile, type SourceSink, type TileState } from './source';
import { median } from '../util/stats';

export interface Grab {
  bitmap: ImageBitmap;
  /** Full-frame pixels per grabbed pixel. */
  scale: number;
  timeMs: number;
}

/** Timing of one processed frame set (ms on the performance.now() clock), for `npm run bench:capture`. */
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

/** Rate over a sliding window of event times (ms). */
export class RateMeter {
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

/** A detection counts as confident with this many joints over the score threshold. */
const CONFIDENT_JOINTS = 14;

export class SetDetection {
  tiles: TileState[];
  readonly camRates: RateMeter[];
  private detRates: RateMeter[];
  private inferSamples: number[] = [];
  private timings: SetTiming[] = [];
  private sets = 0;
  private meanSetMs = 0;
  private meanInferMs = 0;
  private warm: number | null = null;

  constructor(
    private readonly client: DetectionClient,
    labels: readonly string[],
    private readonly sink: SourceSink,
    private readonly scoreThreshold: number,
  ) {
    this.tiles = labels.map(emptyTile);
    this.camRates = labels.map(() => new RateMeter());
    this.detRates = labels.map(() => new RateMeter());
    sink.tiles(this.tiles);
  }

  async init(model: ModelId, backend: BackendChoice): Promise<void> {
    const info = await this.client.init(model, backend);
    this.sink.detector({ backend: info.backend, model: info.model, backendNotes: info.notes, numTensors: info.numTensors });
  }

  setTile(i: number, patch: Partial<TileState>): void {
    if (!this.tiles[i]) return;
    this.tiles = this.tiles.slice();
    this.tiles[i] = { ...this.tiles[i], ...patch };
    this.sink.tiles(this.tiles);
  }

  setAll(patch: Partial<TileState>): void {
    this.tiles = this.tiles.map((t) => ({ ...t, ...patch }));
    this.sink.tiles(this.tiles);
  }

  /** Timings of the last (up to 512) processed frame sets, oldest first. */
  recentSets(): SetTiming[] {
    return this.timings.slice();
  }

  /**
   * Detects one set (the bitmaps are transferred to the worker). `lost(i)`: camera i went away meanwhile (its
   * result is dropped); `dropped(i)`: frames it skipped so far. Throws when detection fails.
   */
  async detect(time: number, frames: (Grab | null)[], skew: number[], tStart: number, lost: (i: number) => boolean, dropped: (i: number) => number): Promise<DetectedFrameSet> {
    const tSend = performance.now();
    const result = await this.client.detect(frames.map((g) => g?.bitmap ?? null), frames.map((g) => g?.scale ?? 1), frames.map((g) => g?.timeMs ?? 0));
    const tEnd = performance.now();
    const sv = setViews(frames.map((g) => g !== null), frames.map((_, i) => lost(i)), result.views, result.people);
    const tiles = this.tiles.slice();
    let inferSum = 0;
    for (let i = 0; i < frames.length; i++) {
      const gone = sv.status[i] === 'lost';
      const kp = sv.views[i];
      const used = frames[i] !== null && !gone;
      if (Number.isFinite(result.inferMs[i])) {
        inferSum += result.inferMs[i];
        this.inferSamples.push(result.inferMs[i]);
      }
      if (used) this.detRates[i].tick(tEnd);
      const t = tiles[i];
      tiles[i] = {
        ...t,
        status: gone ? 'lost' : t.status === 'error' ? t.status : frames[i] ? (kp ? 'ok' : 'no-detection') : t.status,
        camFps: this.camRates[i].rate(tEnd),
        detFps: this.detRates[i].rate(tEnd),
        dropped: dropped(i),
        skewMs: Number.isFinite(skew[i]) ? skew[i] * 1000 : t.skewMs,
        processed: t.processed + (used ? 1 : 0),
        detected: t.detected + (kp && countConfident(kp, this.scoreThreshold) >= CONFIDENT_JOINTS ? 1 : 0),
      };
    }
    this.tiles = tiles;
    this.sink.tiles(tiles);
    const origin = performance.timeOrigin;
    this.timings.push({
      tReady: tStart, tSend, tEnd, inferMs: result.inferMs.slice(), workerMs: result.totalMs,
      workerStart: result.startedAt - origin, workerEnd: result.endedAt - origin,
    });
    if (this.timings.length > 512) this.timings.splice(0, this.timings.length - 512);
    if (this.inferSamples.length > 1000) this.inferSamples.splice(0, this.inferSamples.length - 1000);
    this.sets++;
    this.meanSetMs += (tEnd - tStart - this.meanSetMs) / this.sets;
    this.meanInferMs += (inferSum - this.meanInferMs) / this.sets;
    if (this.warm === null && this.sets >= 2) this.warm = result.numTensors;
    this.sink.detector({
      numTensors: result.numTensors, numTensorsAfterWarmup: this.warm, meanSetMs: this.meanSetMs, meanInferMs: this.meanInferMs, inferMedianMs: median(this.inferSamples),
    });
    return {
      time, views: sv.views, status: sv.status,
      timings: { capture: tSend - tStart, detection: result.totalMs, inference: inferSum, transfer: tEnd - tSend - result.totalMs },
      gt: null,
      ...(sv.people ? { people: sv.people } : {}),
    };
  }

  /** Counts a camera's presented frame (its fps). */
  tickCamera(i: number): void {
    this.camRates[i]?.tick();
  }
}

/**
 * A frame set's views from the worker's result: a lost camera (`lost[i]`, gone while its frame was detected) keeps
 * its slot as null with status 'lost'; a slot without a frame is null. With a multi-person model (`people` given)
 * each view holds everyone found ([] = a frame with nobody, null = no frame or lost) and `views` its first person,
 * so single-person consumers keep working.
 */
export function setViews(
  present: readonly boolean[], lost: readonly boolean[], views: readonly (Float32Array | null)[], people?: readonly (Float32Array[] | null)[],
): { views: FrameViews; status: ViewStatus[]; people?: MultiFrameViews } {
  const n = present.length;
  const outViews: (Float32Array | null)[] = [];
  const status: ViewStatus[] = [];
  const outPeople: (Float32Array[] | null)[] = [];
  for (let i = 0; i < n; i++) {
    const here = present[i] && !lost[i];
    const list = people && here ? people[i] ?? [] : null;
    const kp = here ? (people ? list![0] ?? null : views[i] ?? null) : null;
    outViews.push(kp);
    outPeople.push(list);
    status.push(viewStatus(lost[i] ? null : kp ? [kp] : []));
  }
  return people ? { views: outViews, status, people: outPeople } : { views: outViews, status };
}

export function countConfident(kp: Float32Array, thr: number): number {
  let n = 0;
  for (let j = 0; j < NUM_JOINTS; j++) if (kp[3 * j + 2] >= thr) n++;
  return n;
}

