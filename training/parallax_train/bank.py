"""The pose bank: CMU clips → ~30 fps COCO-17 poses (metres, y up, floor y ≈ 0, hips centred in x/z), per split.

Cached in training/cache/bank_<split>.npz (git-ignored), built on demand or by `python training/make_bank.py`.
"""
from __future__ import annotations

import os
import time

import numpy as np

from . import cmu
from .skeleton import J

CACHE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cache"))
BANK_VERSION = 1
DEDUP_M = 0.02  # a pose is dropped when no joint moved more than this (hip-centred) since the last kept pose


def dedupe(joints, thresh=DEDUP_M):
    """Sequential near-duplicate removal within a clip; returns kept indices."""
    c = joints - 0.5 * (joints[:, J["left_hip"]] + joints[:, J["right_hip"]])[:, None]
    keep = [0]
    last = c[0]
    for i in range(1, len(c)):  # per frame of one clip (~1e4), cheap next to the parsing
        if np.max(np.linalg.norm(c[i] - last, axis=-1)) > thresh:
            keep.append(i)
            last = c[i]
    return np.array(keep)


def build_split(split, root=None, limit=None):
    poses, clip_idx, names = [], [], []
    for src, subj, name, joints, _ in cmu.split_clips(split, root=root, limit=limit):
        k = dedupe(joints)
        p = joints[k].copy()
        mid = 0.5 * (p[:, J["left_hip"]] + p[:, J["right_hip"]])
        p[..., 0] -= mid[:, None, 0]
        p[..., 2] -= mid[:, None, 2]
        poses.append(p.astype(np.float32))
        clip_idx.append(np.full(len(p), len(names), np.int32))
        names.append(f"{src}/{subj}/{name}")
    return np.concatenate(poses), np.concatenate(clip_idx), np.array(names)


def bank_path(split):
    return os.path.join(CACHE, f"bank_{split}.npz")


def build_all(splits=("train", "val", "bench"), verbose=True):
    os.makedirs(CACHE, exist_ok=True)
    for s in splits:
        t0 = time.time()
        poses, clip, names = build_split(s)
        np.savez_compressed(bank_path(s), poses=poses, clip=clip, clip_names=names, version=BANK_VERSION)
        if verbose:
            print(f"bank {s}: {len(poses)} poses from {len(names)} clips in {time.time() - t0:.1f} s")


def load_bank(split: str, with_meta: bool = False):
    """Poses (N,17,3) float32 for split in {"train","val","bench"}; builds the cache if missing or stale."""
    if split not in cmu.SPLITS:
        raise ValueError(f"unknown split {split!r}")
    path = bank_path(split)
    ok = os.path.exists(path)
    if ok:
        with np.load(path) as z:
            ok = int(z["version"]) == BANK_VERSION
    if not ok:
        build_all((split,))
    with np.load(path) as z:
        if with_meta:
            return z["poses"], z["clip"], z["clip_names"]
        return z["poses"]


# Per-segment scale ranges (log-uniform), wide on purpose: real bodies and other labs' joint definitions differ by
# 20–40% from the CMU skeletons (hip width, forearm, shoulder width: see ../shared/docs/lifter-notes.md).
BONE_RANGES = {
    "height": (0.85, 1.15),
    "hip_width": (0.75, 1.4),
    "thigh": (0.8, 1.2),
    "shank": (0.8, 1.2),
    "torso": (0.85, 1.2),
    "shoulder_width": (0.8, 1.2),
    "upper_arm": (0.8, 1.25),
    "forearm": (0.85, 1.4),
    "neck": (0.8, 1.25),
    "head": (0.9, 1.12),
}
ASYM = 0.03  # left/right differences, relative


def _logu(rng, lo, hi, n):
    return np.exp(rng.uniform(np.log(lo), np.log(hi), n)).astype(np.float32)


def augment_bones(rng, poses, ranges=BONE_RANGES, asym=ASYM, shared=False):
    """Exact per-bone rescale on the COCO-17 tree (pelvis → hips → knees → ankles, pelvis → neck → shoulders →
    elbows → wrists, neck → head pivot → face). Pelvis stays put; the lowest ankle keeps its height.
    shared: one body for all poses (a sequence), else one body per pose."""
    p = np.asarray(poses, np.float32)
    n = 1 if shared else p.shape[0]
    s = {k: _logu(rng, lo, hi, n)[:, None] for k, (lo, hi) in ranges.items()}
    side = lambda: (1 + rng.uniform(-asym, asym, (n, 1))).astype(np.float32)  # noqa: E731
    h = s["height"]
    out = np.empty_like(p)
    pel = 0.5 * (p[:, J["left_hip"]] + p[:, J["right_hip"]])
    neck = 0.5 * (p[:, J["left_shoulder"]] + p[:, J["right_shoulder"]])
    neck2 = pel + h * s["torso"] * (neck - pel)
    for sd in ("left", "right"):
        hip, knee, ank = J[f"{sd}_hip"], J[f"{sd}_knee"], J[f"{sd}_ankle"]
        out[:, hip] = pel + h * s["hip_width"] * side() * (p[:, hip] - pel)
        out[:, knee] = out[:, hip] + h * s["thigh"] * side() * (p[:, knee] - p[:, hip])
        out[:, ank] = out[:, knee] + h * s["shank"] * side() * (p[:, ank] - p[:, knee])
        sh, el, wr = J[f"{sd}_shoulder"], J[f"{sd}_elbow"], J[f"{sd}_wrist"]
        out[:, sh] = neck2 + h * s["shoulder_width"] * side() * (p[:, sh] - neck)
        out[:, el] = out[:, sh] + h * s["upper_arm"] * side() * (p[:, el] - p[:, sh])
        out[:, wr] = out[:, el] + h * s["forearm"] * side() * (p[:, wr] - p[:, el])
    piv = 0.5 * (p[:, J["left_ear"]] + p[:, J["right_ear"]])
    piv2 = neck2 + h * s["neck"] * (piv - neck)
    out[:, :5] = piv2[:, None] + (h * s["head"])[:, None] * (p[:, :5] - piv[:, None])
    ank = [J["left_ankle"], J["right_ankle"]]
    out[..., 1] += (p[:, ank, 1].min(1) - out[:, ank, 1].min(1))[:, None]
    return out
