"""The temporal lifter over a whole sequence of frame sets, as src/lifter/temporal.ts runs it (its reference for
the parity fixture and for Python-side evaluation): segments split where time jumps (gap > 0.5 s or time going
back, src/fusion/segments.ts), the window rule per target (sequences.select_window), no fallback.
"""
from __future__ import annotations

import numpy as np
import torch

from .features import compute_features
from .model_temporal import TemporalLifter

MAX_GAP_S = 0.5


def segments(times):
    starts = [0]
    for i in range(1, len(times)):
        if not (times[i] >= times[i - 1]) or times[i] - times[i - 1] > MAX_GAP_S:
            starts.append(i)
    ends = starts[1:] + [len(times)]
    return list(zip(starts, ends))


@torch.no_grad()
def lift_sequence(model: TemporalLifter, kp2d, K, dist, R, t, view_mask, times, offline: bool):
    """kp2d (N,V,17,3), cameras (V,...) fixed, view_mask (N,V), times (N,) → world (N,17,3) (NaN: no pose),
    log_err (N,17,2)."""
    from .sequences import select_window

    N, V = kp2d.shape[:2]
    rep = lambda a: np.broadcast_to(np.asarray(a, float), (N,) + np.shape(a))  # noqa: E731
    feat = compute_features(kp2d, rep(K), rep(dist), rep(R), rep(t), view_mask)
    f32 = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float32))  # noqa: E731
    pose_c, log_err, emb = model.encode(f32(feat.tokens), f32(feat.mask), f32(feat.base))
    world = feat.to_world(pose_c.numpy().astype(np.float64))
    ok = feat.ok & np.isfinite(world).all((-1, -2))
    out = np.full((N, 17, 3), np.nan)
    out_err = np.full((N, 17, 2), np.nan)
    times = np.asarray(times, float)
    for lo, hi in segments(times):
        for k in range(lo, hi):
            if not ok[k]:
                continue
            idx, npast = select_window(times[lo:hi], k - lo, offline)
            idx = [lo + i for i in idx]
            Q, A = feat.frame[k], feat.anchor[k]
            slot = ok[idx].astype(np.float32)
            ref = np.where(slot[:, None, None] > 0, np.einsum('ik,njk->nji', Q, world[idx] - A), 0.0)
            tp = ref[npast]
            p, e = model(emb[idx][None], f32(ref)[None], log_err[idx][None], f32(times[idx] - times[k])[None],
                         f32(slot)[None], f32(tp)[None], npast)
            out[k] = p[0].numpy().astype(np.float64) @ Q + A
            out_err[k] = e[0].numpy()
    return out, out_err
