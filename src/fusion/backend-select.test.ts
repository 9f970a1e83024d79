import { describe, expect, it } from 'vitest';
import { chooseBackend, maxAbsDiff, measureBackends, type BackendMeasurement, type BackendProbe, type LifterBackend } from './backend-select';

const m = (id: LifterBackend, medianMs: number | null, maxDiffM: number | null, reason: string | null = null): BackendMeasurement => ({ id, medianMs, maxDiffM, reason });

describe('lifter backend choice', () => {
  it('auto: the fastest backend that matches wasm within 1e-4 m; the others say why not', () => {
    const r = chooseBackend('auto', [m('wasm', 3.1, null), m('webgl', 1.2, 5e-5), m('webgpu', 0.4, 3e-3)]);
    expect(r.chosen).toBe('webgl');
    expect(r.reasons.webgpu).toBe('webgpu: differs from wasm by 3e-3 m (limit 1e-4 m)');
    expect(r.reasons.wasm).toBe('wasm: slower (3.1 ms vs webgl 1.2 ms)');
    expect(r.reasons.webgl).toBeUndefined();
  });

  it('auto: wasm when the GPU backends are unavailable or slower, with their reasons', () => {
    const r = chooseBackend('auto', [m('wasm', 3.1, null), m('webgl', 140, 2e-6), m('webgpu', null, null, 'no adapter (no GPU, or the GPU is disabled)')]);
    expect(r.chosen).toBe('wasm');
    expect(r.reasons.webgpu).toBe('webgpu: no adapter (no GPU, or the GPU is disabled)');
    expect(r.reasons.webgl).toBe('webgl: slower (140.0 ms vs wasm 3.1 ms)');
  });

  it('a non-finite difference (NaN in the output) rejects the backend', () => {
    const r = chooseBackend('auto', [m('wasm', 3, null), m('webgl', 1, Infinity)]);
    expect(r.chosen).toBe('wasm');
    expect(r.reasons.webgl).toBe('webgl: differs from wasm by a non-finite amount m (limit 1e-4 m)');
  });

  it('a forced backend that runs is used even when it differs, and says so; one that cannot run gives the auto choice', () => {
    const ms = [m('wasm', 3, null), m('webgl', 1, 2e-3), m('webgpu', null, null, 'no adapter')];
    const forced = chooseBackend('webgl', ms);
    expect(forced.chosen).toBe('webgl');
    expect(forced.reasons.webgl).toBe('webgl: differs from wasm by 2e-3 m (limit 1e-4 m); used because it was chosen');
    const missing = chooseBackend('webgpu', ms);
    expect(missing.chosen).toBe('wasm');
    expect(missing.reasons.webgpu).toBe('webgpu: no adapter; using wasm instead');
    const wasm = chooseBackend('wasm', [m('wasm', 3, null), m('webgl', 1, 1e-6)]);
    expect(wasm.chosen).toBe('wasm');
    expect(wasm.reasons.webgl).toBe('webgl: not chosen (wasm was asked for) (1.0 ms vs wasm 3.0 ms)');
  });

  it('without wasm, the reference, nothing is trusted', () => {
    const r = chooseBackend('auto', [m('wasm', null, null, 'wasm files missing'), m('webgl', 1, null)]);
    expect(r.chosen).toBeNull();
    expect(r.reasons.webgl).toBe('webgl: not checked (wasm, the reference, did not run)');
    expect(r.reasons.wasm).toBe('wasm: wasm files missing');
  });

  it('maxAbsDiff: largest coordinate difference; NaN or another length is infinitely far', () => {
    expect(maxAbsDiff(Float64Array.of(1, 2, 3), Float64Array.of(1, 2.5, 2.9))).toBeCloseTo(0.5, 12);
    expect(maxAbsDiff(Float64Array.of(1, NaN), Float64Array.of(1, 2))).toBe(Infinity);
    expect(maxAbsDiff(Float64Array.of(1), Float64Array.of(1, 2))).toBe(Infinity);
  });
});

/** A backend that returns `out` and takes `ms` per run on the fake clock. */
function fake(id: LifterBackend, out: number[], ms: number[], clock: { t: number }, init: true | string = true) {
  let runs = 0;
  const disposed = { n: 0 };
  const probe: BackendProbe = {
    id,
    framesPerRun: 2,
    init: async () => init,
    run: async () => {
      clock.t += ms[Math.min(runs++, ms.length - 1)];
      return Float64Array.from(out);
    },
    dispose: () => void disposed.n++,
  };
  return { probe, disposed, runs: () => runs };
}

describe('backend measurement', () => {
  it('times runs after the warm-up, per frame set, compares each output with wasm (measured first), releases every backend', async () => {
    const clock = { t: 0 };
    // The first two runs (warm-up: shader compilation) are slow and must not count.
    const gl = fake('webgl', [1, 2.00005], [900, 900, 4, 6, 2, 4, 4], clock);
    const wasm = fake('wasm', [1, 2], [10, 10, 10, 12, 8, 10, 10], clock);
    const gpu = fake('webgpu', [], [1], clock, 'no adapter');
    const ms = await measureBackends([gpu.probe, gl.probe, wasm.probe], () => clock.t);
    expect(ms.map((x) => x.id)).toEqual(['wasm', 'webgpu', 'webgl']);
    expect(ms[0]).toEqual({ id: 'wasm', medianMs: 5, maxDiffM: null, reason: null });
    expect(ms[1]).toEqual({ id: 'webgpu', medianMs: null, maxDiffM: null, reason: 'no adapter' });
    expect(ms[2].medianMs).toBe(2);
    expect(ms[2].maxDiffM).toBeCloseTo(5e-5, 12);
    expect(gl.runs()).toBe(7);
    expect(gpu.runs()).toBe(0);
    for (const f of [gl, wasm, gpu]) expect(f.disposed.n).toBe(1);
    expect(chooseBackend('auto', ms).chosen).toBe('webgl');
  });

  it('a backend that hangs is given up after the timeout, with the reason', async () => {
    const clock = { t: 0 };
    const wasm = fake('wasm', [1], [1], clock);
    const stuck: BackendProbe = { id: 'webgpu', init: async () => true, run: () => new Promise(() => undefined) };
    const ms = await measureBackends([wasm.probe, stuck], () => clock.t, 50);
    expect(ms[1]).toEqual({ id: 'webgpu', medianMs: null, maxDiffM: null, reason: 'no result within 0.05 s' });
    expect(chooseBackend('auto', ms).reasons.webgpu).toBe('webgpu: no result within 0.05 s');
  });
});

describe('backend measurement: a run past its time', () => {
  it('is cancelled and waited for before the next backend runs; one that never stops keeps the rest from running', async () => {
    const clock = { t: 0 };
    const order: string[] = [];
    let release: () => void = () => undefined;
    const slow: BackendProbe = {
      id: 'webgpu',
      init: async () => true,
      run: () => new Promise<Float64Array>((resolve, reject) => {
        order.push('webgpu run');
        release = () => reject(new Error('cancelled'));
      }),
      cancel: () => {
        order.push('webgpu cancel');
        setTimeout(release, 10);
      },
      dispose: () => void order.push('webgpu dispose'),
    };
    const gl: BackendProbe = { id: 'webgl', init: async () => (order.push('webgl init'), true), run: async () => Float64Array.of(1) };
    const wasm = fake('wasm', [1], [1], clock);
    const ms = await measureBackends([wasm.probe, slow, gl], () => clock.t, 30);
    expect(order).toEqual(['webgpu run', 'webgpu cancel', 'webgpu dispose', 'webgl init']);
    expect(ms.find((m) => m.id === 'webgl')!.medianMs).toBe(0);

    const stuck: BackendProbe = { id: 'webgpu', init: async () => true, run: () => new Promise(() => undefined), cancel: () => undefined };
    const ms2 = await measureBackends([fake('wasm', [1], [1], clock).probe, stuck, gl], () => clock.t, 20);
    expect(ms2.find((m) => m.id === 'webgl')).toEqual({ id: 'webgl', medianMs: null, maxDiffM: null, reason: 'not measured: webgpu did not stop after its time ran out' });
  });
});
