/**
 * What the session and the app need of fusion, wherever it runs: the pipeline on this thread (FusionPipeline) or
 * in the fusion worker (FusionClient) both satisfy it, so the session never knows which.
 */
import type { Camera } from '../geometry/camera';
import type { DetectedFrameSet, FusedFrameSet } from './flow';
import type { PipelineSettings } from './pipeline';

export interface Fuser {
  /** The calibrated cameras of the frame sets to come; the same array again is a no-op, a new one resets. */
  setRig(cameras: readonly Camera[] | null): void;
  /** Every method on one frame set; rejects (never resolves to garbage) when fusion itself failed. */
  fuse(frame: DetectedFrameSet): Promise<FusedFrameSet | null>;
  reset(): void;
  readonly settings: PipelineSettings;
  setSettings(patch: Partial<PipelineSettings>): void;
}

