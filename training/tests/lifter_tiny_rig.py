"""A deliberately tiny scene maker for the lifter's own tests and parity fixture (pinhole rigs, a jittered template
body). Training uses parallax_train.synth.sample_batch; this only has to produce valid, varied geometry."""
from __future__ import annotations

import numpy as np

# A standing COCO-17 body, metres, y up, facing +z.
TEMPLATE = np.array([
    [0.0, 1.62, 0.08], [0.03, 1.66, 0.06], [-0.03, 1.66, 0.06], [0.07, 1.64, 0.0], [-0.07, 1.64, 0.0],
    [0.19, 1.42, 0.0], [-0.19, 1.42, 0.0], [0.22, 1.12, 0.0], [-0.22, 1.12, 0.0], [0.24, 0.86, 0.05],
    [-0.24, 0.86, 0.05], [0.10, 0.95, 0.0], [-0.10, 0.95, 0.0], [0.11, 0.52, 0.02], [-0.11, 0.52, 0.02],
    [0.11, 0.08, -0.02], [-0.11, 0.08, -0.02],
])


def look_at(eye, target, up=(0.0, 1.0, 0.0)):
    z = np.asarray(target, float) - np.asarray(eye, float)
    z /= np.linalg.norm(z)
    x = np.cross(z, up)
    x /= np.linalg.norm(x)
    y = np.cross(z, x)
    R = np.stack([x, y, z])
    return R, -R @ np.asarray(eye, float)


def tiny_scene(rng: np.random.Generator, B: int, V: int, missing: float = 0.05, noise_px: float = 2.0,
               n_views_min: int | None = None):
    """Returns a dict shaped like sample_batch's: kp2d (B,V,17,3), gt3d, K, dist, R, t, width, height, view_mask."""
    W, H = 1280, 720
    gt = np.zeros((B, 17, 3))
    K = np.zeros((B, V, 3, 3))
    R = np.zeros((B, V, 3, 3))
    t = np.zeros((B, V, 3))
    kp = np.zeros((B, V, 17, 3))
    vm = np.zeros((B, V), dtype=bool)
    for b in range(B):
        yaw = rng.uniform(-np.pi, np.pi)
        c, s = np.cos(yaw), np.sin(yaw)
        Ry = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
        body = TEMPLATE + rng.normal(0, 0.04, TEMPLATE.shape)
        pos = np.array([rng.uniform(-1, 1), 0.0, rng.uniform(-1, 1)])
        gt[b] = body @ Ry.T + pos
        nv = V if n_views_min is None else rng.integers(n_views_min, V + 1)
        vm[b, :nv] = True
        for v in range(V):
            ang = rng.uniform(0, 2 * np.pi)
            rad = rng.uniform(2.5, 5.0)
            eye = np.array([rad * np.cos(ang), rng.uniform(0.5, 2.5), rad * np.sin(ang)])
            R[b, v], t[b, v] = look_at(eye, np.array([0.0, 1.0, 0.0]) + rng.normal(0, 0.2, 3))
            f = rng.uniform(700, 1200)
            K[b, v] = [[f, 0, (W - 1) / 2], [0, f, (H - 1) / 2], [0, 0, 1]]
            xc = gt[b] @ R[b, v].T + t[b, v]
            uv = xc[:, :2] / xc[:, 2:3] * f + np.array([(W - 1) / 2, (H - 1) / 2])
            kp[b, v, :, :2] = uv + rng.normal(0, noise_px, uv.shape)
            kp[b, v, :, 2] = rng.uniform(0.3, 1.0, 17) * (rng.random(17) > missing)
    return dict(kp2d=kp, gt3d=gt, K=K, dist=np.zeros((B, V, 5)), R=R, t=t,
                width=np.full((B, V), W), height=np.full((B, V), H), view_mask=vm)
