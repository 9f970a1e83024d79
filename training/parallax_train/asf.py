"""Acclaim ASF/AMC reader and forward kinematics (CMU original files).

Units: ASF `length 0.45` in inches, so lengths and root translation × (1/0.45)·0.0254 = 0.056444 give metres.
Angles in degrees. Frame: CMU's capture frame, y up, the rest pose faces +z with the body's left at +x (right-handed:
left × up = forward). Bone rotation in world: G = G_parent · C · M · C⁻¹ with C the bone's `axis` (Euler XYZ, i.e.
C = Rz Ry Rx) and M the AMC dof rotation (also Rz Ry Rx over the dofs present).
"""
from __future__ import annotations

import gzip
from dataclasses import dataclass, field

import numpy as np

from .skeleton import J, normalize, place_face

ASF_TO_METRES = 0.0254 / 0.45


def _rot(axis: str, a):
    a = np.asarray(a, np.float64)
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    if axis == "x":
        m = [[o, z, z], [z, c, -s], [z, s, c]]
    elif axis == "y":
        m = [[c, z, s], [z, o, z], [-s, z, c]]
    else:
        m = [[c, -s, z], [s, c, z], [z, z, o]]
    return np.moveaxis(np.array(m), (0, 1), (-2, -1))


def euler_xyz_deg(rx, ry, rz):
    """R = Rz · Ry · Rx (rotate about x first), angles in degrees, batched."""
    return _rot("z", np.deg2rad(rz)) @ _rot("y", np.deg2rad(ry)) @ _rot("x", np.deg2rad(rx))


@dataclass
class Bone:
    name: str
    direction: np.ndarray
    length: float
    axis: np.ndarray  # degrees, XYZ order
    dof: list = field(default_factory=list)
    parent: str = "root"


@dataclass
class Skeleton:
    bones: dict
    order: list  # bones in topological order
    length_scale: float  # ASF units → metres
    root_order: list


def _open(path):
    return gzip.open(path, "rt") if str(path).endswith(".gz") else open(path, "r", newline=None)


def parse_asf(path) -> Skeleton:
    with _open(path) as f:
        lines = [ln.strip() for ln in f.read().splitlines()]
    bones: dict = {}
    length_unit = 1.0
    root_order = ["tx", "ty", "tz", "rx", "ry", "rz"]
    i = 0
    section = None
    cur = None
    children: dict = {}
    while i < len(lines):
        ln = lines[i]
        i += 1
        if not ln or ln.startswith("#"):
            continue
        if ln.startswith(":"):
            section = ln.split()[0][1:]
            continue
        tok = ln.split()
        if section == "units" and tok[0] == "length":
            length_unit = float(tok[1])
        elif section == "root" and tok[0] == "order":
            root_order = [t.lower() for t in tok[1:]]
        elif section == "bonedata":
            if tok[0] == "begin":
                cur = {"dof": []}
            elif tok[0] == "end":
                b = Bone(cur["name"], np.array(cur["direction"]), cur["length"], np.array(cur["axis"]), cur["dof"])
                bones[b.name] = b
            elif tok[0] == "name":
                cur["name"] = tok[1]
            elif tok[0] == "direction":
                cur["direction"] = [float(v) for v in tok[1:4]]
            elif tok[0] == "length":
                cur["length"] = float(tok[1])
            elif tok[0] == "axis":
                if tok[4].upper() != "XYZ":
                    raise ValueError(f"{path}: axis order {tok[4]} not supported")
                cur["axis"] = [float(v) for v in tok[1:4]]
            elif tok[0] == "dof":
                cur["dof"] = [t.lower() for t in tok[1:]]
        elif section == "hierarchy":
            if tok[0] in ("begin", "end"):
                continue
            children[tok[0]] = tok[1:]
    order = []
    stack = ["root"]
    while stack:
        p = stack.pop(0)
        for c in children.get(p, []):
            bones[c].parent = p
            order.append(c)
            stack.append(c)
    # ASF `length` is "units per inch"-style: lengths/unit give inches.
    return Skeleton(bones, order, (1.0 / length_unit) * 0.0254, root_order)


def parse_amc(path, skel: Skeleton, step: int = 1):
    """Returns {bone: (T, ndof) degrees or root (T,6)}; keeps every `step`-th frame."""
    with _open(path) as f:
        text = f.read()
    frames = []
    cur = None
    keep = False
    for ln in text.splitlines():
        if not ln or ln[0] in "#:":
            continue
        c0 = ln[0]
        if "0" <= c0 <= "9" and ln.strip().isdigit():
            n = int(ln)
            keep = (n - 1) % step == 0
            if keep:
                cur = {}
                frames.append(cur)
            continue
        if keep:
            tok = ln.split()
            cur[tok[0]] = tok[1:]
    names = ["root"] + [b for b in skel.order if skel.bones[b].dof]
    out = {}
    for nm in names:
        out[nm] = np.array([[float(v) for v in fr[nm]] for fr in frames], dtype=np.float64)
    return out


def forward_kinematics(skel: Skeleton, motion: dict):
    """World positions (metres) of each bone's start and end, and each bone's world rotation.

    Returns dict name → (start (T,3), end (T,3), G (T,3,3)); 'root' has start = end = root position.
    """
    root = motion["root"]
    T = root.shape[0]
    vals = dict(zip(skel.root_order, root.T))
    pos = np.stack([vals["tx"], vals["ty"], vals["tz"]], axis=-1) * skel.length_scale
    G_root = euler_xyz_deg(vals["rx"], vals["ry"], vals["rz"])
    res = {"root": (pos, pos, G_root)}
    for name in skel.order:
        b = skel.bones[name]
        _, p_end, G_p = res[b.parent]
        C = euler_xyz_deg(*b.axis)
        ang = {"rx": np.zeros(T), "ry": np.zeros(T), "rz": np.zeros(T)}
        if b.dof:
            m = motion[name]
            for k, d in enumerate(b.dof):
                ang[d] = m[:, k]
        M = euler_xyz_deg(ang["rx"], ang["ry"], ang["rz"])
        G = G_p @ (C @ M @ C.T)
        end = p_end + (G @ (b.direction * b.length * skel.length_scale))
        res[name] = (p_end, end, G)
    return res


def to_coco17(fk: dict):
    """COCO-17 joints (T,17,3) plus toe tips (T,2,3) [left, right] for the handedness check."""
    T = fk["root"][0].shape[0]
    out = np.zeros((T, 17, 3))
    st = lambda n: fk[n][0]  # noqa: E731  start of bone n
    for side, s in (("left", "l"), ("right", "r")):
        out[:, J[f"{side}_shoulder"]] = st(f"{s}humerus")
        out[:, J[f"{side}_elbow"]] = st(f"{s}radius")
        out[:, J[f"{side}_wrist"]] = st(f"{s}wrist")
        out[:, J[f"{side}_hip"]] = st(f"{s}femur")
        out[:, J[f"{side}_knee"]] = st(f"{s}tibia")
        out[:, J[f"{side}_ankle"]] = st(f"{s}foot")
    G = fk["head"][2]
    # At rest the head's local axes are world axes: x left, y up, z forward.
    out[:, :5] = place_face(st("head"), normalize(G[:, :, 0]), normalize(G[:, :, 1]), normalize(G[:, :, 2]))
    toes = np.stack([fk["ltoes"][1], fk["rtoes"][1]], axis=1)
    return out, toes
