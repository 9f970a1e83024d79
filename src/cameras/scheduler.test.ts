import { describe, expect, it } from 'vitest';
import { FakeClock } from '../session/testing/fake-clock';
import { LiveScheduler, type WorkerTiming } from './scheduler';

/** A worker that finishes each set when the test says so, reporting `ms` of work ending now. */
function setup(frameRate = 30) {
  const clock = new FakeClock();
  const sent: number[] = [];
  const released: number[] = [];
  const finish: Array<(t: WorkerTiming | null) => void> = [];
  const s = new LiveScheduler<number>({
    clock, frameRate: () => frameRate,
    dispatch: (set) => {
      sent.push(set);
      return new Promise((r) => finish.push(r));
    },
    release: (set) => released.push(set),
  });
  const complete = async (ms: number) => {
    finish.shift()!({ workerMs: ms, workerEnd: clock.now() });
    await Promise.resolve();
    await Promise.resolve();
  };
  return { clock, s, sent, released, complete };
}

describe('live scheduler', () => {
  it('is hungry at start, sends a complete set at once, and keeps at most two in the worker', () => {
    const { s, sent } = setup();
    s.start();
    expect(s.hungry).toBe(true);
    s.offer(1);
    expect(sent).toEqual([1]);
    // No worker time measured yet: hungry again right away, so a second set queues in the worker.
    expect(s.hungry).toBe(true);
    s.offer(2);
    expect(sent).toEqual([1, 2]);
    expect(s.setsInFlight).toBe(2);
    expect(s.hungry).toBe(false);
  });

  it('turns hungry a lead time before the worker is predicted to be idle', async () => {
    const { clock, s, complete } = setup(30);
    s.start();
    clock.advance(10); // assembling a set takes 10 ms
    s.offer(1);
    expect(s.hungry).toBe(true); // no worker time measured yet: a second set goes into the worker's queue
    clock.advance(10);
    s.offer(2);
    expect(s.hungry).toBe(false);
    clock.advance(90);
    await complete(100); // t = 110: set 1 took 100 ms; set 2 runs until about 210
    // lead = slowest assembly (10) + a quarter period (8.3) + a tenth of the worker's time (10) = 28.3 ms
    clock.advance(210 - 28.4 - 110 - 1);
    expect(s.hungry).toBe(false);
    clock.advance(2);
    expect(s.hungry).toBe(true);
  });

  it('keeps only the newest waiting set while two are in the worker, and sends it when one returns', async () => {
    const { s, sent, released, complete } = setup();
    s.start();
    s.offer(1);
    s.offer(2);
    s.offer(3); // waits
    s.offer(4); // replaces 3
    expect(released).toEqual([3]);
    await complete(50);
    expect(sent).toEqual([1, 2, 4]);
  });

  it('stops: the waiting set is released, late results are ignored and nothing turns hungry', async () => {
    const { clock, s, sent, released, complete } = setup();
    s.start();
    s.offer(1);
    s.offer(2);
    s.offer(3);
    s.stop();
    expect(released).toEqual([3]);
    await complete(40);
    clock.advance(1000);
    expect(s.hungry).toBe(false);
    expect(sent).toEqual([1, 2]);
    expect(clock.pending).toBe(0);
  });
});
