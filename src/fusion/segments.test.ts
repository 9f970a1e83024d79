import { describe, expect, it } from 'vitest';
import { isTimeJump, MAX_GAP_S, timeSegments } from './segments';

describe('timeSegments', () => {
  it('keeps a steady stream in one segment', () => {
    expect(timeSegments([0, 1 / 30, 2 / 30, 3 / 30])).toEqual([[0, 4]]);
  });
  it('cuts where time goes back, at a gap over the limit, and not at one just under it', () => {
    const t = [0, 0.1, 0.05, 0.1, 0.1 + MAX_GAP_S + 1e-6, 0.1 + 2 * MAX_GAP_S];
    expect(timeSegments(t)).toEqual([[0, 2], [2, 4], [4, 6]]);
  });
  it('treats NaN time as a jump and repeated time as continuous', () => {
    expect(isTimeJump(1, NaN)).toBe(true);
    expect(isTimeJump(1, 1)).toBe(false);
    expect(timeSegments([])).toEqual([]);
  });
});
