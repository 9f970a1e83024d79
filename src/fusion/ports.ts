/**
 * Where fusion runs: a dedicated worker (the default), or this thread (asked for with ?fusion=main, or after the
 * worker crashed) running the same worker-core behind the same messages.
 */
import type { FromWorker, ToWorker } from './protocol';
import type { FusionPort, PortFactory } from './fusion-client';

export const workerPort: PortFactory = (onMessage, onCrash) => {
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'parallax-fusion' });
  w.onmessage = (ev: MessageEvent<FromWorker>) => onMessage(ev.data);
  w.onerror = (ev) => {
    ev.preventDefault();
    onCrash(ev.message || 'the worker script failed');
  };
  w.onmessageerror = () => onCrash('a message from the worker could not be read');
  return {
    post: (msg: ToWorker, transfer: ArrayBuffer[] = []) => w.postMessage(msg, transfer),
    terminate: () => w.terminate(),
  };
};

export const mainThreadPort: PortFactory = (onMessage) => {
  let stopped = false;
  const core = Promise.all([import('./worker-core'), import('./lifter-host')]).then(
    ([c, h]) => new c.FusionWorkerCore((msg) => {
      if (!stopped) onMessage(msg);
    }, h.browserLifterHost()),
  );
  return {
    // Messages keep their order: callbacks on one promise run in the order they were added.
    post: (msg: ToWorker) => void core.then((c) => c.receive(msg)),
    terminate: () => {
      stopped = true;
    },
  } satisfies FusionPort;
};
