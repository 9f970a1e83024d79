/**
 * The app's side of fusion: the Fuser the session calls, with the pipeline behind a port (the fusion worker, or
 * the same code on this thread). Frame sets go out packed and transferred; a result comes back around the app's
 * own frame set. The session's queue keeps at most one frame set in fusion and the newest waiting; the ids here
 * only pair answers with requests. A worker that crashes is replaced by fusion on this thread, and the status
 * says so; the frame sets it held are rejected with the crash's message (never left hanging).
 */
import type { Camera } from '../geometry/camera';
import { Channel } from './channel';
import type { DetectedFrameSet, FusedFrameSet } from './flow';
import type { Fuser } from './fuser';
import { DEFAULT_PIPELINE_SETTINGS, type PipelineSettings } from './pipeline';
import { packFrame, unpackResult, type BackendReport, type FromWorker, type MethodState, type ToWorker } from './protocol';
import type { LifterBackendChoice } from './backend-select';

export interface FusionPort {
  post(msg: ToWorker, transfer?: ArrayBuffer[]): void;
  terminate(): void;
}

export type PortFactory = (onMessage: (msg: FromWorker) => void, onCrash: (message: string) => void) => FusionPort;

export type FusionWhere = 'worker' | 'main';

export interface FusionStatus {
  /** Null before start(). */
  where: FusionWhere | null;
  /** Why fusion runs on this thread: asked for, or the worker crashed. */
  whyMain: string | null;
  methods: MethodState[];
  backend: BackendReport | null;
  /** The last failure outside a method (a frame set the worker could not fuse, a backend that failed to load). */
  lastError: string | null;
  /** Methods that threw on frame sets: their last message and how many times. */
  methodErrors: Record<string, { message: string; count: number }>;
}

export interface FusionClientOptions {
  worker: PortFactory;
  main: PortFactory;
  methods: readonly string[];
  modelsBase: string;
  wasmPath: string;
  backend?: LifterBackendChoice;
}

interface Pending {
  frame: DetectedFrameSet;
  resolve: (f: FusedFrameSet | null) => void;
  reject: (e: Error) => void;
}

export class FusionClient implements Fuser {
  readonly status = new Channel<FusionStatus>();
  private port: FusionPort | null = null;
  private rig: readonly Camera[] | null = null;
  private settingsNow: PipelineSettings = { ...DEFAULT_PIPELINE_SETTINGS, oneEuro: { ...DEFAULT_PIPELINE_SETTINGS.oneEuro } };
  private choice: LifterBackendChoice;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private portGeneration = 0;

  constructor(private readonly opts: FusionClientOptions) {
    this.choice = opts.backend ?? 'auto';
    this.status.emit({ where: null, whyMain: null, methods: opts.methods.map((id) => ({ id, state: 'loading' })), backend: null, lastError: null, methodErrors: {} });
  }

  get current(): FusionStatus {
    return this.status.latest()!;
  }

  /** Starts fusion in the worker, or on this thread with the reason (`?fusion=main`). */
  start(where: FusionWhere = 'worker', whyMain: string | null = null): void {
    if (this.port) return;
    this.open(where, whyMain);
  }

  get backendChoice(): LifterBackendChoice {
    return this.choice;
  }

  setBackend(choice: LifterBackendChoice): void {
    this.choice = choice;
    this.port?.post({ type: 'backend', choice });
  }

  setRig(cameras: readonly Camera[] | null): void {
    if (cameras === this.rig) return;
    this.rig = cameras;
    this.port?.post({ type: 'rig', cameras: cameras ? [...cameras] : null });
  }

  fuse(frame: DetectedFrameSet): Promise<FusedFrameSet | null> {
    if (!this.port) return Promise.reject(new Error('fusion is not started'));
    const id = this.nextId++;
    const { frame: packed, transfer } = packFrame(frame);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { frame, resolve, reject });
      this.port!.post({ type: 'fuse', id, ...packed }, transfer);
    });
  }

  reset(): void {
    this.port?.post({ type: 'reset' });
  }

  get settings(): PipelineSettings {
    return this.settingsNow;
  }

  setSettings(patch: Partial<PipelineSettings>): void {
    this.settingsNow = { ...this.settingsNow, ...patch };
    this.port?.post({ type: 'settings', patch });
  }

  /** Asks the worker to crash (the crash-fallback test): the client must notice and move fusion here. */
  crashWorkerForTest(): void {
    this.port?.post({ type: 'crash' });
  }

  dispose(): void {
    this.failPending(new Error('fusion stopped'));
    this.port?.terminate();
    this.port = null;
  }

  private open(where: FusionWhere, whyMain: string | null): void {
    const gen = ++this.portGeneration;
    const factory = where === 'worker' ? this.opts.worker : this.opts.main;
    const port = factory(
      (msg) => gen === this.portGeneration && this.onMessage(msg),
      (message) => gen === this.portGeneration && this.onCrash(message),
    );
    this.port = port;
    this.patch({ where, whyMain, backend: null, methods: this.opts.methods.map((id) => ({ id, state: 'loading' })) });
    port.post({ type: 'init', methods: [...this.opts.methods], modelsBase: this.opts.modelsBase, wasmPath: this.opts.wasmPath, backend: this.choice, settings: this.settingsNow });
    if (this.rig) port.post({ type: 'rig', cameras: [...this.rig] });
  }

  private onCrash(message: string): void {
    const err = new Error(`fusion worker crashed: ${message}`);
    this.failPending(err);
    this.port?.terminate();
    this.port = null;
    console.error(err);
    this.patch({ lastError: err.message });
    this.open('main', `the fusion worker crashed (${message}); fusing on the main thread`);
  }

  private failPending(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }

  private onMessage(msg: FromWorker): void {
    switch (msg.type) {
      case 'methods':
        return this.patch({ methods: msg.methods });
      case 'backend':
        return this.patch({ backend: msg.report });
      case 'method-error':
        console.warn(`fusion: ${msg.method} failed (${msg.count}×): ${msg.message}`);
        return this.patch({ methodErrors: { ...this.current.methodErrors, [msg.method]: { message: msg.message, count: msg.count } } });
      case 'error': {
        const p = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
        this.patch({ lastError: msg.message });
        if (!p) return console.error(`fusion: ${msg.message}`);
        this.pending.delete(msg.id!);
        return p.reject(new Error(msg.message));
      }
      case 'empty':
      case 'fused': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        return p.resolve(msg.type === 'empty' ? null : unpackResult(msg, p.frame));
      }
    }
  }

  private patch(p: Partial<FusionStatus>): void {
    this.status.emit({ ...this.current, ...p });
  }
}
