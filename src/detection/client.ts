/** The app side of the detection worker: one request in flight at a time, promises instead of messages. */
import type { FromWorker, ToWorker } from './protocol';
import { WASM_PATH, type BackendChoice, type BackendId, type ModelId } from './models';

/** One frame set's detections as the worker reports them. */
export type DetectResult = Omit<Extract<FromWorker, { type: 'result' }>, 'type' | 'id'>;

export interface ReadyInfo {
  backend: BackendId;
  model: ModelId;
  notes: string[];
  loadMs: number;
  numTensors: number;
}

export class DetectionClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: DetectResult) => void; reject: (e: Error) => void }>();
  private readyWaiter: { resolve: (r: ReadyInfo) => void; reject: (e: Error) => void } | null = null;

  constructor() {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'parallax-detection' });
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => this.onMessage(ev.data);
    this.worker.onerror = (ev) => this.failAll(new Error(`detection worker crashed: ${ev.message || 'unknown error'}`));
  }

  private onMessage(msg: FromWorker) {
    if (msg.type === 'ready') {
      this.readyWaiter?.resolve(msg);
      this.readyWaiter = null;
    } else if (msg.type === 'result') {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      p?.resolve(msg);
    } else if (msg.type === 'error') {
      const err = new Error(msg.message);
      if (msg.id !== undefined && this.pending.has(msg.id)) {
        this.pending.get(msg.id)!.reject(err);
        this.pending.delete(msg.id);
      } else if (this.readyWaiter) {
        this.readyWaiter.reject(err);
        this.readyWaiter = null;
      }
    }
  }

  private failAll(err: Error) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.readyWaiter?.reject(err);
    this.readyWaiter = null;
  }

  init(model: ModelId, backend: BackendChoice): Promise<ReadyInfo> {
    // Resolved against the app's base so a deployment under a sub-path still serves its own files.
    const base = new URL('models/', new URL(import.meta.env.BASE_URL, location.href)).href;
    return new Promise((resolve, reject) => {
      this.readyWaiter = { resolve, reject };
      this.post({ type: 'init', model, backend, modelsBase: base, wasmPath: new URL(WASM_PATH.replace(/^\/models\//, ''), base).href });
    });
  }

  /** Sends the bitmaps (transferred: the caller must not use them afterwards). */
  detect(frames: (ImageBitmap | null)[], scales: number[], timestamps: number[]): Promise<DetectResult> {
    const id = this.nextId++;
    const transfer = frames.filter((f): f is ImageBitmap => f !== null);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'detect', id, frames, scales, timestamps } satisfies ToWorker, transfer);
    });
  }

  reset(camera?: number) {
    this.post({ type: 'reset', camera });
  }

  private post(msg: ToWorker) {
    this.worker.postMessage(msg);
  }

  terminate() {
    this.failAll(new Error('detection stopped'));
    this.worker.terminate();
  }
}
