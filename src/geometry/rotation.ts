import type { Mat3 } from './linalg';

/** Rotation matrix (row-major) from a Rodrigues vector (axis × angle, radians). */
export function rodriguesToMatrix(rx: number, ry: number, rz: number, out: Mat3 = new Float64Array(9)): Mat3 {
  const theta = Math.hypot(rx, ry, rz);
  if (theta < 1e-12) {
    // First-order expansion keeps the map smooth through zero, which LM relies on.
    out[0] = 1; out[1] = -rz; out[2] = ry;
    out[3] = rz; out[4] = 1; out[5] = -rx;
    out[6] = -ry; out[7] = rx; out[8] = 1;
    return out;
  }
  const kx = rx / theta, ky = ry / theta, kz = rz / theta;
  const c = Math.cos(theta), s = Math.sin(theta), v = 1 - c;
  out[0] = c + kx * kx * v; out[1] = kx * ky * v - kz * s; out[2] = kx * kz * v + ky * s;
  out[3] = ky * kx * v + kz * s; out[4] = c + ky * ky * v; out[5] = ky * kz * v - kx * s;
  out[6] = kz * kx * v - ky * s; out[7] = kz * ky * v + kx * s; out[8] = c + kz * kz * v;
  return out;
}

/** Rodrigues vector of a rotation matrix; robust near 0 and π. */
export function matrixToRodrigues(R: Mat3, out: Float64Array = new Float64Array(3)): Float64Array {
  const cos = Math.min(1, Math.max(-1, (R[0] + R[4] + R[8] - 1) / 2));
  const theta = Math.acos(cos);
  if (theta < 1e-7) {
    out[0] = (R[7] - R[5]) / 2; out[1] = (R[2] - R[6]) / 2; out[2] = (R[3] - R[1]) / 2;
    return out;
  }
  if (Math.PI - theta < 1e-4) {
    // Near π the antisymmetric part vanishes: read the axis from the symmetric part's largest diagonal.
    const xx = (R[0] + 1) / 2, yy = (R[4] + 1) / 2, zz = (R[8] + 1) / 2;
    let ax: number, ay: number, az: number;
    if (xx >= yy && xx >= zz) {
      ax = Math.sqrt(Math.max(xx, 0)); ay = (R[1] + R[3]) / (4 * ax); az = (R[2] + R[6]) / (4 * ax);
    } else if (yy >= zz) {
      ay = Math.sqrt(Math.max(yy, 0)); ax = (R[1] + R[3]) / (4 * ay); az = (R[5] + R[7]) / (4 * ay);
    } else {
      az = Math.sqrt(Math.max(zz, 0)); ax = (R[2] + R[6]) / (4 * az); ay = (R[5] + R[7]) / (4 * az);
    }
    const n = Math.hypot(ax, ay, az);
    // Fix the sign with the (small) antisymmetric part so the result maps back to R.
    const sgn = ax * (R[7] - R[5]) + ay * (R[2] - R[6]) + az * (R[3] - R[1]) < 0 ? -1 : 1;
    out[0] = (sgn * theta * ax) / n; out[1] = (sgn * theta * ay) / n; out[2] = (sgn * theta * az) / n;
    return out;
  }
  const f = theta / (2 * Math.sin(theta));
  out[0] = (R[7] - R[5]) * f; out[1] = (R[2] - R[6]) * f; out[2] = (R[3] - R[1]) * f;
  return out;
}

/** Angle in radians between two rotations. */
export function rotationAngleBetween(A: Mat3, B: Mat3): number {
  // trace(Aᵀ B)
  let tr = 0;
  for (let i = 0; i < 9; i++) tr += A[i] * B[i];
  return Math.acos(Math.min(1, Math.max(-1, (tr - 1) / 2)));
}

/** Nearest rotation to an arbitrary 3x3 matrix, via polar decomposition iterations (enough for near-rotations). */
export function orthonormalize(M: Mat3, out: Mat3 = new Float64Array(9)): Mat3 {
  const X = Float64Array.from(M);
  const inv = new Float64Array(9);
  for (let it = 0; it < 30; it++) {
    // X ← (X + X⁻ᵀ) / 2 converges to the orthogonal polar factor.
    const [a, b, c, d, e, f, g, h, i] = X;
    const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    if (Math.abs(det) < 1e-300) break;
    // inverse transpose = cofactor / det
    inv[0] = (e * i - f * h) / det; inv[1] = (f * g - d * i) / det; inv[2] = (d * h - e * g) / det;
    inv[3] = (c * h - b * i) / det; inv[4] = (a * i - c * g) / det; inv[5] = (b * g - a * h) / det;
    inv[6] = (b * f - c * e) / det; inv[7] = (c * d - a * f) / det; inv[8] = (a * e - b * d) / det;
    let delta = 0;
    for (let k = 0; k < 9; k++) {
      const nx = (X[k] + inv[k]) / 2;
      delta += Math.abs(nx - X[k]);
      X[k] = nx;
    }
    if (delta < 1e-15) break;
  }
  out.set(X);
  return out;
}

/**
 * d(R(r)·X)/dr, 3x3 row-major, for a Rodrigues vector r: −R [X]× J_r(r), with J_r the right Jacobian of SO(3).
 * Lets LM problems parameterised by Rodrigues vectors use analytic Jacobians.
 */
export function rodriguesPointJacobian(rx: number, ry: number, rz: number, X: ArrayLike<number>, out: Float64Array = new Float64Array(9)): Float64Array {
  const R = rodriguesToMatrix(rx, ry, rz);
  const th2 = rx * rx + ry * ry + rz * rz;
  const th = Math.sqrt(th2);
  let a: number, b: number;
  if (th < 1e-6) {
    a = 0.5 - th2 / 24;
    b = 1 / 6 - th2 / 120;
  } else {
    a = (1 - Math.cos(th)) / th2;
    b = (th - Math.sin(th)) / (th2 * th);
  }
  // J_r = I − a [r]× + b [r]×²
  const S = [0, -rz, ry, rz, 0, -rx, -ry, rx, 0];
  const S2 = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) S2[i * 3 + j] = S[i * 3] * S[j] + S[i * 3 + 1] * S[3 + j] + S[i * 3 + 2] * S[6 + j];
  const Jr = new Float64Array(9);
  for (let k = 0; k < 9; k++) Jr[k] = (k % 4 === 0 ? 1 : 0) - a * S[k] + b * S2[k];
  const Xs = [0, -X[2], X[1], X[2], 0, -X[0], -X[1], X[0], 0];
  // M = [X]× J_r, out = −R M
  const M = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) M[i * 3 + j] = Xs[i * 3] * Jr[j] + Xs[i * 3 + 1] * Jr[3 + j] + Xs[i * 3 + 2] * Jr[6 + j];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[i * 3 + j] = -(R[i * 3] * M[j] + R[i * 3 + 1] * M[3 + j] + R[i * 3 + 2] * M[6 + j]);
  return out;
}
