"""Synthetic multi-view samples: random (or given) rigs, real mocap bodies placed in them, detector noise.

All batched numpy. Camera arrays follow camera.py / camera.ts: x_cam = R X + t, OpenCV pixels, dist k1 k2 p1 p2 k3.
"""
from __future__ import annotations

import numpy as np

from . import camera as cam
from .bank import augment_bones
from .noise import NoiseModel, box_diag, finalize
from .skeleton import normalize

IMAGE_SIZES = np.array([  # (w, h), weight: webcams, phones, 4K; landscape, portrait, square
    (640, 480, 1.0), (1280, 720, 2.0), (1920, 1080, 2.0), (3840, 2160, 0.7), (720, 1280, 0.8),
    (1080, 1920, 0.8), (720, 720, 0.4), (1080, 1080, 0.4), (960, 540, 0.6), (1024, 768, 0.4),
])
RIG_KINDS = ("ring", "corners", "desk", "mixed")
RIG_P = np.array([0.35, 0.2, 0.15, 0.3])
FIT_HALF_HEIGHT = 1.15  # metres of body half-extent a camera is usually made to see


def _rotz(a):
    c, s = np.cos(a), np.sin(a)
    R = np.zeros(a.shape + (3, 3))
    R[..., 0, 0], R[..., 0, 1], R[..., 1, 0], R[..., 1, 1], R[..., 2, 2] = c, -s, s, c, 1
    return R


def _roty(a):
    c, s = np.cos(a), np.sin(a)
    R = np.zeros(a.shape + (3, 3))
    R[..., 0, 0], R[..., 0, 2], R[..., 2, 0], R[..., 2, 2], R[..., 1, 1] = c, s, -s, c, 1
    return R


def random_rotations(rng, n):
    """Uniform rotations (n,3,3) from unit quaternions."""
    q = normalize(rng.standard_normal((n, 4)))
    w, x, y, z = q.T
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], -1),
        np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], -1),
        np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], -1),
    ], -2)


def _distortion(rng, shape, K, width, height):
    B, V = shape
    d = np.zeros((B, V, 5))
    on = rng.random((B, V)) < 0.7
    d[..., 0] = rng.uniform(-0.25, 0.08, (B, V))
    d[..., 1] = rng.uniform(-0.05, 0.08, (B, V))
    d[..., 2:4] = rng.normal(0, 0.0008, (B, V, 2))
    d[~on] = 0
    # Keep the lens monotonic out to the image corners (a real calibration would be).
    rx = np.maximum(K[..., 0, 2], width - K[..., 0, 2]) / K[..., 0, 0]
    ry = np.maximum(K[..., 1, 2], height - K[..., 1, 2]) / K[..., 1, 1]
    r2 = rx * rx + ry * ry
    deriv = 1 + 3 * d[..., 0] * r2 + 5 * d[..., 1] * r2 * r2
    d[deriv < 0.3] = 0
    return d


def sample_rigs(rng, n, n_views_min=2, n_views_max=8, kinds=None, p_unlevel=0.0):
    """n random rigs of n_views_min..n_views_max cameras, padded to n_views_max with view_mask.

    Cameras roll N(0, 2°) about their optical axes; a fraction p_unlevel of rigs are not level: every camera rolled
    the same way by U(10°, 45°) (± 4° each), as when all are clamped to a sloping shelf or hand-mounted. Their rig-up
    estimate (features.py) is then tilted, and the lifter and its error heads must learn what that looks like.

    Returns dict: K (B,V,3,3), dist (B,V,5), R (B,V,3,3), t (B,V,3), width/height (B,V), view_mask (B,V) bool,
    up (B,3) gravity up (world), floor (B,3) a floor point under the volume centre, radius (B,) body placement
    radius, kind (B,) index into RIG_KINDS. World: metres, y up, floor y = 0.
    """
    B, V = n, n_views_max
    nv = rng.integers(n_views_min, n_views_max + 1, B)
    view_mask = np.arange(V)[None] < nv[:, None]
    kind = rng.choice(len(RIG_KINDS), size=B, p=RIG_P) if kinds is None else np.asarray(kinds)
    k = kind[:, None]
    # heights / distances per kind
    h = np.select([k == 0, k == 1, k == 2], [rng.uniform(1.0, 2.2, (B, V)), rng.uniform(2.0, 3.0, (B, V)),
                                             rng.uniform(0.5, 1.1, (B, V))], rng.uniform(0.5, 3.0, (B, V)))
    d = np.select([k == 0, k == 1, k == 2], [rng.uniform(2.0, 6.0, (B, V)), rng.uniform(2.5, 7.0, (B, V)),
                                             rng.uniform(1.0, 3.0, (B, V))], rng.uniform(1.0, 8.0, (B, V)))
    # azimuths: ring evenly spread (sometimes on an arc), corners at 45°+90°k, desk on a narrow arc, mixed random
    idx = np.arange(V)[None]
    base = rng.uniform(0, 2 * np.pi, (B, 1))
    arc = np.where(rng.random((B, 1)) < 0.3, rng.uniform(np.pi / 2, 1.5 * np.pi, (B, 1)), 2 * np.pi)
    ring = base + arc * idx / np.maximum(nv[:, None] - (arc < 2 * np.pi), 1) + rng.normal(0, 0.15, (B, V))
    corners = base + np.pi / 4 + np.pi / 2 * idx + rng.normal(0, 0.12, (B, V)) + (idx >= 4) * np.pi / 4
    desk = base + rng.uniform(np.deg2rad(20), np.deg2rad(120), (B, 1)) * (idx / np.maximum(nv[:, None] - 1, 1) - 0.5)
    az = np.select([k == 0, k == 1, k == 2], [ring, corners, desk], rng.uniform(0, 2 * np.pi, (B, V)))
    # intrinsics
    w_ = IMAGE_SIZES[:, 2] / IMAGE_SIZES[:, 2].sum()
    same = rng.random(B) < 0.5  # one camera model for the whole rig half the time
    si = rng.choice(len(IMAGE_SIZES), size=(B, V), p=w_)
    si = np.where(same[:, None], si[:, :1], si)
    width, height = IMAGE_SIZES[si, 0], IMAGE_SIZES[si, 1]
    hfov = rng.uniform(25, 75, (B, V))
    hfov = np.where(same[:, None], hfov[:, :1], hfov)
    f = width / 2 / np.tan(np.deg2rad(hfov) / 2)
    # Usually move the camera back far enough to see the whole body (people frame their shots); not always.
    vhalf = np.arctan(height / 2 / f)
    d_fit = FIT_HALF_HEIGHT / np.tan(vhalf) * 1.05
    fit = rng.random((B, V)) < 0.85
    d = np.where(fit, np.maximum(d, np.minimum(d_fit, 8.0)), d)
    K = np.zeros((B, V, 3, 3))
    K[..., 0, 0] = f
    K[..., 1, 1] = f * (1 + rng.normal(0, 0.003, (B, V)))
    K[..., 0, 2] = (width - 1) / 2 + rng.uniform(-0.04, 0.04, (B, V)) * width
    K[..., 1, 2] = (height - 1) / 2 + rng.uniform(-0.04, 0.04, (B, V)) * height
    K[..., 2, 2] = 1
    dist = _distortion(rng, (B, V), K, width, height)
    eye = np.stack([d * np.sin(az), h, d * np.cos(az)], -1)
    target = np.stack([rng.normal(0, 0.2, (B, V)), rng.uniform(0.7, 1.2, (B, V)), rng.normal(0, 0.2, (B, V))], -1)
    R, t = cam.look_at(eye, target)
    roll = rng.normal(0, np.deg2rad(2.0), (B, V))
    if p_unlevel > 0:  # (no draws otherwise, so level-only batches stay the same for a seed)
        unlevel = rng.random(B) < p_unlevel
        common = np.deg2rad(rng.uniform(10, 45, B)) * rng.choice([-1.0, 1.0], B)
        roll = np.where(unlevel[:, None], common[:, None] + rng.normal(0, np.deg2rad(4.0), (B, V)), roll)
    R = _rotz(roll) @ R
    t = np.einsum("bvij,bvj->bvi", R, -eye)
    radius = np.clip(0.35 * np.min(np.where(view_mask, d, np.inf), 1), 0.2, 1.0)
    return {
        "K": K, "dist": dist, "R": R, "t": t, "width": width.astype(np.int32), "height": height.astype(np.int32),
        "view_mask": view_mask, "up": np.tile([0.0, 1.0, 0.0], (B, 1)), "floor": np.zeros((B, 3)),
        "radius": radius, "kind": kind,
    }


def rig_from_cameras(K, dist, R, t, width, height, up=None, floor=None, radius=0.5):
    """"Exactly this rig": one rig (B=1) from V cameras in any world frame.

    up: gravity up in the rig's world; if None, estimated from the cameras' mean image-up direction (cameras are
    nearly always mounted level). floor: a floor point under the volume centre; if None, the point nearest all optical
    axes dropped 1.0 m along -up (the usual aim point is a person's middle).
    """
    K, dist, R, t = (np.asarray(a, float) for a in (K, dist, R, t))
    V = K.shape[0]
    if up is None:
        up = normalize(-R[:, 1, :].mean(0))  # camera y is image-down; its world direction is row 1 of R
    up = normalize(np.asarray(up, float))
    if floor is None:
        C = cam.camera_center(R, t)
        a = normalize(R[:, 2, :])
        P = np.eye(3)[None] - a[:, :, None] * a[:, None, :]
        centre = np.linalg.solve(P.sum(0) + 1e-9 * np.eye(3), np.einsum("vij,vj->i", P, C))
        floor = centre - 1.0 * up
    return {
        "K": K[None], "dist": dist[None], "R": R[None], "t": t[None],
        "width": np.asarray(width, np.int32).reshape(1, V), "height": np.asarray(height, np.int32).reshape(1, V),
        "view_mask": np.ones((1, V), bool), "up": up[None], "floor": np.asarray(floor, float)[None],
        "radius": np.array([float(radius)]), "kind": np.array([-1]),
    }


def _take_rigs(rigs, idx):
    return {k: v[idx] for k, v in rigs.items()}


def _frame_from_up(up):
    """Rotations (B,3,3) taking the bank's y-up frame to one whose y axis is `up`."""
    up = normalize(up)
    ref = np.where(np.abs(up[:, :1]) < 0.9, [[1.0, 0, 0]], [[0, 0, 1.0]])
    x = normalize(np.cross(up, np.cross(ref, up)))
    z = np.cross(x, up)
    return np.stack([x, up, z], -1)  # columns: images of bank x, y, z


def world_transforms(rng, n, p=0.5, offset=5.0):
    """Random rigid world changes (M (n,3,3), c (n,3)): identity for 1-p of them; otherwise z-up-like frames
    (y → z, random yaw), arbitrary rotations (upside-down included), each with an origin offset up to ±offset m."""
    M = np.broadcast_to(np.eye(3), (n, 3, 3)).copy()
    c = np.zeros((n, 3))
    sel = rng.random(n) < p
    k = int(sel.sum())
    if k:
        yaw = _roty(rng.uniform(0, 2 * np.pi, k))
        zup = np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]]) @ yaw
        Ms = np.where((rng.random(k) < 0.5)[:, None, None], zup, random_rotations(rng, k))
        M[sel] = Ms
        c[sel] = rng.uniform(-offset, offset, (k, 3))
    return M, c


def sample_batch(rng, bank, batch_size, n_views_min=2, n_views_max=8, noise: NoiseModel | None = None, rigs=None,
                 augment=True, world_p=0.5, poses=None, p_unlevel=0.0, p_inconsistent=0.0,
                 p_precise=0.0):
    """One batch of synthetic multi-view samples.

    bank: (N,17,3) y-up poses (load_bank). rigs: from sample_rigs / rig_from_cameras (B=1 is broadcast), or None for
    random rigs. noise: NoiseModel, or None for exact projections (score 1). poses: optional (B,17,3) to use instead
    of drawing from the bank (e.g. consecutive frames for a take). p_unlevel: see sample_rigs. p_inconsistent: the
    fraction of samples whose views do not agree: every view but the first sees another body of the batch (its own
    pose and place), as when calibration and detections come from different sessions or each view tracks someone
    else. Their gt3d is the first view's body; such a sample has no right answer, only an error for the heads to learn.
    p_precise: the fraction of samples from a more precise detector than the noise model's (all spreads × U(0.1,
    0.5)), so that the lifter does not learn to expect MoveNet-sized errors everywhere.
    Returns kp2d (B,V,17,3) float32 [x, y, score] in distorted pixels (score 0 = missing, x = y = 0), gt3d (B,17,3)
    float32 world metres, K, dist, R, t (float32), width, height (int32), view_mask (B,V) bool, up (B,3) gravity-up
    in the sample's world frame, inconsistent (B,) bool.
    """
    B = batch_size
    if rigs is None:
        rigs = sample_rigs(rng, B, n_views_min, n_views_max, p_unlevel=p_unlevel)
        world = world_transforms(rng, B, world_p)
    else:
        nb = rigs["K"].shape[0]
        rigs = _take_rigs(rigs, np.arange(B) % nb if nb > 1 else np.zeros(B, int))
        world = (np.broadcast_to(np.eye(3), (B, 3, 3)), np.zeros((B, 3)))  # a given rig keeps its frame
    if poses is None:
        poses = bank[rng.integers(len(bank), size=B)]
        if augment:
            poses = augment_bones(rng, poses)
        heading = rng.uniform(0, 2 * np.pi, B)
        r = rigs["radius"] * np.sqrt(rng.random(B))
        a = rng.uniform(0, 2 * np.pi, B)
        shift = np.stack([r * np.cos(a), np.zeros(B), r * np.sin(a)], -1)
    else:
        heading = np.zeros(B)
        shift = np.zeros((B, 3))
    body = np.einsum("bij,bnj->bni", _roty(heading), np.asarray(poses, float)) + shift[:, None]
    Q = _frame_from_up(rigs["up"])
    M, c = world

    def to_world(x):  # (B,17,3) bodies in each sample's rig frame → that sample's world
        return np.einsum("bij,bnj->bni", M, np.einsum("bij,bnj->bni", Q, x) + rigs["floor"][:, None]) + c[:, None]

    gt = to_world(body)
    up = np.einsum("bij,bj->bi", M, rigs["up"])
    R, t = cam.transform_camera_world(rigs["R"], rigs["t"], M[:, None], c[:, None])
    offsets = noise.definition_offsets(rng, gt, up) if noise is not None else np.zeros_like(gt)
    V = R.shape[1]
    seen = np.broadcast_to(gt[:, None], (B, V, 17, 3))  # the body each view sees
    inconsistent = rng.random(B) < p_inconsistent if p_inconsistent > 0 else np.zeros(B, bool)
    if inconsistent.any():
        seen = seen.copy()
        for v in range(1, V):
            other = np.where(inconsistent, rng.permutation(B), np.arange(B))
            seen[:, v] = to_world(body[other])  # another sample's body and place, in this sample's rig
    pts = seen + offsets[:, None]
    uv, depth = cam.project_with_depth(rigs["K"], rigs["dist"], R, t, pts)
    visible = (depth > 0.05) & rigs["view_mask"][..., None]
    if noise is not None:
        clean_uv, _ = cam.project_with_depth(rigs["K"], rigs["dist"], R, t, seen)
        diag = box_diag(clean_uv, visible)
        vs = None
        if p_precise > 0:
            vs = np.exp(noise.params.get("view_sigma_logsd", 0.0) * rng.standard_normal((B, V)))
            vs *= np.where(rng.random(B) < p_precise, rng.uniform(0.1, 0.5, B), 1.0)[:, None]
        kp2d = noise.apply(rng, uv, visible, rigs["width"], rigs["height"], rigs["view_mask"], diag=diag,
                           view_scale=vs)
    else:
        kp2d = finalize(rng, uv, np.ones(visible.shape), visible, rigs["width"], rigs["height"], rigs["view_mask"],
                        {"miss": 1.0, "score": [0.0, 0.0]})
    f32 = np.float32
    return {
        "kp2d": kp2d, "gt3d": gt.astype(f32), "K": rigs["K"].astype(f32), "dist": rigs["dist"].astype(f32),
        "R": R.astype(f32), "t": t.astype(f32), "width": rigs["width"].astype(np.int32),
        "height": rigs["height"].astype(np.int32), "view_mask": rigs["view_mask"].copy(), "up": up.astype(f32),
        "inconsistent": inconsistent,
    }
