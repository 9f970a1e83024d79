"""COCO-17 in Python (mirrors src/keypoints/coco17.ts) plus the body-frame helpers the readers share."""
from __future__ import annotations

import numpy as np

COCO17_NAMES = [
    "nose", "left_eye", "right_eye", "left_ear", "right_ear",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
]
J = {n: i for i, n in enumerate(COCO17_NAMES)}
COCO17_FLIP = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]
FACE = [0, 1, 2, 3, 4]

# Face points relative to the head pivot (top of the neck / start of the head segment), in the head's frame
# (left, up, forward), metres. From adult anthropometry (interpupillary ~64 mm, bitragion breadth ~145 mm,
# nose tip ~100 mm in front of the ear canal line, eyes ~75 mm in front of it); the pivot sits near ear height.
FACE_OFFSETS = {
    "nose": (0.0, -0.02, 0.10),
    "left_eye": (0.032, 0.01, 0.075),
    "right_eye": (-0.032, 0.01, 0.075),
    "left_ear": (0.072, -0.005, -0.005),
    "right_ear": (-0.072, -0.005, -0.005),
}


def place_face(pivot, left, up, fwd):
    """Face joints (T,5,3) in COCO order from a pivot (T,3) and head axes (T,3) each (unit, right-handed)."""
    off = np.array([FACE_OFFSETS[n] for n in COCO17_NAMES[:5]])  # (5,3)
    return (pivot[:, None, :] + off[None, :, 0:1] * left[:, None, :] + off[None, :, 1:2] * up[:, None, :]
            + off[None, :, 2:3] * fwd[:, None, :])


def normalize(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def facing(poses, up=(0.0, 1.0, 0.0)):
    """Body forward from the hips: cross(left_hip - right_hip, up), normalised (…,3).

    In any right-handed frame the body's left × up points forward; a mirrored body (an axis swap) flips it.
    """
    up = np.broadcast_to(np.asarray(up, float), poses[..., 0, :].shape)
    return normalize(np.cross(poses[..., J["left_hip"], :] - poses[..., J["right_hip"], :], up))


def floor_shift(foot_heights_min, pct=5.0, contact=0.02):
    """Height to subtract so the clip's low foot points sit about `contact` above y = 0."""
    return float(np.percentile(foot_heights_min, pct)) - contact
