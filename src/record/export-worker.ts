/** Runs an export off the main thread and reports progress: {progress} messages, then {done, text} or {error}. */
import { runExport, type ExportRequest } from '../export/export';

self.onmessage = (e: MessageEvent<ExportRequest>) => {
  try {
    const text = runExport(e.data, (done, total) => self.postMessage({ progress: done / total }));
    self.postMessage({ done: true, text });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
