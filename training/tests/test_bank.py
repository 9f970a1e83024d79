"""Pose bank: split by subject, dedupe, bone-length augmentation."""
import numpy as np

from parallax_train import bank, cmu
from parallax_train.skeleton import J


def _len(p, a, b):
    return np.linalg.norm(p[:, J[a]] - p[:, J[b]], axis=-1)


def test_splits_are_disjoint_by_subject():
    seen = {}
    for split, spec in cmu.SPLITS.items():
        for src, subs in spec.items():
            for s in subs:
                assert (src, s) not in seen, (src, s, seen.get((src, s)))
                seen[(src, s)] = split
    assert set(cmu.SPLITS) == {"train", "val", "bench"}


def test_dedupe_drops_static_frames():
    p = np.zeros((10, 17, 3))
    p[:, :, 1] = np.linspace(0, 1, 17)
    p[5:, J["left_wrist"], 0] = np.arange(5) * 0.1  # moves only in the second half
    k = bank.dedupe(p)
    assert k.tolist() == [0, 6, 7, 8, 9]


def test_build_small_split():
    poses, clip, names = bank.build_split("val", limit=1)
    assert poses.dtype == np.float32 and poses.shape[1:] == (17, 3) and len(poses) > 50
    mid = 0.5 * (poses[:, J["left_hip"]] + poses[:, J["right_hip"]])
    assert np.abs(mid[:, [0, 2]]).max() < 1e-5
    assert len(names) == clip.max() + 1


def test_augment_bones(tiny_bank):
    rng = np.random.default_rng(0)
    p = np.repeat(tiny_bank[:20], 50, axis=0)
    a = bank.augment_bones(rng, p)
    assert a.shape == p.shape and a.dtype == np.float32 and np.isfinite(a).all()
    for x, y, key in (("left_elbow", "left_wrist", "forearm"), ("left_hip", "right_hip", "hip_width"),
                      ("left_knee", "left_ankle", "shank")):
        r = _len(a, x, y) / _len(p, x, y)
        lo, hi = bank.BONE_RANGES[key]
        h_lo, h_hi = bank.BONE_RANGES["height"]
        assert r.min() >= lo * h_lo * (1 - bank.ASYM) - 1e-4 and r.max() <= hi * h_hi * (1 + bank.ASYM) + 1e-4
        assert r.max() / r.min() > 1.3  # wide, as lifter-notes asks
    # joint angles are kept: the elbow's angle does not change
    def ang(q):
        u, v = q[:, J["left_shoulder"]] - q[:, J["left_elbow"]], q[:, J["left_wrist"]] - q[:, J["left_elbow"]]
        return np.sum(u * v, -1) / np.linalg.norm(u, axis=-1) / np.linalg.norm(v, axis=-1)
    np.testing.assert_allclose(ang(a), ang(p), atol=1e-4)
    ank = [J["left_ankle"], J["right_ankle"]]
    np.testing.assert_allclose(a[:, ank, 1].min(1), p[:, ank, 1].min(1), atol=1e-5)
