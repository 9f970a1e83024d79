/**
 * Which calibrated camera is which view of a source, matched by name: the same name once case, punctuation and a
 * file extension are set aside ("cam01.mp4" is "cam_01"), else the same camera number ("Fake camera 1" is
 * "cam_01") when that number is unique on both sides. Views the calibration lacks, calibrated cameras the source
 * lacks and frame sizes that differ from the calibration's are reported, each by name.
 */
import type { Camera } from '../geometry/camera';
import type { SourceView } from '../cameras/source';

export interface Binding {
  /** Per view: the index of its calibrated camera, or null. */
  cameraOf: (number | null)[];
  /** Views whose name matches no calibrated camera. */
  missingInCalibration: string[];
  /** Calibrated cameras no view matches. */
  missingInSource: string[];
  /** Matched views whose frame size is not the calibrated one (keypoints would be in other pixels). */
  sizeMismatch: { view: string; camera: string; size: [number, number]; calibrated: [number, number] }[];
}

export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/\.[a-z0-9]{2,4}$/, '').replace(/[^a-z0-9]/g, '');
}

/** The number a name ends with ("cam_01", "Fake camera 1"); a number inside it (a USB id) is not a camera number. */
function cameraNumber(name: string): number | null {
  const m = name.trim().replace(/\.[a-z0-9]{2,4}$/i, '').match(/(\d+)$/);
  return m ? Number(m[1]) : null;
}

/** Same size within 2 % (Pose2Sim calibrates 1080-wide videos as 1088 wide); unknown sizes (0) pass. */
export function sameSize(w: number, h: number, cam: Camera): boolean {
  if (!(w > 0 && h > 0)) return true;
  const near = (a: number, b: number) => Math.abs(a - b) <= 0.02 * b;
  return near(w, cam.width) && near(h, cam.height);
}

export function bindViews(views: readonly SourceView[], cameras: readonly Camera[]): Binding {
  const cameraOf: (number | null)[] = views.map(() => null);
  const taken = new Set<number>();
  const names = cameras.map((c) => normaliseName(c.name));
  views.forEach((v, i) => {
    const k = names.indexOf(normaliseName(v.name));
    if (k >= 0 && !taken.has(k)) {
      cameraOf[i] = k;
      taken.add(k);
    }
  });
  const count = <T>(xs: T[], x: T) => xs.filter((y) => y === x).length;
  const viewNums = views.map((v) => cameraNumber(v.name));
  const camNums = cameras.map((c) => cameraNumber(c.name));
  views.forEach((_, i) => {
    const n = viewNums[i];
    if (cameraOf[i] !== null || n === null || count(viewNums, n) !== 1 || count(camNums, n) !== 1) return;
    const k = camNums.indexOf(n);
    if (taken.has(k)) return;
    cameraOf[i] = k;
    taken.add(k);
  });
  const sizeMismatch: Binding['sizeMismatch'] = [];
  views.forEach((v, i) => {
    const k = cameraOf[i];
    if (k === null || sameSize(v.width, v.height, cameras[k])) return;
    sizeMismatch.push({ view: v.name, camera: cameras[k].name, size: [v.width, v.height], calibrated: [cameras[k].width, cameras[k].height] });
  });
  return {
    cameraOf,
    missingInCalibration: views.filter((_, i) => cameraOf[i] === null).map((v) => v.name),
    missingInSource: cameras.filter((_, k) => !taken.has(k)).map((c) => c.name),
    sizeMismatch,
  };
}
