import { describe, expect, it } from 'vitest';
import { FusionQueue } from './queue';

/** A job that finishes when the test says so, recording what it was given. */
function slowJob() {
  const started: number[] = [];
  const release: Array<() => void> = [];
  const job = (n: number) => {
    started.push(n);
    return new Promise<void>((r) => release.push(r));
  };
  const finishOne = async () => {
    release.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { started, job, finishOne };
}

describe('fusion queue', () => {
  it('live: keeps only the newest waiting frame set while one is in fusion', async () => {
    const { started, job, finishOne } = slowJob();
    const q = new FusionQueue(job);
    for (const n of [1, 2, 3, 4]) q.latest(n);
    expect(started).toEqual([1]);
    await finishOne();
    expect(started).toEqual([1, 4]);
    await finishOne();
    expect(started).toEqual([1, 4]);
  });

  it('finite: fuses every frame set, in order, one at a time', async () => {
    const { started, job, finishOne } = slowJob();
    const q = new FusionQueue(job);
    const done = [1, 2, 3].map((n) => q.every(n));
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([1]);
    await finishOne();
    await finishOne();
    await finishOne();
    await Promise.all(done);
    expect(started).toEqual([1, 2, 3]);
  });

  it('clear: what waits is dropped and nothing starts after the frame set in fusion', async () => {
    const { started, job, finishOne } = slowJob();
    const q = new FusionQueue(job);
    q.latest(1);
    q.latest(2);
    q.clear();
    await finishOne();
    expect(started).toEqual([1]);
    q.latest(3);
    expect(started).toEqual([1, 3]);
  });
});
