import type { Camera } from '../geometry/camera';

/**
 * The calibration with some cameras replaced by refined ones of the same name (a refinement from the person only
 * sees the cameras of the run's views); the rest, and the order, stay as they were.
 */
export function replaceCameras(calibration: readonly Camera[], refined: readonly Camera[]): Camera[] {
  const byName = new Map(refined.map((c) => [c.name, c]));
  const unknown = refined.filter((c) => !calibration.some((k) => k.name === c.name)).map((c) => c.name);
  if (unknown.length) throw new Error(`refined cameras not in the calibration: ${unknown.join(', ')}`);
  return calibration.map((c) => byName.get(c.name) ?? c);
}
