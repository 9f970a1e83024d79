/**
 * The one camera check of Parallax: every reader (take, calibration JSON/TOML/qca, OpenPose import, the app's
 * imports) and every writer (calibrate, the calibration and take writers) runs cameras through it, so a camera that
 * reaches the core is one the camera model (camera.ts) can use. The bounds are documented in docs/formats.md.
 */
import type { Camera } from './camera';

/** Physical bounds of a camera. Generous: they refuse nonsense, not unusual rigs. */
export const CAMERA_LIMITS = {
  /** Largest image side in pixels (16K). */
  maxSidePx: 16384,
  /** Focal lengths within [min, max] × the image's longer side: a pinhole of ~170° down to ~0.6° field of view. */
  minFocalPerSide: 0.05,
  maxFocalPerSide: 100,
  /** fy / fx within [1/max, max]: anamorphic lenses stay well inside. */
  maxAspect: 4,
  /** Principal point within the image widened by one image size on every side. */
  principalMarginSides: 1,
  /** |skew| ≤ this × fx. */
  maxSkewPerFocal: 1,
  /** |k1|, |k2|, |k3| ≤ this; |p1|, |p2| ≤ maxTangential. */
  maxRadial: 100,
  maxTangential: 1,
  /** max |R Rᵀ − I| for a rotation; files hold doubles, so rounding stays far below. */
  rotationTolerance: 1e-6,
  /** Camera centre within this many metres of the world origin (‖t‖ = ‖C‖ for a rotation). */
  maxTranslationM: 1000,
  maxNameLength: 256,
} as const;

/** One thing wrong with one camera: the field (a path inside the camera, e.g. "K[0][0]") and what is wrong. */
export interface CameraProblem {
  /** Index of the camera in its list. */
  index: number;
  camera: string;
  field: string;
  message: string;
}

const L = CAMERA_LIMITS;
const DIST_NAMES = ['k1', 'k2', 'p1', 'p2', 'k3'];

/** Everything wrong with one camera (empty when it is fine). */
export function checkCamera(cam: Camera, index = 0): CameraProblem[] {
  const out: CameraProblem[] = [];
  const name = typeof cam.name === 'string' ? cam.name : String(cam.name);
  const bad = (field: string, message: string) => out.push({ index, camera: name, field, message });
  if (typeof cam.name !== 'string' || cam.name.length === 0) bad('name', 'must be a non-empty string');
  else if (cam.name.length > L.maxNameLength) bad('name', `longer than ${L.maxNameLength} characters`);
  for (const f of ['width', 'height'] as const) {
    const v = cam[f];
    if (!Number.isInteger(v) || v < 1 || v > L.maxSidePx) bad(f, `${v} is not a whole number of pixels in [1, ${L.maxSidePx}]`);
  }
  const K = cam.K, side = Math.max(cam.width, cam.height);
  if (!(K.length === 9 && K.every(Number.isFinite))) {
    bad('K', 'must hold 9 finite numbers');
    return out;
  }
  if (K[3] !== 0 || K[6] !== 0 || K[7] !== 0 || K[8] !== 1) bad('K', 'must have the pinhole form [[fx,s,cx],[0,fy,cy],[0,0,1]]');
  const sideOk = Number.isInteger(side) && side >= 1 && side <= L.maxSidePx;
  const [fx, s, cx, , fy, cy] = K;
  for (const [field, f] of [['K[0][0] (fx)', fx], ['K[1][1] (fy)', fy]] as const) {
    if (!(f > 0)) bad(field, `focal length ${f} must be > 0`);
    else if (sideOk && (f < L.minFocalPerSide * side || f > L.maxFocalPerSide * side))
      bad(field, `focal length ${f} px is outside [${L.minFocalPerSide}, ${L.maxFocalPerSide}] × the image's ${side} px side`);
  }
  if (fx > 0 && fy > 0 && (fy / fx > L.maxAspect || fx / fy > L.maxAspect)) bad('K[1][1] (fy)', `fy/fx = ${(fy / fx).toPrecision(3)} is outside [1/${L.maxAspect}, ${L.maxAspect}]`);
  if (fx > 0 && Math.abs(s) > L.maxSkewPerFocal * fx) bad('K[0][1] (skew)', `|skew| ${s} exceeds fx`);
  const m = L.principalMarginSides;
  if (Number.isInteger(cam.width) && (cx < -m * cam.width || cx > (1 + m) * cam.width)) bad('K[0][2] (cx)', `principal point ${cx} px is far outside the ${cam.width} px wide image`);
  if (Number.isInteger(cam.height) && (cy < -m * cam.height || cy > (1 + m) * cam.height)) bad('K[1][2] (cy)', `principal point ${cy} px is far outside the ${cam.height} px high image`);
  const d = cam.dist;
  for (let i = 0; i < d.length; i++) {
    const lim = i === 2 || i === 3 ? L.maxTangential : L.maxRadial;
    if (!Number.isFinite(d[i]) || Math.abs(d[i]) > lim) bad(`dist[${i}] (${DIST_NAMES[i] ?? '?'})`, `${d[i]} is not a finite number within ±${lim}`);
  }
  const R = cam.R;
  if (!(R.length === 9 && R.every(Number.isFinite))) bad('R', 'must hold 9 finite numbers');
  else {
    let err = 0;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const dot = R[i * 3] * R[j * 3] + R[i * 3 + 1] * R[j * 3 + 1] + R[i * 3 + 2] * R[j * 3 + 2];
        err = Math.max(err, Math.abs(dot - (i === j ? 1 : 0)));
      }
    const det = R[0] * (R[4] * R[8] - R[5] * R[7]) - R[1] * (R[3] * R[8] - R[5] * R[6]) + R[2] * (R[3] * R[7] - R[4] * R[6]);
    if (!(err <= L.rotationTolerance)) bad('R', `not a rotation: max |R Rᵀ − I| = ${err.toExponential(2)} > ${L.rotationTolerance}`);
    else if (!(det > 0)) bad('R', `a reflection, not a rotation (det = ${det.toFixed(4)})`);
  }
  const t = cam.t;
  if (!(t.length === 3 && t.every(Number.isFinite))) bad('t', 'must hold 3 finite numbers');
  else if (Math.hypot(t[0], t[1], t[2]) > L.maxTranslationM) bad('t', `‖t‖ = ${Math.hypot(t[0], t[1], t[2]).toPrecision(3)} m puts the camera more than ${L.maxTranslationM} m from the world origin`);
  return out;
}

/** Everything wrong with a list of cameras, duplicate names included. */
export function checkCameras(cams: readonly Camera[]): CameraProblem[] {
  const out: CameraProblem[] = [];
  const seen = new Map<string, number>();
  cams.forEach((c, i) => {
    out.push(...checkCamera(c, i));
    const first = seen.get(c.name);
    if (first !== undefined) out.push({ index: i, camera: c.name, field: 'name', message: `duplicate camera name (also cameras[${first}])` });
    else seen.set(c.name, i);
  });
  return out;
}

/** "camera "cam1" (cameras[0]): K[0][0] (fx): …" */
export function describeCameraProblem(p: CameraProblem): string {
  return `camera "${p.camera}" (cameras[${p.index}]): ${p.field}: ${p.message}`;
}

/** A camera that failed the check; the message names the source (a file), the camera and the field. */
export class CameraCheckError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly CameraProblem[],
  ) {
    super(`${source}: ${describeCameraProblem(problems[0])}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`);
    this.name = 'CameraCheckError';
  }
}

/** Throws CameraCheckError when any camera fails; returns the cameras otherwise. */
export function assertCameras<T extends readonly Camera[]>(cams: T, source: string): T {
  const problems = checkCameras(cams);
  if (problems.length) throw new CameraCheckError(source, problems);
  return cams;
}
