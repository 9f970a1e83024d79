/// <reference lib="webworker" />
/**
 * The fusion worker: the pipeline, its methods and the lifter's tfjs off the UI thread. Everything is in
 * worker-core.ts; this file only connects it to the worker's messages.
 */
import { FusionWorkerCore } from './worker-core';
import { browserLifterHost } from './lifter-host';
import type { ToWorker } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const core = new FusionWorkerCore((msg, transfer = []) => scope.postMessage(msg, transfer), browserLifterHost());

scope.onmessage = (ev: MessageEvent<ToWorker>) => {
  if (ev.data.type === 'crash') {
    // Thrown outside every handler, as a real crash is: the app must notice and fuse on its own thread.
    setTimeout(() => {
      throw new Error('fusion worker: crash requested');
    });
    return;
  }
  core.receive(ev.data);
};
