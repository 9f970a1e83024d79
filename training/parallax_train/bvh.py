"""BVH reader and forward kinematics (the gzipped CMU clips retargeted onto iClone's CC_Base body).

Units centimetres → ×0.01. The file's root (RL_BoneRoot) rotates the z-up rest skeleton into the y-up world.
Standard BVH FK: each joint's local rotation is the product of its rotation channels in the listed order
(Z Y X → Rz·Ry·Rx), G = G_parent · R_local, p = p_parent + G_parent · offset.
"""
from __future__ import annotations

import gzip

import numpy as np

from .asf import _rot
from .skeleton import J, normalize

CM = 0.01
COCO_FROM_CC = {
    "left_hip": "CC_Base_L_Thigh", "left_knee": "CC_Base_L_Calf", "left_ankle": "CC_Base_L_Foot",
    "right_hip": "CC_Base_R_Thigh", "right_knee": "CC_Base_R_Calf", "right_ankle": "CC_Base_R_Foot",
    "left_shoulder": "CC_Base_L_Upperarm", "left_elbow": "CC_Base_L_Forearm", "left_wrist": "CC_Base_L_Hand",
    "right_shoulder": "CC_Base_R_Upperarm", "right_elbow": "CC_Base_R_Forearm", "right_wrist": "CC_Base_R_Hand",
}


class BVH:
    def __init__(self, names, parents, offsets, channels, frames, frame_time):
        self.names, self.parents, self.offsets = names, parents, offsets
        self.channels, self.frames, self.frame_time = channels, frames, frame_time

    def index(self, name):
        return self.names.index(name)


def parse_bvh(text: str, step: int = 1, scale: float = CM) -> BVH:
    tok = text.split()
    names, parents, offsets, channels = [], [], [], []
    stack = []
    i = 0
    pending = None
    while tok[i] != "MOTION":
        t = tok[i]
        if t in ("ROOT", "JOINT"):
            pending = tok[i + 1]
            i += 2
        elif t == "End":
            pending = None  # end sites carry no channels; skip their block
            depth = 0
            i += 2
            while True:
                if tok[i] == "{":
                    depth += 1
                elif tok[i] == "}":
                    depth -= 1
                    if depth == 0:
                        i += 1
                        break
                i += 1
        elif t == "{":
            names.append(pending)
            parents.append(stack[-1] if stack else -1)
            offsets.append([0.0, 0.0, 0.0])
            channels.append([])
            stack.append(len(names) - 1)
            i += 1
        elif t == "}":
            stack.pop()
            i += 1
        elif t == "OFFSET":
            offsets[stack[-1]] = [float(v) for v in tok[i + 1: i + 4]]
            i += 4
        elif t == "CHANNELS":
            n = int(tok[i + 1])
            channels[stack[-1]] = [c.lower() for c in tok[i + 2: i + 2 + n]]
            i += 2 + n
        else:
            i += 1
    n_frames = int(tok[i + 2])
    frame_time = float(tok[i + 5])
    n_ch = sum(len(c) for c in channels)
    vals = np.array(tok[i + 6: i + 6 + n_frames * n_ch], dtype=np.float64).reshape(n_frames, n_ch)[::step]
    return BVH(names, np.array(parents), np.array(offsets) * scale, channels, vals, frame_time * step)


def read_bvh(path, step=1):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt") as f:
        return parse_bvh(f.read(), step)


def forward_kinematics(b: BVH, scale: float = CM):
    """Positions (T,n,3) metres and world rotations (T,n,3,3)."""
    T = b.frames.shape[0]
    n = len(b.names)
    P = np.zeros((T, n, 3))
    G = np.zeros((T, n, 3, 3))
    col = 0
    for j in range(n):
        R = np.broadcast_to(np.eye(3), (T, 3, 3))
        trans = np.zeros((T, 3))
        for c in b.channels[j]:
            v = b.frames[:, col]
            col += 1
            if c.endswith("position"):
                trans[:, "xyz".index(c[0])] = v * scale
            else:
                R = R @ _rot(c[0], np.deg2rad(v))
        p = b.parents[j]
        if p < 0:
            G[:, j] = R
            P[:, j] = b.offsets[j] + trans
        else:
            G[:, j] = G[:, p] @ R
            P[:, j] = P[:, p] + G[:, p] @ b.offsets[j] + trans
    return P, G


def to_coco17(b: BVH, P):
    T = P.shape[0]
    out = np.zeros((T, 17, 3))
    for name, jn in COCO_FROM_CC.items():
        out[:, J[name]] = P[:, b.index(jn)]
    le, re = P[:, b.index("CC_Base_L_Eye")], P[:, b.index("CC_Base_R_Eye")]
    head = P[:, b.index("CC_Base_Head")]
    neck = P[:, b.index("CC_Base_NeckTwist01")]
    left = normalize(le - re)
    up0 = normalize(head - neck)
    fwd = normalize(np.cross(left, up0))
    up = np.cross(fwd, left)
    from .skeleton import FACE_OFFSETS, place_face

    eye_off = np.array(FACE_OFFSETS["left_eye"])
    pivot = 0.5 * (le + re) - eye_off[1] * up - eye_off[2] * fwd
    out[:, :5] = place_face(pivot, left, up, fwd)
    out[:, 1], out[:, 2] = le, re  # the rig's own eyes
    toes = np.stack([P[:, b.index("CC_Base_L_ToeBase")], P[:, b.index("CC_Base_R_ToeBase")]], axis=1)
    return out, toes
