"""Rig-agnostic lifter inputs, the Python twin of src/lifter/features.ts (pinned by src/lifter/__fixtures__).

Every detected joint becomes a token built from its world ray and its camera's centre, expressed in a canonical
frame that depends only on the rig and the detections: origin at a robust anchor (the point closest to the torso
rays), z = "up" taken from the rig (the direction most nearly perpendicular to every camera's image-right axis,
signed by their mean image-up axis; see src/lifter/README.md), x = the horizontal direction from the first usable
camera to the anchor. Any rigid motion of the world frame moves the rays, centres, anchor and axes together, so the
canonical tokens do not change and the lifter's world output moves by exactly that motion.

All arrays are numpy, float64, with leading batch dims: kp2d (B,V,17,3) distorted pixels + score (score <= 0 or a
non-finite value = missing), K (B,V,3,3), dist (B,V,5), R (B,V,3,3), t (B,V,3), view_mask (B,V).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import camera  # the Python twin of src/geometry/camera.ts

NUM_JOINTS = 17
TORSO = (5, 6, 11, 12)  # shoulders and hips: the most reliable joints of every detector
N_FEATURES = 19
ANCHOR_ITERS = 10
ANCHOR_CAUCHY_M = 0.30
TRI_ITERS = 5
TRI_CAUCHY_M = 0.05
# det(M) / (trace(M)/3)^3 below this = rays too close to parallel (about 2 degrees for two rays).
MIN_CONDITION = 1e-3
UP_PRIOR = 0.05
# Right axes spread enough (second eigenvalue / views) to fix up on their own.
UP_SPREAD = 0.02
# When the right axes' answer is further than this from the mean image-up axis, the cameras are not level (all
# rolled a lot, the same way) and that answer can be off by up to 90°; the mean image-up axis is used instead.
UP_MAX_DEV_DEG = 60.0


@dataclass
class Features:
    tokens: np.ndarray  # (B,V,J,F) float64, zero where mask is 0
    mask: np.ndarray  # (B,V,J) float64 0/1: token usable
    base: np.ndarray  # (B,J,3) canonical-frame starting estimate (per-joint triangulation where possible)
    anchor: np.ndarray  # (B,3) world
    frame: np.ndarray  # (B,3,3) rows = canonical axes in world (x fwd, y left, z up)
    ok: np.ndarray  # (B,) bool: at least 2 usable views and a well-posed anchor

    def to_world(self, can: np.ndarray) -> np.ndarray:
        """Canonical (B,J,3) → world (B,J,3)."""
        return np.einsum('bji,bik->bjk', can, self.frame) + self.anchor[:, None, :]

    def to_canonical(self, world: np.ndarray) -> np.ndarray:
        return np.einsum('bik,bjk->bji', self.frame, world - self.anchor[:, None, :])


def _normalized(kp_xy: np.ndarray, K: np.ndarray, dist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distorted pixels (B,V,J,2) → ideal normalised coordinates (B,V,J,2) and an ok mask, by the one camera model."""
    return camera.pixel_to_normalized(K, dist, kp_xy)


def closest_point(d: np.ndarray, C: np.ndarray, w: np.ndarray, iters: int, c: float) -> tuple[np.ndarray, np.ndarray]:
    """IRLS least-squares point closest to rays (C + s d), Cauchy weights on point-to-ray distance.

    d, C: (..., N, 3), w: (..., N) prior weights (0 = unused). Returns (point (...,3), ok (...)).
    """
    eye = np.eye(3)
    P = eye - d[..., :, None] * d[..., None, :]  # (...,N,3,3) projectors orthogonal to each ray
    PC = np.einsum('...nij,...nj->...ni', P, C)
    wi = w.copy()
    X = np.zeros(d.shape[:-2] + (3,))
    ok = np.zeros(d.shape[:-2], dtype=bool)
    for it in range(iters + 1):
        M = np.einsum('...n,...nij->...ij', wi, P)
        b = np.einsum('...n,...ni->...i', wi, PC)
        tr = np.trace(M, axis1=-2, axis2=-1) / 3.0
        det = np.linalg.det(M)
        good = (tr > 1e-12) & (det > MIN_CONDITION * np.maximum(tr, 1e-12) ** 3)
        Msafe = np.where(good[..., None, None], M, eye)
        Xn = np.linalg.solve(Msafe, b[..., None])[..., 0]
        if it == 0:
            ok = good
        X = np.where(good[..., None], Xn, X)
        if it == iters:
            break
        r = np.einsum('...nij,...j->...ni', P, X) - PC  # (...,N,3): perpendicular offsets point − ray
        dist2 = np.sum(r * r, axis=-1)
        wi = w / (1.0 + dist2 / (c * c))
    return X, ok


def _unit(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(n, 1e-300), n[..., 0]


def compute_features(kp2d, K, dist, R, t, view_mask) -> Features:
    kp2d = np.asarray(kp2d, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    dist = np.asarray(dist, dtype=np.float64)
    R = np.asarray(R, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    vm = np.asarray(view_mask).astype(bool)
    B, V, J, _ = kp2d.shape

    xy = kp2d[..., :2]
    score = kp2d[..., 2]
    finite = np.isfinite(xy).all(-1) & np.isfinite(score)
    score = np.where(finite, np.clip(score, 0.0, 1.0), 0.0)
    xy = np.where(finite[..., None], xy, 0.0)
    norm, nok = _normalized(xy, K, dist)
    valid = vm[:, :, None] & (score > 0) & nok & np.isfinite(norm).all(-1)

    cam_dir = np.concatenate([norm, np.ones(norm.shape[:-1] + (1,))], axis=-1)
    cam_dir = np.where(valid[..., None], cam_dir, np.array([0.0, 0.0, 1.0]))
    d, _ = _unit(np.einsum('bvki,bvjk->bvji', R, cam_dir))  # Rᵀ · ray
    C = camera.camera_center(R, t)  # (B,V,3)
    w = np.where(valid, score, 0.0)

    view_used = valid.any(-1)  # (B,V)
    n_views = view_used.sum(-1)

    # Per-joint robust triangulation over the views that see it.
    dT = np.moveaxis(d, 1, 2)  # (B,J,V,3)
    CT = np.broadcast_to(C[:, None], (B, J, V, 3))
    wT = np.moveaxis(w, 1, 2)
    tri, tri_ok = closest_point(dT, CT, wT, TRI_ITERS, TRI_CAUCHY_M)
    tri_ok &= (valid.sum(1) >= 2)

    # Anchor: the mean of the triangulated torso joints; where none triangulates, the robust point closest to all
    # rays (a point closest to rays of different joints is biased, so it is only the fallback).
    torso = list(TORSO)
    tw = tri_ok[:, torso].astype(np.float64)
    A_t = np.einsum('bj,bji->bi', tw, tri[:, torso]) / np.maximum(tw.sum(1), 1.0)[:, None]
    Cj = np.broadcast_to(C[:, :, None, :], d.shape)
    A_a, ok_a = closest_point(d.reshape(B, -1, 3), Cj.reshape(B, -1, 3), w.reshape(B, -1),
                              ANCHOR_ITERS, ANCHOR_CAUCHY_M)
    has_t = tw.sum(1) > 0
    A = np.where(has_t[:, None], A_t, A_a)
    ok = (has_t | ok_a) & (n_views >= 2)

    # Up from the rig: cameras are mounted without roll, so every usable camera's image-right axis (row 0 of R) is
    # horizontal; up is the direction most orthogonal to all of them, even for cameras pitched down. A small pull
    # towards the mean image-up axis (−row 1) settles rigs whose right axes are parallel, and gives the sign.
    first = np.argmax(view_used, axis=1)  # first usable view (0 if none; then ok is False anyway)
    bi = np.arange(B)
    vu = view_used.astype(np.float64)
    xr, yr = R[:, :, 0, :], R[:, :, 1, :]
    S = np.einsum('bv,bvi,bvj->bij', vu, xr, xr)
    lam, vecs = np.linalg.eigh(S)
    prior = UP_PRIOR * (vu.sum(1)[:, None, None] * np.eye(3) - np.einsum('bv,bvi,bvj->bij', vu, yr, yr))
    _, vecs_p = np.linalg.eigh(S + prior)
    spread = lam[:, 1] > UP_SPREAD * vu.sum(1)
    up = np.where(spread[:, None], vecs[:, :, 0], vecs_p[:, :, 0])
    mean_up = -np.einsum('bv,bvi->bi', vu, yr)
    up = up * np.where(np.sum(up * mean_up, -1) < 0, -1.0, 1.0)[:, None]
    mu_n = np.linalg.norm(mean_up, axis=-1, keepdims=True)
    mean_dir = mean_up / np.maximum(mu_n, 1e-12)
    unlevel = (np.sum(up * mean_dir, -1) < np.cos(np.deg2rad(UP_MAX_DEV_DEG))) & (mu_n[:, 0] > 1e-9)
    up = np.where(unlevel[:, None], mean_dir, up)
    fwd = A - C[bi, first]
    fwd = fwd - np.sum(fwd * up, -1, keepdims=True) * up
    fwd_alt = R[bi, first, 2, :] - np.sum(R[bi, first, 2, :] * up, -1, keepdims=True) * up
    fwd = np.where((np.linalg.norm(fwd, axis=-1) > 1e-6)[:, None], fwd, fwd_alt)
    x_ax, _ = _unit(fwd)
    y_ax = np.cross(up, x_ax)
    Q = np.stack([x_ax, y_ax, up], axis=1)  # (B,3,3)

    rot = lambda v: np.einsum('bik,b...k->b...i', Q, v)  # noqa: E731  world vectors → canonical
    dq = rot(d)
    rel_c = C - A[:, None]
    cq, cn = _unit(rot(rel_c))
    log_c = np.log(np.maximum(cn, 1e-3))
    Cb = C[:, :, None, :]
    s_anchor = np.sum((A[:, None, None, :] - Cb) * d, -1, keepdims=True)
    p_anchor = rot(Cb + s_anchor * d - A[:, None, None, :])  # ray's closest point to the anchor
    tri_rel = tri - A[:, None]  # (B,J,3)
    triq = np.where(tri_ok[..., None], rot(tri_rel), 0.0)
    to_tri = tri[:, None] - Cb  # (B,V,J,3)
    perp = to_tri - np.sum(to_tri * d, -1, keepdims=True) * d  # ray → triangulated point
    perpq = np.where(tri_ok[:, None, :, None], rot(perp), 0.0)

    feats = np.concatenate([
        dq,
        np.broadcast_to(cq[:, :, None], dq.shape),
        np.broadcast_to(log_c[:, :, None, None], dq.shape[:-1] + (1,)),
        p_anchor,
        np.broadcast_to(triq[:, None], dq.shape),
        np.broadcast_to(tri_ok[:, None, :, None].astype(np.float64), dq.shape[:-1] + (1,)),
        perpq,
        score[..., None],
        np.ones(dq.shape[:-1] + (1,)),
    ], axis=-1)
    mask = (valid & ok[:, None, None]).astype(np.float64)
    feats = feats * mask[..., None]

    # Starting estimate: the triangulation, else the mean closest-to-anchor point of the rays, else the anchor.
    m = mask[..., None]
    cnt = m.sum(1)
    p_mean = (p_anchor * m).sum(1) / np.maximum(cnt, 1.0)
    base = np.where(tri_ok[..., None], triq, np.where(cnt > 0, p_mean, 0.0))
    base = base * ok[:, None, None]
    return Features(tokens=feats, mask=mask, base=base, anchor=A * ok[:, None], frame=Q, ok=ok)
