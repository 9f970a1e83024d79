import { describe, expect, it } from 'vitest';
import { wizardProgress, type WizardFacts } from './wizard-progress';

const base: WizardFacts = {
  cameras: ['cam1', 'cam2', 'cam3'], minViews: 10, minShared: 5, views: [10, 3, 0], intrinsicsRms: [0.3, null, null],
  pairs: [], rigSolved: false, floor: 'none',
};
const pair = (a: number, b: number, k: number) => ({ a, b, confirmed: Array.from({ length: k }, (_, i) => i), seen: Array.from({ length: k }, (_, i) => i) });
const at = (f: WizardFacts, step: string) => wizardProgress(f).find((s) => s.step === step)!;

describe('calibration wizard progress', () => {
  it('opens the steps in order: a step is open only when every step before it is done', () => {
    expect(wizardProgress({ ...base, cameras: [] }).map((s) => [s.step, s.open, s.done])).toEqual([
      ['board', true, false], ['intrinsics', false, false], ['pairs', false, false], ['floor', false, false], ['summary', false, false],
    ]);
    expect(at({ ...base, cameras: [] }, 'board').needs).toEqual(['open the cameras (two or more)']);
    expect(wizardProgress(base).map((s) => s.open)).toEqual([true, true, false, false, false]);
    const done = { ...base, intrinsicsRms: [0.3, 0.4, 0.2], pairs: [pair(0, 1, 5), pair(1, 2, 6)], rigSolved: true, floor: 'skipped' as const };
    expect(wizardProgress(done).map((s) => s.open)).toEqual([true, true, true, true, true]);
  });

  it('says what each camera still needs for its lens', () => {
    expect(at(base, 'intrinsics').needs).toEqual(['show the board to cam2: 3/10 snapshots', 'show the board to cam3: 0/10 snapshots']);
    expect(at({ ...base, views: [10, 10, 12] }, 'intrinsics').needs).toEqual(['cam2 has its snapshots: press "Calibrate lenses"', 'cam3 has its snapshots: press "Calibrate lenses"']);
  });

  it('names the pair to show the board to, with its confirmed shared views, until every camera is linked', () => {
    const f = { ...base, intrinsicsRms: [0.3, 0.4, 0.2] };
    expect(at(f, 'pairs').needs).toEqual(['show the board to cam1 and cam2 together: 0/5 shared views', 'show the board to cam1 and cam3 together: 0/5 shared views']);
    const some = { ...f, pairs: [pair(0, 1, 5), pair(1, 2, 2), pair(0, 2, 1)] };
    expect(at(some, 'pairs').needs).toEqual(['show the board to cam2 and cam3 together: 2/5 shared views']);
    const linked = { ...f, pairs: [pair(0, 1, 5), pair(1, 2, 5)] };
    expect(at(linked, 'pairs').needs).toEqual(['every camera is linked: press "Compute extrinsics"']);
    expect(at({ ...linked, rigSolved: true }, 'pairs').done).toBe(true);
  });

  it('needs the floor captured or skipped before the summary', () => {
    const f = { ...base, intrinsicsRms: [0.3, 0.4, 0.2], pairs: [pair(0, 1, 5), pair(0, 2, 5)], rigSolved: true };
    expect(at(f, 'floor').needs[0]).toMatch(/^lay the board flat on the floor/);
    expect(at(f, 'summary').open).toBe(false);
    expect(at({ ...f, floor: 'set' }, 'summary').open).toBe(true);
  });
});
