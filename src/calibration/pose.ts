/**
 * Board views as least-squares problems: residuals and analytic Jacobians of the reprojection of board corners
 * through the project's camera model, shared by planar PnP and intrinsics calibration; poses from homographies.
 */
import { pixelToNormalized, projectCameraPointJacobian, type Camera } from '../geometry/camera';
import { levenbergMarquardt } from '../geometry/lm';
import { orthonormalize, rodriguesPointJacobian, rodriguesToMatrix, matrixToRodrigues } from '../geometry/rotation';
import { findHomography } from './homography';

/** A rigid transform x' = R x + t (row-major R). */
export interface RigidPose {
  R: Float64Array;
  t: Float64Array;
}

/** Pose of a plane (z = 0 points) from a homography into normalised camera coordinates; board in front. */
export function poseFromNormalizedHomography(H: Float64Array): RigidPose {
  const n1 = Math.hypot(H[0], H[3], H[6]), n2 = Math.hypot(H[1], H[4], H[7]);
  let s = 2 / (n1 + n2);
  if (H[8] * s < 0) s = -s;
  const r1 = [H[0] * s, H[3] * s, H[6] * s], r2 = [H[1] * s, H[4] * s, H[7] * s];
  const r3 = [r1[1] * r2[2] - r1[2] * r2[1], r1[2] * r2[0] - r1[0] * r2[2], r1[0] * r2[1] - r1[1] * r2[0]];
  const M = new Float64Array([r1[0], r2[0], r3[0], r1[1], r2[1], r3[1], r1[2], r2[2], r3[2]]);
  return { R: orthonormalize(M), t: new Float64Array([H[2] * s, H[5] * s, H[8] * s]) };
}

/**
 * Residuals (and optionally Jacobian columns) of one view: pixels − project(K, dist, R(r)·X + t).
 * `jac(row, col, value)` receives the non-zero derivatives; columns 0–8 are the intrinsics
 * (fx fy cx cy k1 k2 p1 p2 k3), 9–11 the Rodrigues vector, 12–14 the translation.
 */
export function viewResiduals(
  K: Float64Array, dist: Float64Array, rvec: ArrayLike<number>, t: ArrayLike<number>,
  obj: Float64Array, pix: Float64Array, out: Float64Array, outOffset: number,
  jac?: (row: number, col: number, value: number) => void,
): void {
  const R = rodriguesToMatrix(rvec[0], rvec[1], rvec[2]);
  const n = pix.length / 2;
  const uv = new Float64Array(2), dX = new Float64Array(6), dI = new Float64Array(18), dR = new Float64Array(9);
  for (let k = 0; k < n; k++) {
    const X = obj[3 * k], Y = obj[3 * k + 1], Z = obj[3 * k + 2];
    const xc = R[0] * X + R[1] * Y + R[2] * Z + t[0];
    const yc = R[3] * X + R[4] * Y + R[5] * Z + t[1];
    const zc = R[6] * X + R[7] * Y + R[8] * Z + t[2];
    const row = outOffset + 2 * k;
    if (!projectCameraPointJacobian(K, dist, xc, yc, zc, uv, dX, jac ? dI : undefined)) {
      out[row] = out[row + 1] = 1e6; // behind the camera: a large, finite penalty keeps LM's bookkeeping sane
      continue;
    }
    out[row] = uv[0] - pix[2 * k];
    out[row + 1] = uv[1] - pix[2 * k + 1];
    if (!jac) continue;
    rodriguesPointJacobian(rvec[0], rvec[1], rvec[2], [X, Y, Z], dR);
    for (let a = 0; a < 2; a++) {
      for (let c = 0; c < 9; c++) jac(row + a, c, dI[a * 9 + c]);
      for (let c = 0; c < 3; c++) {
        jac(row + a, 9 + c, dX[a * 3] * dR[c] + dX[a * 3 + 1] * dR[3 + c] + dX[a * 3 + 2] * dR[6 + c]);
        jac(row + a, 12 + c, dX[a * 3 + c]);
      }
    }
  }
}

export interface PnPResult {
  pose: RigidPose;
  rms: number;
}

/** Board pose in a calibrated camera from its detected corners: homography seed, then LM on reprojection. */
export function solvePlanarPnP(cam: Camera, obj: Float64Array, pix: Float64Array): PnPResult | null {
  const n = pix.length / 2;
  const norm = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) if (!pixelToNormalized(cam, pix[2 * k], pix[2 * k + 1], norm, 2 * k)) return null;
  const H = findHomography(obj, 3, norm, n);
  if (!H) return null;
  const seed = poseFromNormalizedHomography(H);
  const r0 = matrixToRodrigues(seed.R);
  const res = levenbergMarquardt(
    {
      nParams: 6,
      nResiduals: 2 * n,
      residuals: (p, r) => viewResiduals(cam.K, cam.dist, p, p.subarray(3), obj, pix, r, 0),
      jacobian: (p, J) => {
        J.fill(0);
        viewResiduals(cam.K, cam.dist, p, p.subarray(3), obj, pix, new Float64Array(2 * n), 0, (row, col, v) => {
          if (col >= 9) J[row * 6 + col - 9] = v;
        });
      },
    },
    [r0[0], r0[1], r0[2], seed.t[0], seed.t[1], seed.t[2]],
    { maxIterations: 50, costTolerance: 1e-10 },
  );
  if (!Number.isFinite(res.rms)) return null;
  const p = res.params;
  return { pose: { R: rodriguesToMatrix(p[0], p[1], p[2]), t: Float64Array.from(p.subarray(3, 6)) }, rms: res.rms };
}
