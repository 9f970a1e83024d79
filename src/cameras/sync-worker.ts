/**
 * Synchronises a run's videos off the main thread (the reprojection search triangulates thousands of timings):
 * {tracks, cameras} in; {progress, stage} messages, then {result} or {error}. Terminating the worker cancels it.
 */
import { synchronizeViews, type KeypointTrack } from '../sync';
import type { Camera } from '../geometry/camera';

self.onmessage = async (e: MessageEvent<{ tracks: KeypointTrack[]; cameras: Camera[] | null }>) => {
  try {
    const result = await synchronizeViews(e.data.tracks, { cameras: e.data.cameras, onProgress: (progress, stage) => self.postMessage({ progress, stage }) });
    self.postMessage({ result });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
