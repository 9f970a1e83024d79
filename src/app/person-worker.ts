/**
 * Refines a calibration from the person off the main thread (bundle adjustment over every keypoint of up to 150
 * frames): {cameras, frames} in; {progress, stage} messages, then {result} or {error}. Terminating it cancels.
 */
import { refineFromPerson } from '../calibration/person';
import type { Camera } from '../geometry/camera';
import type { FrameViews } from '../fusion/types';

self.onmessage = async (e: MessageEvent<{ cameras: Camera[]; frames: FrameViews[] }>) => {
  try {
    const result = await refineFromPerson(e.data.cameras, e.data.frames, { onProgress: (progress, stage) => self.postMessage({ progress, stage }) });
    self.postMessage({ result });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
