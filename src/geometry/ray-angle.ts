/**
 * How much depth a set of views can see of one point: the largest angle between the rays that observe it. Rays
 * that meet at a tiny angle (cameras at the same place, or a far point seen from a short baseline) fix the
 * direction of the point but not its distance: a pixel of noise moves the intersection by metres. Triangulation
 * and the lifter refuse such a point or pose rather than guess (docs/formats.md, "Geometry that cannot see depth").
 * This measures the rays only (directions from camera.ts's normalizedRay / pixelRay); intersecting them stays with
 * the methods' own routines.
 */

/** Below this largest pairwise ray angle a point gets no estimate. At 2°, 1 px of noise at f = 1000 px (0.057°) moves
 * the intersection along the ray by about 3 % of the distance; at 0.1° it would be 60 %. */
export const MIN_RAY_ANGLE_DEG = 2;

/**
 * Largest angle in degrees (0–90) between the lines of any two of n unit ray directions (xyz interleaved); 0 for
 * fewer than two.
 */
export function maxRayAngleDeg(dirs: ArrayLike<number>, n: number): number {
  // From the chord |a − b| = 2 sin(θ/2): unlike acos(a·b), exact for the small angles that matter here.
  let chord2 = 0;
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++) {
      const ax = dirs[3 * a], ay = dirs[3 * a + 1], az = dirs[3 * a + 2];
      const bx = dirs[3 * b], by = dirs[3 * b + 1], bz = dirs[3 * b + 2];
      // Rays from opposite sides along one line (θ near 180°) see no more depth than parallel ones: the angle
      // between the lines, min(θ, 180° − θ), is what counts.
      const minus = (ax - bx) ** 2 + (ay - by) ** 2 + (az - bz) ** 2, plus = (ax + bx) ** 2 + (ay + by) ** 2 + (az + bz) ** 2;
      chord2 = Math.max(chord2, Math.min(minus, plus));
    }
  return (2 * Math.asin(Math.min(1, Math.sqrt(chord2) / 2)) * 180) / Math.PI;
}
