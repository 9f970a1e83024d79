/**
 * Where a stream of frame sets stops being one continuous motion, so temporal methods must forget the past:
 * time going back, or a gap longer than MAX_GAP_S (a paused source, dropped frames, a cut in a take).
 */

/** Longer than any frame interval a live source or video gives (≥ 2 fps), far shorter than a re-positioned person. */
export const MAX_GAP_S = 0.5;

/** True when the frame set at `time` cannot continue the motion ending at `prevTime`. */
export function isTimeJump(prevTime: number, time: number, maxGap: number = MAX_GAP_S): boolean {
  return !(time >= prevTime) || time - prevTime > maxGap;
}

/** Splits frame-set times into continuous segments [start, end) (indices), in order. */
export function timeSegments(times: ArrayLike<number>, maxGap: number = MAX_GAP_S): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 1; i < times.length; i++) {
    if (isTimeJump(times[i - 1], times[i], maxGap)) {
      out.push([start, i]);
      start = i;
    }
  }
  if (times.length > 0) out.push([start, times.length]);
  return out;
}
