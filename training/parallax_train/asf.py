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

from .checks import ReaderError, count, num
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


ROOT_DOFS = {"tx", "ty", "tz", "rx", "ry", "rz"}
BONE_DOFS = {"rx", "ry", "rz"}


def _read(path) -> str:
    try:
        with _open(path) as f:
            return f.read()
    except (OSError, UnicodeDecodeError, EOFError) as e:
        raise ReaderError(f"{path}: cannot read: {e}") from None


def parse_asf(path) -> Skeleton:
    """Raises ReaderError naming the file, line and field for anything this reader cannot use."""
    lines = [ln.strip() for ln in _read(path).splitlines()]
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
        where = f"{path}: line {i}"
        if not ln or ln.startswith("#"):
            continue
        if ln.startswith(":"):
            section = ln.split()[0][1:]
            continue
        tok = ln.split()
        if section == "units" and tok[0] == "length":
            length_unit = num(tok[1] if len(tok) > 1 else None, f"{where}: units length")
            if not length_unit > 0:
                raise ReaderError(f"{where}: units length {length_unit} must be > 0")
        elif section == "root" and tok[0] == "order":
            root_order = [t.lower() for t in tok[1:]]
            if sorted(root_order) != sorted(ROOT_DOFS):
                raise ReaderError(f"{where}: root order {tok[1:]} is not TX TY TZ RX RY RZ in some order")
        elif section == "bonedata":
            if tok[0] == "begin":
                cur = {"dof": []}
            elif cur is None:
                raise ReaderError(f"{where}: '{tok[0]}' outside a begin … end bone block")
            elif tok[0] == "end":
                missing = [k for k in ("name", "direction", "length", "axis") if k not in cur]
                if missing:
                    raise ReaderError(f"{where}: bone {cur.get('name', '?')} has no {', '.join(missing)}")
                if cur["name"] in bones or cur["name"] == "root":
                    raise ReaderError(f"{where}: bone {cur['name']} defined twice")
                b = Bone(cur["name"], np.array(cur["direction"]), cur["length"], np.array(cur["axis"]), cur["dof"])
                bones[b.name] = b
                cur = None
            elif tok[0] == "name":
                if len(tok) < 2:
                    raise ReaderError(f"{where}: name needs a value")
                cur["name"] = tok[1]
            elif tok[0] == "direction":
                cur["direction"] = [num(v, f"{where}: direction") for v in tok[1:4]]
                if len(cur["direction"]) != 3:
                    raise ReaderError(f"{where}: direction needs 3 numbers")
            elif tok[0] == "length":
                cur["length"] = num(tok[1] if len(tok) > 1 else None, f"{where}: length")
                if cur["length"] < 0:
                    raise ReaderError(f"{where}: length {cur['length']} is negative")
            elif tok[0] == "axis":
                if len(tok) < 5:
                    raise ReaderError(f"{where}: axis needs 3 angles and an order")
                if tok[4].upper() != "XYZ":
                    raise ReaderError(f"{path}: axis order {tok[4]} not supported")
                cur["axis"] = [num(v, f"{where}: axis") for v in tok[1:4]]
            elif tok[0] == "dof":
                cur["dof"] = [t.lower() for t in tok[1:]]
                bad = [d for d in cur["dof"] if d not in BONE_DOFS]
                if bad or len(set(cur["dof"])) != len(cur["dof"]):
                    raise ReaderError(f"{where}: dof {tok[1:]}: only rx, ry, rz, each once, are supported")
        elif section == "hierarchy":
            if tok[0] in ("begin", "end"):
                continue
            children[tok[0]] = tok[1:]
    order = []
    stack = ["root"]
    seen = {"root"}
    while stack:
        p = stack.pop(0)
        for c in children.get(p, []):
            if c not in bones:
                raise ReaderError(f"{path}: hierarchy: {p} has child {c}, which no bone in :bonedata defines")
            if c in seen:
                raise ReaderError(f"{path}: hierarchy: {c} appears twice (a loop or two parents)")
            seen.add(c)
            bones[c].parent = p
            order.append(c)
            stack.append(c)
    if not order:
        raise ReaderError(f"{path}: hierarchy: no bone hangs from root")
    # ASF `length` is "units per inch"-style: lengths/unit give inches.
    return Skeleton(bones, order, (1.0 / length_unit) * 0.0254, root_order)


def parse_amc(path, skel: Skeleton, step: int = 1):
    """Returns {bone: (T, ndof) degrees or root (T,6)}; keeps every `step`-th frame. ReaderError names file, line, bone."""
    text = _read(path)
    frames = []
    cur = None
    keep = False
    ndof = {n: len(b.dof) for n, b in skel.bones.items()}
    ndof["root"] = 6
    for k, ln in enumerate(text.splitlines(), 1):
        if not ln or ln[0] in "#:":
            continue
        c0 = ln[0]
        if "0" <= c0 <= "9" and ln.strip().isdigit():
            n = count(ln.strip(), f"{path}: line {k}: frame number", 0, 10_000_000)
            keep = (n - 1) % step == 0
            if keep:
                cur = {}
                frames.append((k, cur))
            continue
        if keep:
            tok = ln.split()
            if not tok:
                continue
            if tok[0] not in ndof:
                raise ReaderError(f"{path}: line {k}: bone {tok[0]} is not in the skeleton")
            if len(tok) - 1 != ndof[tok[0]]:
                raise ReaderError(f"{path}: line {k}: {tok[0]} has {len(tok) - 1} values, its dof needs {ndof[tok[0]]}")
            cur[tok[0]] = [num(v, f"{path}: line {k}: {tok[0]}") for v in tok[1:]]
    if not frames:
        raise ReaderError(f"{path}: no frames")
    names = ["root"] + [b for b in skel.order if skel.bones[b].dof]
    out = {}
    for nm in names:
        for k, fr in frames:
            if nm not in fr:
                raise ReaderError(f"{path}: frame at line {k} has no {nm} line")
        out[nm] = np.array([fr[nm] for _, fr in frames], dtype=np.float64)
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
