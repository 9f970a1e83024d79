/**
 * The one camera model of Parallax: OpenCV's pinhole with radial-tangential distortion.
 *
 *   x_cam = R·X + t                (world → camera, metres)
 *   (x, y) = (x_cam/z_cam, y_cam/z_cam),  r² = x² + y²
 *   x_d = x(1 + k1 r² + k2 r⁴ + k3 r⁶) + 2 p1 x y + p2 (r² + 2x²)
 *   y_d = y(1 + k1 r² + k2 r⁴ + k3 r⁶) + p1 (r² + 2y²) + 2 p2 x y
 *   u = fx x_d + s y_d + cx,  v = fy y_d + cy          (pixel centres at integer coordinates)
 *
 * Calibration, triangulation, the lifter's inputs, the simulator and the viewer all use these functions.
 */
import { mulTransposeVec3, type Mat3 } from './linalg';

export interface Camera {
  readonly name: string;
  /** Image size in pixels. */
  readonly width: number;
  readonly height: number;
  /** Intrinsics, 3x3 row-major. */
  readonly K: Float64Array;
  /** k1, k2, p1, p2, k3: always 5 numbers, missing ones 0. */
  readonly dist: Float64Array;
  /** World → camera rotation, 3x3 row-major. */
  readonly R: Mat3;
  /** World → camera translation, metres. */
  readonly t: Float64Array;
}

export interface CameraInit {
  name: string;
  width: number;
  height: number;
  K: ArrayLike<number> | ArrayLike<ArrayLike<number>>;
  dist?: ArrayLike<number>;
  R: ArrayLike<number> | ArrayLike<ArrayLike<number>>;
  t: ArrayLike<number>;
}

function flat(m: ArrayLike<number> | ArrayLike<ArrayLike<number>>, n: number): Float64Array {
  const out = new Float64Array(n);
  if (m.length > 0 && typeof m[0] !== 'number') {
    const rows = m as ArrayLike<ArrayLike<number>>;
    const w = rows[0].length;
    for (let i = 0; i < rows.length; i++) for (let j = 0; j < w; j++) out[i * w + j] = rows[i][j];
  } else {
    out.set(m as ArrayLike<number>);
  }
  return out;
}

/** Builds a Camera from nested or flat arrays; dist is padded with zeros to 5 numbers. */
export function makeCamera(init: CameraInit): Camera {
  const dist = new Float64Array(5);
  if (init.dist) dist.set(Array.from(init.dist).slice(0, 5));
  return {
    name: init.name,
    width: init.width,
    height: init.height,
    K: flat(init.K, 9),
    dist,
    R: flat(init.R, 9),
    t: Float64Array.from(init.t),
  };
}

/** JSON-friendly nested-array form of a camera (the take file's and the calibration file's layout). */
export function cameraToJSON(cam: Camera) {
  const rows = (m: Float64Array) => [0, 1, 2].map((i) => [m[i * 3], m[i * 3 + 1], m[i * 3 + 2]]);
  return {
    name: cam.name,
    width: cam.width,
    height: cam.height,
    K: rows(cam.K),
    dist: Array.from(cam.dist),
    R: rows(cam.R),
    t: Array.from(cam.t),
  };
}

/** Applies the distortion to normalised coordinates (x, y); writes (x_d, y_d) to out. */
export function distortNormalized(dist: Float64Array, x: number, y: number, out: Float64Array): Float64Array {
  const [k1, k2, p1, p2, k3] = dist;
  const r2 = x * x + y * y;
  const radial = 1 + r2 * (k1 + r2 * (k2 + r2 * k3));
  out[0] = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x);
  out[1] = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y;
  return out;
}

/** Jacobian of distortNormalized at (x, y), row-major 2x2 into out. */
function distortJacobian(dist: Float64Array, x: number, y: number, out: Float64Array): void {
  const [k1, k2, p1, p2, k3] = dist;
  const r2 = x * x + y * y;
  const radial = 1 + r2 * (k1 + r2 * (k2 + r2 * k3));
  const dRadial = k1 + 2 * k2 * r2 + 3 * k3 * r2 * r2; // d radial / d r²
  out[0] = radial + 2 * x * x * dRadial + 2 * p1 * y + 6 * p2 * x;
  out[1] = 2 * x * y * dRadial + 2 * p1 * x + 2 * p2 * y;
  out[2] = 2 * x * y * dRadial + 2 * p1 * x + 2 * p2 * y;
  out[3] = radial + 2 * y * y * dRadial + 6 * p1 * y + 2 * p2 * x;
}

const scratch2 = new Float64Array(2);
const scratchJ = new Float64Array(4);

/** Normalised, distorted coordinates → pixels. */
export function normalizedToPixel(cam: Camera, xd: number, yd: number, out: Float64Array, offset = 0): Float64Array {
  const K = cam.K;
  out[offset] = K[0] * xd + K[1] * yd + K[2];
  out[offset + 1] = K[4] * yd + K[5];
  return out;
}

/**
 * Projects a world point to pixels. Returns false (and writes NaN) when the point is not in front of the camera;
 * callers must treat that as "no projection".
 */
export function projectPoint(cam: Camera, X: number, Y: number, Z: number, out: Float64Array, offset = 0): boolean {
  const R = cam.R, t = cam.t;
  const xc = R[0] * X + R[1] * Y + R[2] * Z + t[0];
  const yc = R[3] * X + R[4] * Y + R[5] * Z + t[1];
  const zc = R[6] * X + R[7] * Y + R[8] * Z + t[2];
  if (!(zc > 1e-9)) {
    out[offset] = NaN;
    out[offset + 1] = NaN;
    return false;
  }
  distortNormalized(cam.dist, xc / zc, yc / zc, scratch2);
  normalizedToPixel(cam, scratch2[0], scratch2[1], out, offset);
  return true;
}

/** Projects N world points (xyz interleaved) to N pixels (uv interleaved). Points behind the camera give NaN. */
export function projectPoints(cam: Camera, points: ArrayLike<number>, out = new Float64Array((points.length / 3) * 2)): Float64Array {
  const n = points.length / 3;
  for (let i = 0; i < n; i++) projectPoint(cam, points[3 * i], points[3 * i + 1], points[3 * i + 2], out, 2 * i);
  return out;
}

/** Depth of a world point along the camera's optical axis (metres); ≤ 0 means behind the camera. */
export function depthOf(cam: Camera, X: number, Y: number, Z: number): number {
  const R = cam.R;
  return R[6] * X + R[7] * Y + R[8] * Z + cam.t[2];
}

/**
 * Pixel → ideal (undistorted) normalised coordinates, inverting the distortion by Newton's method from the
 * fixed-point start. Returns false when it does not converge (a pixel outside the lens model's valid domain).
 */
export function pixelToNormalized(cam: Camera, u: number, v: number, out: Float64Array, offset = 0): boolean {
  const K = cam.K;
  const yd = (v - K[5]) / K[4];
  const xd = (u - K[2] - K[1] * yd) / K[0];
  let x = xd, y = yd;
  const d = cam.dist;
  if (d[0] === 0 && d[1] === 0 && d[2] === 0 && d[3] === 0 && d[4] === 0) {
    out[offset] = x;
    out[offset + 1] = y;
    return true;
  }
  let ok = false;
  for (let it = 0; it < 50; it++) {
    distortNormalized(d, x, y, scratch2);
    const ex = scratch2[0] - xd, ey = scratch2[1] - yd;
    if (ex * ex + ey * ey < 1e-26) {
      ok = true;
      break;
    }
    distortJacobian(d, x, y, scratchJ);
    const det = scratchJ[0] * scratchJ[3] - scratchJ[1] * scratchJ[2];
    let dx: number, dy: number;
    if (Math.abs(det) > 1e-12) {
      dx = (scratchJ[3] * ex - scratchJ[1] * ey) / det;
      dy = (-scratchJ[2] * ex + scratchJ[0] * ey) / det;
    } else {
      dx = ex;
      dy = ey;
    }
    // Damp steps that would jump across the fold of a strong barrel distortion.
    const step = Math.hypot(dx, dy), lim = 0.25 * (1 + Math.hypot(x, y));
    const s = step > lim ? lim / step : 1;
    x -= s * dx;
    y -= s * dy;
  }
  if (!ok) {
    distortNormalized(d, x, y, scratch2);
    ok = Math.hypot(scratch2[0] - xd, scratch2[1] - yd) < 1e-9;
  }
  out[offset] = x;
  out[offset + 1] = y;
  return ok && Number.isFinite(x) && Number.isFinite(y);
}

/** Distorted pixel → the pixel a distortion-free camera with the same K would see. */
export function undistortPixel(cam: Camera, u: number, v: number, out: Float64Array, offset = 0): boolean {
  const ok = pixelToNormalized(cam, u, v, out, offset);
  normalizedToPixel(cam, out[offset], out[offset + 1], out, offset);
  return ok;
}

/** Camera centre in world coordinates: C = −Rᵀ t. */
export function cameraCenter(cam: Camera, out: Float64Array = new Float64Array(3)): Float64Array {
  mulTransposeVec3(out, cam.R, -cam.t[0], -cam.t[1], -cam.t[2]);
  return out;
}

/** Unit world-space direction of the ray through a (distorted) pixel; false if the pixel cannot be undistorted. */
export function pixelRay(cam: Camera, u: number, v: number, out: Float64Array = new Float64Array(3)): boolean {
  const ok = pixelToNormalized(cam, u, v, scratch2);
  normalizedRay(cam, scratch2[0], scratch2[1], out);
  return ok;
}

/** Unit world-space direction of the ray through ideal normalised coordinates (x, y), into out[offset..offset+2]. */
export function normalizedRay(cam: Camera, x: number, y: number, out: Float64Array, offset = 0): Float64Array {
  const R = cam.R;
  const wx = R[0] * x + R[3] * y + R[6], wy = R[1] * x + R[4] * y + R[7], wz = R[2] * x + R[5] * y + R[8];
  const n = Math.hypot(wx, wy, wz);
  out[offset] = wx / n;
  out[offset + 1] = wy / n;
  out[offset + 2] = wz / n;
  return out;
}

/** 3x4 matrix [R | t] row-major: projects homogeneous world points to normalised camera coordinates. */
export function extrinsicMatrix(cam: Camera, out: Float64Array = new Float64Array(12)): Float64Array {
  for (let i = 0; i < 3; i++) {
    out[i * 4] = cam.R[i * 3];
    out[i * 4 + 1] = cam.R[i * 3 + 1];
    out[i * 4 + 2] = cam.R[i * 3 + 2];
    out[i * 4 + 3] = cam.t[i];
  }
  return out;
}

/** Horizontal field of view in degrees (pinhole, ignoring distortion). */
export function horizontalFov(cam: Camera): number {
  return (2 * Math.atan(cam.width / 2 / cam.K[0]) * 180) / Math.PI;
}

/** Moves a camera's world frame: with X' = M X + c (M a rotation), returns the same physical camera in the new frame. */
export function transformCameraWorld(cam: Camera, M: Mat3, c: ArrayLike<number>): Camera {
  // x_cam = R X + t = R Mᵀ (X' − c) + t  ⇒  R' = R Mᵀ, t' = t − R Mᵀ c
  const R2 = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      R2[i * 3 + j] = cam.R[i * 3] * M[j * 3] + cam.R[i * 3 + 1] * M[j * 3 + 1] + cam.R[i * 3 + 2] * M[j * 3 + 2];
  const t2 = new Float64Array(3);
  for (let i = 0; i < 3; i++) t2[i] = cam.t[i] - (R2[i * 3] * c[0] + R2[i * 3 + 1] * c[1] + R2[i * 3 + 2] * c[2]);
  return { ...cam, R: R2, t: t2 };
}

/**
 * A camera placed at `eye` looking at `target`, with image "down" as close to −up as possible. Intrinsics from a
 * horizontal field of view in degrees with the principal point at the image centre.
 */
export function lookAtCamera(opts: {
  name: string;
  width: number;
  height: number;
  hfovDeg: number;
  eye: ArrayLike<number>;
  target: ArrayLike<number>;
  up?: ArrayLike<number>;
  dist?: ArrayLike<number>;
  /** Turn about the optical axis, degrees (a camera not mounted level); positive turns image-right toward down. */
  rollDeg?: number;
}): Camera {
  const up = opts.up ?? [0, 1, 0];
  const f = opts.width / 2 / Math.tan((opts.hfovDeg * Math.PI) / 360);
  // camera z: forward; camera y: image down; camera x: image right (z × ... right-handed: x = y × z).
  const fz = [opts.target[0] - opts.eye[0], opts.target[1] - opts.eye[1], opts.target[2] - opts.eye[2]];
  const nz = Math.hypot(fz[0], fz[1], fz[2]);
  const z = fz.map((v) => v / nz);
  // x = z × up  (right), then y = z × x (down)
  let x = [z[1] * up[2] - z[2] * up[1], z[2] * up[0] - z[0] * up[2], z[0] * up[1] - z[1] * up[0]];
  let nx = Math.hypot(x[0], x[1], x[2]);
  if (nx < 1e-9) {
    x = [1, 0, 0];
    nx = 1;
  }
  x = x.map((v) => v / nx);
  let y = [z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]];
  if (opts.rollDeg) {
    const c = Math.cos((opts.rollDeg * Math.PI) / 180), s = Math.sin((opts.rollDeg * Math.PI) / 180);
    [x, y] = [x.map((v, i) => c * v + s * y[i]), y.map((v, i) => c * v - s * x[i])];
  }
  const R = new Float64Array([...x, ...y, ...z]);
  const t = new Float64Array(3);
  for (let i = 0; i < 3; i++) t[i] = -(R[i * 3] * opts.eye[0] + R[i * 3 + 1] * opts.eye[1] + R[i * 3 + 2] * opts.eye[2]);
  return makeCamera({
    name: opts.name,
    width: opts.width,
    height: opts.height,
    K: [f, 0, (opts.width - 1) / 2, 0, f, (opts.height - 1) / 2, 0, 0, 1],
    dist: opts.dist,
    R,
    t,
  });
}

/**
 * Projection of a camera-frame point with its analytic derivatives, for calibration and bundle adjustment.
 * Writes uv (2), dXc (2x3 row-major: d(u,v)/d(xc,yc,zc)) and, when given, dIntr (2x9 row-major:
 * d(u,v)/d(fx, fy, cx, cy, k1, k2, p1, p2, k3)). Skew is taken from K but not differentiated.
 * Returns false for points not in front of the camera (outputs then undefined).
 */
export function projectCameraPointJacobian(
  K: Float64Array,
  dist: Float64Array,
  xc: number,
  yc: number,
  zc: number,
  uv: Float64Array,
  dXc: Float64Array,
  dIntr?: Float64Array,
): boolean {
  if (!(zc > 1e-9)) return false;
  const iz = 1 / zc;
  const x = xc * iz, y = yc * iz;
  const [k1, k2, p1, p2, k3] = dist;
  const r2 = x * x + y * y;
  const radial = 1 + r2 * (k1 + r2 * (k2 + r2 * k3));
  const xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x);
  const yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y;
  const fx = K[0], s = K[1], fy = K[4];
  uv[0] = fx * xd + s * yd + K[2];
  uv[1] = fy * yd + K[5];
  const dRadial = k1 + 2 * k2 * r2 + 3 * k3 * r2 * r2;
  const dxd_dx = radial + 2 * x * x * dRadial + 2 * p1 * y + 6 * p2 * x;
  const dxd_dy = 2 * x * y * dRadial + 2 * p1 * x + 2 * p2 * y;
  const dyd_dx = dxd_dy;
  const dyd_dy = radial + 2 * y * y * dRadial + 6 * p1 * y + 2 * p2 * x;
  // d(u,v)/d(x,y)
  const du_dx = fx * dxd_dx + s * dyd_dx, du_dy = fx * dxd_dy + s * dyd_dy;
  const dv_dx = fy * dyd_dx, dv_dy = fy * dyd_dy;
  // d(x,y)/d(xc,yc,zc) = [iz 0 -x iz; 0 iz -y iz]
  dXc[0] = du_dx * iz; dXc[1] = du_dy * iz; dXc[2] = -(du_dx * x + du_dy * y) * iz;
  dXc[3] = dv_dx * iz; dXc[4] = dv_dy * iz; dXc[5] = -(dv_dx * x + dv_dy * y) * iz;
  if (dIntr) {
    const r4 = r2 * r2;
    // u = fx xd + s yd + cx, v = fy yd + cy
    dIntr[0] = xd; dIntr[1] = 0; dIntr[2] = 1; dIntr[3] = 0;
    dIntr[9] = 0; dIntr[10] = yd; dIntr[11] = 0; dIntr[12] = 1;
    const dxd = [x * r2, x * r4, 2 * x * y, r2 + 2 * x * x, x * r4 * r2];
    const dyd = [y * r2, y * r4, r2 + 2 * y * y, 2 * x * y, y * r4 * r2];
    for (let k = 0; k < 5; k++) {
      dIntr[4 + k] = fx * dxd[k] + s * dyd[k];
      dIntr[13 + k] = fy * dyd[k];
    }
  }
  return true;
}
