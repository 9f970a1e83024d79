"""CMU 8-action expmap sequences (.txt.gz, 117 columns) and subject 86 (.mat, 96 columns) → COCO-17.

One fixed 38-joint skeleton (skeleton_cmu38.json, offsets in CMU ASF units × 70). FK follows the convention the
data were written for (row vectors, as the upstream forward_kinematics_cmu.py): p_i = o_i · G_parent + p_parent,
G_i = E(r_i) · G_parent, with E the Rodrigues matrix. The resulting frame is CMU's: y up, body left +x at rest,
facing +z; tests check knees and elbows bend the anatomical way and left × up = forward.
"""
from __future__ import annotations

import gzip
import json
import warnings

import numpy as np

from .asf import ASF_TO_METRES
from .checks import ReaderError, finite
from .skeleton import J, normalize, place_face

END_SITES = [6, 12, 19, 26, 28, 35, 37]
# COCO joint → cmu38 joint (positions); hips = femur starts, shoulders = humerus starts (clavicle ends).
COCO_FROM_38 = {
    "left_hip": 2, "left_knee": 3, "left_ankle": 4,
    "right_hip": 8, "right_knee": 9, "right_ankle": 10,
    "left_shoulder": 21, "left_elbow": 22, "left_wrist": 23,
    "right_shoulder": 30, "right_elbow": 31, "right_wrist": 32,
}
HEAD_PIVOT = 18  # upper neck end = head segment start; its rotation orients the head segment
TOES = (6, 12)


def load_skeleton(path):
    try:
        with open(path) as f:
            s = json.load(f)
        parent = np.array(s["parent"])
        raw = np.array(s["offset_x70"], dtype=np.float64)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ReaderError(f"{path}: {type(e).__name__}: {e}") from None
    if parent.shape != (38,) or raw.shape != (38, 3):
        raise ReaderError(f"{path}: parent must hold 38 indices and offset_x70 38 × 3 numbers (got {parent.shape}, {raw.shape})")
    if parent.dtype.kind not in "iu" or any(not (-1 <= p < i) for i, p in enumerate(parent.tolist())):
        raise ReaderError(f"{path}: parent: each joint's parent must be -1 or an earlier joint")
    offsets = finite(raw, f"{path}: offset_x70") / 70.0 * ASF_TO_METRES
    return parent, offsets


def rodrigues(r):
    """(T,3) axis-angle → (T,3,3), standard R = I + sinθ K + (1-cosθ) K²."""
    th = np.linalg.norm(r, axis=-1)
    k = r / np.where(th > 0, th, 1.0)[:, None]
    K = np.zeros(r.shape[:-1] + (3, 3))
    K[:, 0, 1], K[:, 0, 2], K[:, 1, 2] = -k[:, 2], k[:, 1], -k[:, 0]
    K = K - np.swapaxes(K, 1, 2)
    s, c = np.sin(th)[:, None, None], np.cos(th)[:, None, None]
    return np.eye(3) + s * K + (1 - c) * (K @ K)


def read_txt(path, step=1):
    try:
        # An empty file is reported below by its shape, not by numpy's warning.
        with gzip.open(path, "rt") as f, warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            data = np.loadtxt(f, delimiter=",", dtype=np.float64, ndmin=2)
    except (OSError, ValueError, EOFError, UnicodeDecodeError) as e:
        raise ReaderError(f"{path}: cannot read: {e}") from None
    if data.shape[0] < 2 or data.shape[1] != 117:
        raise ReaderError(f"{path}: expected a reference row and ≥ 1 frame of 117 values, got {data.shape[0]} rows × {data.shape[1]}")
    return finite(data, f"{path}: row, column ")[1::step]  # the first row is a reference pose


def read_mat(path, step=1):
    from scipy.io import loadmat

    try:
        x = np.asarray(loadmat(path)["expmapchannels"], dtype=np.float64)[::step]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ReaderError(f"{path}: cannot read expmapchannels: {type(e).__name__}: {e}") from None
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] != 96:
        raise ReaderError(f"{path}: expmapchannels must be frames × 96, got {x.shape}")
    x = finite(x, f"{path}: expmapchannels")
    full = np.zeros((x.shape[0], 117))
    full[:, :3] = x[:, :3]
    cols = [j for j in range(38) if j not in END_SITES]
    for k, j in enumerate(cols):
        full[:, 3 + 3 * j: 6 + 3 * j] = x[:, 3 + 3 * k: 6 + 3 * k]
    return full


def forward_kinematics(frames, parent, offsets):
    """frames (T,117) → positions (T,38,3) metres and row-convention rotations (T,38,3,3)."""
    T = frames.shape[0]
    P = np.zeros((T, 38, 3))
    G = np.zeros((T, 38, 3, 3))
    for i in range(38):
        E = rodrigues(frames[:, 3 + 3 * i: 6 + 3 * i])
        if parent[i] < 0:
            P[:, i] = offsets[i] + frames[:, :3] * ASF_TO_METRES
            G[:, i] = E
        else:
            p = parent[i]
            P[:, i] = np.einsum("j,tjk->tk", offsets[i], G[:, p]) + P[:, p]
            G[:, i] = E @ G[:, p]
    return P, G


def to_coco17(P, G):
    T = P.shape[0]
    out = np.zeros((T, 17, 3))
    for name, j in COCO_FROM_38.items():
        out[:, J[name]] = P[:, j]
    Gh = G[:, HEAD_PIVOT]  # row convention: local axis k in world is row k
    out[:, :5] = place_face(P[:, HEAD_PIVOT], normalize(Gh[:, 0]), normalize(Gh[:, 1]), normalize(Gh[:, 2]))
    toes = P[:, list(TOES)]
    return out, toes
