/**
 * A webcam's label is its name everywhere: in the wizard's calibration and when live views are matched to the
 * calibrated cameras (src/session/binding.ts). Two webcams of one model share a label, so repeats get " (2)",
 * " (3)" in device order; a label the browser withholds becomes "Camera N".
 */
export function nameCameras<T extends { label: string }>(devices: readonly T[]): Array<T & { label: string }> {
  const seen = new Map<string, number>();
  return devices.map((d, i) => {
    const base = d.label.trim() || `Camera ${i + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { ...d, label: n === 1 ? base : `${base} (${n})` };
  });
}
