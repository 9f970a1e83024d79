/** How real cameras and video files are captured and detected (the camera panel's settings). */
import { DEFAULT_MODEL, type BackendChoice, type ModelId } from '../detection/models';
import { DEFAULT_CONSTRAINTS, type CaptureConstraints } from './webcams';

export interface CaptureSettings {
  model: ModelId;
  backend: BackendChoice;
  constraints: CaptureConstraints;
  /** Longer side of the frame handed to the detector (0 = full size). */
  maxSide: number;
  /** Score under which a joint is drawn dimmed and not counted as confident. */
  scoreThreshold: number;
  /** Lockstep video frame rate; 0 = measure. */
  videoFps: number;
}

export const DEFAULT_CAPTURE: CaptureSettings = {
  model: DEFAULT_MODEL, backend: 'auto', constraints: { ...DEFAULT_CONSTRAINTS }, maxSide: 640, scoreThreshold: 0.3, videoFps: 0,
};

export function describeSettings(s: { width?: number; height?: number; frameRate?: number }): string {
  const size = s.width && s.height ? `${s.width}×${s.height}` : 'size unknown';
  return s.frameRate ? `${size} @ ${Math.round(s.frameRate * 10) / 10} fps` : size;
}
