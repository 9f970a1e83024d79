/**
 * The app's channels between stages, outside React: sources/detection publish frame sets of 2D detections,
 * fusion publishes 3D results, the viewer and panels subscribe. React holds settings, not per-frame data.
 * The flow's types live in src/fusion/flow.ts.
 */
import type { Camera } from '../geometry/camera';
import { Channel } from '../fusion/channel';
import type { DetectedFrameSet, FusedFrameSet } from '../fusion/flow';

export type { DetectedFrameSet, FusedFrameSet } from '../fusion/flow';
export { Channel } from '../fusion/channel';

/** The app-wide channels. */
export const bus = {
  /** The calibrated rig currently in use (from calibration, a take, or the simulation's virtual rig). */
  cameras: new Channel<readonly Camera[]>(),
  detections: new Channel<DetectedFrameSet>(),
  fused: new Channel<FusedFrameSet>(),
};
