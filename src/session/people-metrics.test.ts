import { describe, expect, it } from 'vitest';
import { perPersonErrors } from './people-metrics';

const body = (x: number) => {
  const j = new Float64Array(51);
  for (let k = 0; k < 17; k++) j.set([x, k * 0.1, 0], 3 * k);
  return { joints: j, valid: new Uint8Array(17).fill(1) };
};

describe('MPJPE per person', () => {
  it('matches people to the nearest truth by distance, not by id, each truth once', () => {
    const truths = [{ id: 0, ...body(0) }, { id: 1, ...body(2) }];
    const people = [
      { person: 5, poses: { robust: body(2.05), dlt: null } },
      { person: 7, poses: { robust: body(0.02), dlt: body(0.1) } },
      { person: 9, poses: { robust: body(2.3), dlt: null } },
    ];
    const e = perPersonErrors(people, truths);
    expect(e.map((p) => [p.person, p.truth])).toEqual([[5, 1], [7, 0], [9, -1]]);
    expect(e[0].mpjpe.robust).toBeCloseTo(0.05, 9);
    expect(e[0].mpjpe.dlt).toBeNaN();
    expect(e[1].mpjpe.dlt).toBeCloseTo(0.1, 9);
    expect(e[2].mpjpe.robust).toBeNaN();
  });
});
