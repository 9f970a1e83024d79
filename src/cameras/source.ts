/**
 * The one source interface behind every input (webcams, video files, a take, the simulation): start with a sink,
 * stop, dispose; frame sets out. Sources never decide among themselves who feeds fusion: the session starts one
 * and stops it when another takes over. Pure types: the implementations are in src/cameras and src/sim.
 */
import type { Camera } from '../geometry/camera';
import type { DetectedFrameSet } from '../fusion/flow';

export type SourceKind = 'simulation' | 'webcams' | 'videos' | 'take';

/** What the session needs to know of one view: its name (matched against the calibration's) and frame size. */
export interface SourceView {
  name: string;
  /** Frame size in pixels; 0 while unknown (a camera still opening). */
  width: number;
  height: number;
}

export type TileStatus = 'starting' | 'ok' | 'no-detection' | 'lost' | 'error' | 'done';

/** One view's tile: its state and the numbers shown under it. */
export interface TileState {
  label: string;
  status: TileStatus;
  message: string | null;
  /** What the device or file delivers, e.g. "1280×720 @ 30 fps". */
  settings: string;
  camFps: number;
  detFps: number;
  dropped: number;
  skewMs: number;
  /** Frame sets this view got a confident detection in (>= 14 joints) / was part of. */
  detected: number;
  processed: number;
}

export const emptyTile = (label: string): TileState => ({
  label, status: 'starting', message: null, settings: '', camFps: 0, detFps: 0, dropped: 0, skewMs: NaN, detected: 0, processed: 0,
});

/** Detection details a source reports for the status bar, the panel and the benchmarks. */
export interface DetectorInfo {
  backend: string | null;
  model: string | null;
  backendNotes: string[];
  numTensors: number | null;
  /** Tensor count after the first frame sets (the warm-up): later counts must equal it. */
  numTensorsAfterWarmup: number | null;
  /** Mean wall time per frame set and mean sum of the model's inference times in it (ms). */
  meanSetMs: number;
  meanInferMs: number;
  /** Median per-view inference time over the last frames (ms). */
  inferMedianMs: number;
}

export interface SourceSink {
  /**
   * The source's views (names, sizes), and the calibrated rig it brings along, if any (the simulation's
   * virtual cameras, a take's cameras). Called once known and again when they change.
   */
  views(views: readonly SourceView[], ownRig?: readonly Camera[] | null): void;
  /** A frame set of every view. A finite source waits for the returned promise, so none is dropped. */
  frameSet(f: DetectedFrameSet): void | Promise<void>;
  tiles(tiles: readonly TileState[]): void;
  detector(info: Partial<DetectorInfo>): void;
  /** Finite sources: frame sets done of the total. */
  progress(done: number, total: number): void;
  /** A finite source reached its end. */
  finished(): void;
  /** The source cannot go on (nothing opened, detection failed); the message says why, naming the file or camera. */
  failed(message: string): void;
}

export interface FrameSource {
  readonly kind: SourceKind;
  /** Finite sources (videos, takes) are processed completely: every frame set fused and kept for export. */
  readonly finite: boolean;
  /** Starts (or resumes) feeding `sink`; resolves once running or failed (reported through the sink). */
  start(sink: SourceSink): Promise<void>;
  /** Stops feeding; start() may resume it (the simulation) or start over. */
  stop(): void;
  /** Releases devices, elements and timers for good. */
  dispose(): void;
}
