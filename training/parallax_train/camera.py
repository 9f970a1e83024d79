"""Python twin of src/geometry/camera.ts: the one camera model (OpenCV pinhole + k1 k2 p1 p2 k3), batched.

    x_cam = R X + t;  (x, y) = (x_cam/z, y_cam/z);  r2 = x^2 + y^2
    x_d = x (1 + k1 r2 + k2 r2^2 + k3 r2^3) + 2 p1 x y + p2 (r2 + 2 x^2)
    y_d = y (1 + k1 r2 + k2 r2^2 + k3 r2^3) + p1 (r2 + 2 y^2) + 2 p2 x y
    u = fx x_d + s y_d + cx,  v = fy y_d + cy        (pixel centres at integer coordinates)

Shapes broadcast: K (...,3,3), dist (...,5), R (...,3,3), t (...,3), points (...,N,3), pixels (...,N,2).
The TS implementation is the reference; training/tests/test_camera.py pins the two with shared vectors.
"""
from __future__ import annotations

import numpy as np

EPS_Z = 1e-9


def _split_dist(dist):
    d = np.asarray(dist, dtype=np.float64)
    return [d[..., i, None] for i in range(5)]  # each (...,1) to broadcast over N points


def distort_normalized(dist, x, y):
    """(x, y) ideal normalised → distorted normalised. dist (...,5), x/y (...,N)."""
    k1, k2, p1, p2, k3 = _split_dist(dist)
    r2 = x * x + y * y
    radial = 1 + r2 * (k1 + r2 * (k2 + r2 * k3))
    xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x)
    yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y
    return xd, yd


def _distort_jacobian(dist, x, y):
    k1, k2, p1, p2, k3 = _split_dist(dist)
    r2 = x * x + y * y
    radial = 1 + r2 * (k1 + r2 * (k2 + r2 * k3))
    d_radial = k1 + 2 * k2 * r2 + 3 * k3 * r2 * r2
    j00 = radial + 2 * x * x * d_radial + 2 * p1 * y + 6 * p2 * x
    j01 = 2 * x * y * d_radial + 2 * p1 * x + 2 * p2 * y
    j11 = radial + 2 * y * y * d_radial + 6 * p1 * y + 2 * p2 * x
    return j00, j01, j01, j11


def to_camera(R, t, X):
    """World points (...,N,3) → camera coordinates (...,N,3)."""
    R = np.asarray(R, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    return np.einsum("...ij,...nj->...ni", R, np.asarray(X, dtype=np.float64)) + t[..., None, :]


def normalized_to_pixel(K, xd, yd):
    K = np.asarray(K, dtype=np.float64)
    u = K[..., 0, 0, None] * xd + K[..., 0, 1, None] * yd + K[..., 0, 2, None]
    v = K[..., 1, 1, None] * yd + K[..., 1, 2, None]
    return np.stack([u, v], axis=-1)


def project_with_depth(K, dist, R, t, X):
    """Returns (uv (...,N,2), depth (...,N)); uv is NaN where depth <= 1e-9 (behind the camera), as in TS."""
    xc = to_camera(R, t, X)
    z = xc[..., 2]
    front = z > EPS_Z
    zs = np.where(front, z, 1.0)
    xd, yd = distort_normalized(dist, xc[..., 0] / zs, xc[..., 1] / zs)
    uv = normalized_to_pixel(K, xd, yd)
    uv[~front] = np.nan
    return uv, z


def project(K, dist, R, t, X):
    """World points → distorted pixels (...,N,2); NaN behind the camera."""
    return project_with_depth(K, dist, R, t, X)[0]


def pixel_to_normalized(K, dist, uv, iters: int = 50):
    """Distorted pixels (...,N,2) → ideal normalised coords (...,N,2) and ok (...,N) bool.

    Same Newton iteration as the TS version (fixed-point start, damped steps, 50 iterations, stop at |e|^2 < 1e-26),
    run per element with converged elements frozen so both sides take identical steps.
    """
    K = np.asarray(K, dtype=np.float64)
    dist = np.asarray(dist, dtype=np.float64)
    uv = np.asarray(uv, dtype=np.float64)
    yd = (uv[..., 1] - K[..., 1, 2, None]) / K[..., 1, 1, None]
    xd = (uv[..., 0] - K[..., 0, 2, None] - K[..., 0, 1, None] * yd) / K[..., 0, 0, None]
    x, y = xd.copy(), yd.copy()
    no_dist = np.all(dist == 0, axis=-1)[..., None] & np.ones_like(x, dtype=bool)
    done = no_dist.copy()
    ok = no_dist.copy()
    with np.errstate(all="ignore"):
        for _ in range(iters):
            if done.all():
                break
            fx, fy = distort_normalized(dist, x, y)
            ex, ey = fx - xd, fy - yd
            conv = (ex * ex + ey * ey < 1e-26) & ~done
            ok |= conv
            done |= conv
            a, b, c, d = _distort_jacobian(dist, x, y)
            det = a * d - b * c
            good = np.abs(det) > 1e-12
            dets = np.where(good, det, 1.0)
            dx = np.where(good, (d * ex - b * ey) / dets, ex)
            dy = np.where(good, (-c * ex + a * ey) / dets, ey)
            step = np.hypot(dx, dy)
            lim = 0.25 * (1 + np.hypot(x, y))
            s = np.where(step > lim, lim / np.where(step > 0, step, 1.0), 1.0)
            upd = ~done
            x = np.where(upd, x - s * dx, x)
            y = np.where(upd, y - s * dy, y)
        fx, fy = distort_normalized(dist, x, y)
        late = ~done & (np.hypot(fx - xd, fy - yd) < 1e-9)
        ok |= late
    ok &= np.isfinite(x) & np.isfinite(y)
    return np.stack([x, y], axis=-1), ok


def undistort_pixel(K, dist, uv):
    """Distorted pixel → the pixel a distortion-free camera with the same K sees; returns (uv, ok)."""
    xy, ok = pixel_to_normalized(K, dist, uv)
    return normalized_to_pixel(K, xy[..., 0], xy[..., 1]), ok


def camera_center(R, t):
    """C = -R^T t, (...,3)."""
    return -np.einsum("...ji,...j->...i", np.asarray(R, np.float64), np.asarray(t, np.float64))


def pixel_ray(K, dist, R, uv):
    """Unit world-space ray directions (...,N,3) through distorted pixels, and ok (...,N)."""
    xy, ok = pixel_to_normalized(K, dist, uv)
    d = np.concatenate([xy, np.ones_like(xy[..., :1])], axis=-1)
    w = np.einsum("...ji,...nj->...ni", np.asarray(R, np.float64), d)
    return w / np.linalg.norm(w, axis=-1, keepdims=True), ok


def look_at(eye, target, up=(0.0, 1.0, 0.0)):
    """R (...,3,3), t (...,3) of a camera at eye looking at target with image-down as close to -up as possible.

    Same construction as lookAtCamera in camera.ts: z forward, x = z × up (image right), y = z × x (image down).
    """
    eye = np.asarray(eye, np.float64)
    target = np.asarray(target, np.float64)
    up = np.broadcast_to(np.asarray(up, np.float64), eye.shape)
    z = target - eye
    z = z / np.linalg.norm(z, axis=-1, keepdims=True)
    x = np.cross(z, up)
    nx = np.linalg.norm(x, axis=-1, keepdims=True)
    degenerate = nx[..., 0] < 1e-9
    x = np.where(degenerate[..., None], np.array([1.0, 0.0, 0.0]), x / np.where(nx < 1e-9, 1.0, nx))
    y = np.cross(z, x)
    R = np.stack([x, y, z], axis=-2)
    t = -np.einsum("...ij,...j->...i", R, eye)
    return R, t


def intrinsics_from_hfov(width, height, hfov_deg):
    """K (...,3,3) with square pixels and the principal point at the image centre ((w-1)/2, (h-1)/2)."""
    width = np.asarray(width, np.float64)
    height = np.asarray(height, np.float64)
    f = width / 2 / np.tan(np.deg2rad(np.asarray(hfov_deg, np.float64)) / 2)
    K = np.zeros(np.broadcast(width, f).shape + (3, 3))
    K[..., 0, 0] = f
    K[..., 1, 1] = f
    K[..., 0, 2] = (width - 1) / 2
    K[..., 1, 2] = (height - 1) / 2
    K[..., 2, 2] = 1
    return K


def transform_camera_world(R, t, M, c):
    """With new world X' = M X + c (M a rotation), the same physical camera: R' = R M^T, t' = t - R' c."""
    R2 = np.einsum("...ij,...kj->...ik", np.asarray(R, np.float64), np.asarray(M, np.float64))
    t2 = np.asarray(t, np.float64) - np.einsum("...ij,...j->...i", R2, np.asarray(c, np.float64))
    return R2, t2


def camera_to_json(name, width, height, K, dist, R, t):
    """The take/calibration file's nested-array camera (same layout as cameraToJSON)."""
    return {
        "name": name,
        "width": int(width),
        "height": int(height),
        "K": np.asarray(K, float).reshape(3, 3).tolist(),
        "dist": np.asarray(dist, float).reshape(5).tolist(),
        "R": np.asarray(R, float).reshape(3, 3).tolist(),
        "t": np.asarray(t, float).reshape(3).tolist(),
    }
