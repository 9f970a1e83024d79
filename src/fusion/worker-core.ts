/**
 * The fusion worker's logic, apart from the worker itself so Node tests and the main-thread fallback run the same
 * code: a FusionPipeline fed by messages, the methods made from the registry, the lifter's backend chosen by the
 * host's measurement. Messages are handled one at a time in arrival order (a rig, then the frame sets fused on
 * it); a backend switch takes the lifter out between two frame sets and puts it back once measured and loaded.
 */
import { FusionPipeline } from './pipeline';
import { createMethods, methodSpec, type MethodEnv } from './registry';
import { packResult, unpackFrame, type BackendReport, type FromWorker, type MethodState, type ToWorker } from './protocol';
import type { LifterBackendChoice } from './backend-select';

type InitMessage = Extract<ToWorker, { type: 'init' }>;

/** Measures the backends, makes the chosen one current, and gives the env that loads networks on it. */
export interface LifterHost {
  select(choice: LifterBackendChoice, init: InitMessage, progress: (r: BackendReport) => void): Promise<{ report: BackendReport; env: MethodEnv }>;
}

export type Post = (msg: FromWorker, transfer?: ArrayBuffer[]) => void;

const NO_NETWORK: MethodEnv = {
  loadNet: () => Promise.reject(new Error('no network outside the lifter host')),
};

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class FusionWorkerCore {
  private readonly pipeline = new FusionPipeline();
  private queue: Promise<void> = Promise.resolve();
  private lifterJob: Promise<void> = Promise.resolve();
  private generation = 0;
  private init: InitMessage | null = null;
  private states: MethodState[] = [];
  private errorCounts = new Map<string, number>();

  constructor(private readonly post: Post, private readonly host: LifterHost) {
    this.pipeline.onMethodError = (id, e) => {
      const n = (this.errorCounts.get(id) ?? 0) + 1;
      this.errorCounts.set(id, n);
      if (n === 1 || n % 100 === 0) this.post({ type: 'method-error', method: id, message: message(e), count: n });
    };
  }

  receive(msg: ToWorker): void {
    this.queue = this.queue.then(() => this.handle(msg)).catch((e) => this.post({ type: 'error', message: message(e) }));
  }

  private async handle(msg: ToWorker): Promise<void> {
    switch (msg.type) {
      case 'init':
        return this.start(msg);
      case 'rig':
        return this.pipeline.setRig(msg.cameras);
      case 'reset':
        return this.pipeline.reset();
      case 'settings':
        return this.pipeline.setSettings(msg.patch);
      case 'backend':
        if (this.init) this.loadNetworks(msg.choice);
        return;
      case 'fuse': {
        try {
          const r = await this.pipeline.fuse(unpackFrame(msg));
          if (!r) return this.post({ type: 'empty', id: msg.id });
          const { result, transfer } = packResult(r);
          this.post({ type: 'fused', id: msg.id, ...result }, transfer);
        } catch (e) {
          this.post({ type: 'error', id: msg.id, message: message(e) });
        }
        return;
      }
      case 'crash':
        return; // the worker entry handles it; in-process fusion has nothing to crash
    }
  }

  /** Methods without a network at once (fusion starts with them), the networks after the backend measurement. */
  private async start(msg: InitMessage): Promise<void> {
    this.init = msg;
    this.pipeline.setSettings(msg.settings);
    const plain = msg.methods.filter((id) => !methodSpec(id)?.optional);
    for (const m of await createMethods(NO_NETWORK, plain)) this.pipeline.addMethod(m);
    this.states = msg.methods.map((id) => ({ id, state: plain.includes(id) ? 'ready' : 'loading' }));
    this.post({ type: 'methods', methods: this.states });
    this.loadNetworks(msg.backend);
  }

  private networkIds(): string[] {
    return (this.init?.methods ?? []).filter((id) => methodSpec(id)?.optional);
  }

  private setState(s: MethodState): void {
    this.states = this.states.map((x) => (x.id === s.id ? s : x));
  }

  /**
   * Takes the network methods out now (between two frame sets: this runs in the message queue), then measures,
   * loads them on the chosen backend and adds them back. A newer switch supersedes an older one still measuring.
   */
  private loadNetworks(choice: LifterBackendChoice): void {
    const ids = this.networkIds();
    if (!ids.length) return;
    const gen = ++this.generation;
    for (const id of ids) {
      this.pipeline.removeMethod(id)?.dispose?.();
      this.setState({ id, state: 'loading' });
    }
    this.post({ type: 'methods', methods: this.states });
    this.lifterJob = this.lifterJob.then(async () => {
      if (gen !== this.generation) return;
      try {
        const { report, env } = await this.host.select(choice, this.init!, (r) => this.post({ type: 'backend', report: r }));
        if (gen !== this.generation) return;
        this.post({ type: 'backend', report });
        const made = await createMethods(env, ids, { onUnavailable: (id, reason) => this.setState({ id, state: 'unavailable', reason }) });
        if (gen !== this.generation) {
          for (const m of made) m.dispose?.();
          return;
        }
        for (const m of made) {
          this.pipeline.addMethod(m);
          this.setState({ id: m.id, state: 'ready' });
        }
      } catch (e) {
        if (gen !== this.generation) return;
        for (const id of ids) this.setState({ id, state: 'unavailable', reason: message(e) });
      }
      this.post({ type: 'methods', methods: this.states });
    });
  }
}
