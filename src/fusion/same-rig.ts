import type { Camera } from '../geometry/camera';

const eq = (x: ArrayLike<number>, y: ArrayLike<number>) => {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
};

/**
 * Whether a stateful method may carry its past over to these cameras: the same cameras in the same order, compared
 * by value (a caller may rebuild Camera objects for every frame set; a recalibration or a changed subset differs).
 */
export function sameRig(a: readonly Camera[] | null, b: readonly Camera[]): boolean {
  return !!a && a.length === b.length && a.every((c, i) => c === b[i] || (c.width === b[i].width && c.height === b[i].height && eq(c.K, b[i].K) && eq(c.dist, b[i].dist) && eq(c.R, b[i].R) && eq(c.t, b[i].t)));
}
