/** Runs an export off the main thread and reports progress: {progress} messages, then {done, data} or {error}. */
import { runExportFile, type FileExportRequest } from '../export/export';

self.onmessage = (e: MessageEvent<FileExportRequest>) => {
  try {
    const { data, mime } = runExportFile(e.data, (done, total) => self.postMessage({ progress: done / total }));
    self.postMessage({ done: true, data, mime });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
