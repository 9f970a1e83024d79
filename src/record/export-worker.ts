/** Runs an export off the main thread and reports progress: {progress} messages, then {done, files} or {error}. */
import { runPeopleExport, type PeopleExportRequest } from '../export/people';

self.onmessage = (e: MessageEvent<PeopleExportRequest>) => {
  try {
    const files = runPeopleExport(e.data, (done, total) => self.postMessage({ progress: done / total }));
    self.postMessage({ done: true, files });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
