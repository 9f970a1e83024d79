"""The shared CMU mocap parts as clips of world-space COCO-17 joints (metres, y up, floor at y ≈ 0).

Subject split (held out by person, never by clip; see training/README.md):
  train: ASF/AMC 01, 02; retargeted BVH 005, 006; the 8-action expmap clips (train/ and test/ folders: their
         subjects are not named, so none of them can be held out by subject)
  val:   ASF/AMC 03, 35, 49; retargeted BVH 007
  bench: CMU subject 86 (expmap .mat, 10 long mixed trials)
"""
from __future__ import annotations

import glob
import os

import numpy as np

from . import asf, bvh, expmap
from .skeleton import J, floor_shift

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "data", "cmu-mocap"))

SPLITS = {
    "train": {"asf": ["01", "02"], "bvh": ["005", "006"], "expmap": ["8action"]},
    "val": {"asf": ["03", "35", "49"], "bvh": ["007"], "expmap": []},
    "bench": {"asf": [], "bvh": [], "expmap": ["86"]},
}


def data_root():
    return os.environ.get("PARALLAX_CMU_ROOT", DEFAULT_ROOT)


def finish_clip(joints, toes):
    """Drop a leading T-pose, put the floor at y ≈ 0; returns float32 (T,17,3) and toes (T,2,3)."""
    if len(joints) > 1 and _is_tpose(joints[0]):
        joints, toes = joints[1:], toes[1:]
    low = np.minimum(np.min(joints[:, [J["left_ankle"], J["right_ankle"]], 1], axis=1), np.min(toes[..., 1], axis=1))
    h = floor_shift(low)
    joints = joints.copy()
    toes = toes.copy()
    joints[..., 1] -= h
    toes[..., 1] -= h
    return joints.astype(np.float32), toes.astype(np.float32)


def _is_tpose(p):
    arms_level = all(abs(p[J[w], 1] - p[J[s], 1]) < 0.12 for w, s in (("left_wrist", "left_shoulder"),
                                                                       ("right_wrist", "right_shoulder")))
    return arms_level and np.linalg.norm(p[J["left_wrist"]] - p[J["right_wrist"]]) > 1.1


def asf_clips(subject, step=4, root=None, limit=None):
    d = os.path.join(root or data_root(), "asf-amc", "subjects", subject)
    skel = asf.parse_asf(os.path.join(d, f"{subject}.asf"))
    for path in sorted(glob.glob(os.path.join(d, "*.amc")))[:limit]:
        fk = asf.forward_kinematics(skel, asf.parse_amc(path, skel, step))
        yield os.path.basename(path), *finish_clip(*asf.to_coco17(fk))


def bvh_clips(subject, step=2, root=None, limit=None):
    d = os.path.join(root or data_root(), "bvh-retargeted", "subjects", subject)
    for path in sorted(glob.glob(os.path.join(d, "*.bvh.gz")))[:limit]:
        b = bvh.read_bvh(path, step)
        P, _ = bvh.forward_kinematics(b)
        yield os.path.basename(path), *finish_clip(*bvh.to_coco17(b, P))


def expmap_clips(which, step=4, root=None, limit=None):
    base = os.path.join(root or data_root(), "expmap-8action")
    parent, offsets = expmap.load_skeleton(os.path.join(base, "skeleton_cmu38.json"))
    if which == "86":
        paths = sorted(glob.glob(os.path.join(base, "cmu_mocap", "subject_86", "expmap", "*.mat")))
        read = expmap.read_mat
    else:
        paths = sorted(glob.glob(os.path.join(base, "cmu_mocap", "t*", "*", "*.txt.gz")))
        read = expmap.read_txt
    for path in paths[:limit]:
        P, G = expmap.forward_kinematics(read(path, step), parent, offsets)
        name = os.path.relpath(path, base)
        yield name, *finish_clip(*expmap.to_coco17(P, G))


def split_clips(split, root=None, limit=None):
    """Yields (source, subject, clip name, joints (T,17,3) at ~30 fps, toes) for a split."""
    spec = SPLITS[split]
    for s in spec["asf"]:
        for name, j, t in asf_clips(s, root=root, limit=limit):
            yield "asf", s, name, j, t
    for s in spec["bvh"]:
        for name, j, t in bvh_clips(s, root=root, limit=limit):
            yield "bvh", s, name, j, t
    for s in spec["expmap"]:
        for name, j, t in expmap_clips(s, root=root, limit=limit):
            yield "expmap", s, name, j, t
