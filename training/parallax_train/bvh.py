"""BVH reader and forward kinematics (the gzipped CMU clips retargeted onto iClone's CC_Base body).

Units centimetres → ×0.01. The file's root (RL_BoneRoot) rotates the z-up rest skeleton into the y-up world.
Standard BVH FK: each joint's local rotation is the product of its rotation channels in the listed order
(Z Y X → Rz·Ry·Rx), G = G_parent · R_local, p = p_parent + G_parent · offset.
"""
from __future__ import annotations

import gzip

import numpy as np

from .asf import _rot
from .checks import ReaderError, count, finite, num
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


CHANNEL_NAMES = {f"{a}{k}" for a in "xyz" for k in ("position", "rotation")}


def parse_bvh(text: str, step: int = 1, scale: float = CM, source: str = "BVH") -> BVH:
    """Raises ReaderError naming `source` and the field for anything that is not a BVH this reader can use."""
    tok = text.split()
    if "MOTION" not in tok:
        raise ReaderError(f"{source}: no MOTION section")
    if not isinstance(step, int) or step < 1:
        raise ReaderError(f"{source}: step {step!r} must be a whole number ≥ 1")
    names, parents, offsets, channels = [], [], [], []
    stack = []
    i = 0
    pending = None
    try:
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
                    elif tok[i] == "MOTION":
                        raise ReaderError(f"{source}: End Site block not closed before MOTION")
                    i += 1
            elif t == "{":
                if pending is None:
                    raise ReaderError(f"{source}: '{{' without a ROOT or JOINT name (token {i})")
                names.append(pending)
                pending = None
                parents.append(stack[-1] if stack else -1)
                offsets.append([0.0, 0.0, 0.0])
                channels.append([])
                stack.append(len(names) - 1)
                i += 1
            elif t == "}":
                if not stack:
                    raise ReaderError(f"{source}: unbalanced '}}' (token {i})")
                stack.pop()
                i += 1
            elif t == "OFFSET":
                if not stack:
                    raise ReaderError(f"{source}: OFFSET outside a joint (token {i})")
                offsets[stack[-1]] = [num(v, f"{source}: {names[stack[-1]]} OFFSET") for v in tok[i + 1: i + 4]]
                if len(offsets[stack[-1]]) != 3:
                    raise ReaderError(f"{source}: {names[stack[-1]]} OFFSET needs 3 numbers")
                i += 4
            elif t == "CHANNELS":
                if not stack:
                    raise ReaderError(f"{source}: CHANNELS outside a joint (token {i})")
                j = stack[-1]
                n = count(tok[i + 1], f"{source}: {names[j]} CHANNELS", 0, 6)
                channels[j] = [c.lower() for c in tok[i + 2: i + 2 + n]]
                bad = [c for c in channels[j] if c not in CHANNEL_NAMES]
                if len(channels[j]) != n or bad:
                    raise ReaderError(f"{source}: {names[j]} CHANNELS: {bad or 'too few'} (expected Xposition … Zrotation)")
                i += 2 + n
            else:
                i += 1
    except IndexError:
        raise ReaderError(f"{source}: the HIERARCHY ends early (token {i})") from None
    if stack:
        raise ReaderError(f"{source}: {len(stack)} joint block(s) not closed before MOTION")
    if not names:
        raise ReaderError(f"{source}: no joints in HIERARCHY")
    if tok[i + 1: i + 2] != ["Frames:"] or tok[i + 3: i + 5] != ["Frame", "Time:"] or len(tok) < i + 6:
        raise ReaderError(f"{source}: MOTION must start with 'Frames: N' and 'Frame Time: T'")
    n_frames = count(tok[i + 2], f"{source}: Frames", 1, 10_000_000)
    frame_time = num(tok[i + 5], f"{source}: Frame Time")
    if not frame_time > 0:
        raise ReaderError(f"{source}: Frame Time {frame_time} must be > 0")
    n_ch = sum(len(c) for c in channels)
    body = tok[i + 6:]
    if len(body) != n_frames * n_ch:
        raise ReaderError(f"{source}: MOTION holds {len(body)} numbers; Frames {n_frames} × {n_ch} channels needs {n_frames * n_ch}")
    try:
        vals = np.array(body, dtype=np.float64).reshape(n_frames, n_ch)[::step]
    except ValueError as e:
        raise ReaderError(f"{source}: MOTION: {e}") from None
    vals = finite(vals, f"{source}: MOTION frame, channel ")
    return BVH(names, np.array(parents), np.array(offsets) * scale, channels, vals, frame_time * step)


def read_bvh(path, step=1):
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rt") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError, EOFError) as e:
        raise ReaderError(f"{path}: cannot read: {e}") from None
    return parse_bvh(text, step, source=str(path))


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
