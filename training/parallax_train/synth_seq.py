"""Synthetic multi-view *windows*: a continuous CMU sequence at a random frame rate, one body (bone proportions and
detector definition offsets constant over the window), a static random rig in a random world frame, and detector
noise with the measured temporal structure (temporal_noise.py), views and joints coming and going.
"""
from __future__ import annotations

import numpy as np

from . import camera as cam
from .bank import augment_bones
from .noise import box_diag
from .sequences import TARGET, SeqBank, window_times
from .skeleton import J
from .synth import _frame_from_up, _roty, sample_rigs, world_transforms
from .temporal_noise import TemporalNoise


def _fill_times(rel, mask):
    """Empty slots take the nearest used slot's time (Δt = 0: they hold no information and are masked)."""
    t = rel.copy()
    B, T = t.shape
    for b in range(B):
        idx = np.nonzero(mask[b])[0]
        t[b, : idx[0]] = t[b, idx[0]]
        t[b, idx[-1] + 1:] = t[b, idx[-1]]
    return t


def sample_windows(rng, seqs: SeqBank, batch_size, n_views_min=2, n_views_max=8, noise: TemporalNoise | None = None,
                   world_p=0.5, p_unlevel=0.0, p_offline=0.5, fps_range=(15.0, 60.0)):
    """Returns kp2d (B,T,V,17,3) float32 (empty slots all 0), gt3d (B,T,17,3) world metres, times (B,T) seconds
    relative to the target (slot TARGET; empty slots hold their neighbour's time), slots (B,T) bool, fps (B,),
    offline (B,) bool, K, dist, R, t (B,V,...), width, height, view_mask (B,V), up (B,3)."""
    B = batch_size
    rel, slots, fps, offline = window_times(rng, B, fps_range, p_offline)
    times = _fill_times(rel, slots)
    poses = seqs.sample(rng, times)  # (B,T,17,3) y up
    T = poses.shape[1]
    bodies = np.stack([augment_bones(rng, poses[b], shared=True) for b in range(B)]).astype(float)
    rigs = sample_rigs(rng, B, n_views_min, n_views_max, p_unlevel=p_unlevel)
    M, c = world_transforms(rng, B, world_p)
    # Place the target frame's pelvis within the rig's radius, facing anywhere; the window moves with it.
    pel = 0.5 * (bodies[:, TARGET, J["left_hip"]] + bodies[:, TARGET, J["right_hip"]])
    pel[:, 1] = 0.0
    heading = _roty(rng.uniform(0, 2 * np.pi, B))
    r = rigs["radius"] * np.sqrt(rng.random(B))
    a = rng.uniform(0, 2 * np.pi, B)
    place = np.stack([r * np.cos(a), np.zeros(B), r * np.sin(a)], -1)
    body = np.einsum("bij,btnj->btni", heading, bodies - pel[:, None, None]) + place[:, None, None]
    Q = _frame_from_up(rigs["up"])
    gt = np.einsum("bij,btnj->btni", M, np.einsum("bij,btnj->btni", Q, body) + rigs["floor"][:, None, None])
    gt = gt + c[:, None, None]
    up = np.einsum("bij,bj->bi", M, rigs["up"])
    R, t = cam.transform_camera_world(rigs["R"], rigs["t"], M[:, None], c[:, None])
    V = R.shape[1]
    if noise is not None:
        local = noise.base.draw_local_offsets(rng, B)
        off = noise.base.definition_offsets(rng, gt.reshape(B * T, 17, 3), np.repeat(up, T, 0),
                                            local=np.repeat(local, T, 0)).reshape(B, T, 17, 3)
    else:
        off = np.zeros_like(gt)
    bc = lambda x: np.broadcast_to(x[:, None], (B, T) + x.shape[1:])  # noqa: E731  per-rig → per slot
    Kb, db, Rb, tb = bc(rigs["K"]), bc(rigs["dist"]), bc(R), bc(t)
    pts = np.broadcast_to((gt + off)[:, :, None], (B, T, V, 17, 3))
    uv, depth = cam.project_with_depth(Kb, db, Rb, tb, pts)
    visible = (depth > 0.05) & rigs["view_mask"][:, None, :, None]
    if noise is not None:
        clean, _ = cam.project_with_depth(Kb, db, Rb, tb, np.broadcast_to(gt[:, :, None], (B, T, V, 17, 3)))
        diag = box_diag(clean, visible)
        kp2d = noise.apply(rng, uv, visible, diag, rigs["width"], rigs["height"], rigs["view_mask"], times)
    else:
        ok = visible & np.isfinite(uv).all(-1)
        kp2d = np.concatenate([np.where(ok[..., None], uv, 0.0), ok[..., None].astype(float)], -1).astype(np.float32)
    kp2d = np.where(slots[:, :, None, None, None], kp2d, 0.0).astype(np.float32)
    f32 = np.float32
    return {
        "kp2d": kp2d, "gt3d": gt.astype(f32), "times": times.astype(f32), "slots": slots, "fps": fps,
        "offline": offline, "K": rigs["K"].astype(f32), "dist": rigs["dist"].astype(f32), "R": R.astype(f32),
        "t": t.astype(f32), "width": rigs["width"], "height": rigs["height"], "view_mask": rigs["view_mask"].copy(),
        "up": up.astype(f32),
    }
