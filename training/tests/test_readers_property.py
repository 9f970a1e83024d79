"""Property tests of the motion-file readers (issue 12): random damage to valid BVH, ASF/AMC, expmap CSV and
skeleton files never crashes (only ReaderError, naming the file), never hangs (deadline), and never hands on a
non-finite number. Bounded and derandomised so the suite stays fast and repeatable."""
import gzip
import json
import tempfile

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from parallax_train import asf, bvh, expmap
from parallax_train.checks import ReaderError
from test_readers import TINY_AMC, TINY_ASF, TINY_BVH

# Hypothesis keeps caches in a .hypothesis folder: outside the checkout.
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="parallax-hypothesis-"))
SETTINGS = settings(max_examples=40, deadline=2000, derandomize=True, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
NASTY = ["0", "-1", "1e308", "-1e308", "1e-300", "nan", "inf", "-inf", "1e999", "0x10", "x", "", "{", "}", "MOTION", "JOINT",
         "End", "CHANNELS", "99999999999", "3.5", "begin", "end", "root", ":bonedata", "dof", "rx", "tx", "a", "b"]


@st.composite
def damaged(draw, text):
    """One to three edits of whitespace-separated tokens: replaced, deleted, repeated; or the text cut short."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["replace", "replace", "delete", "repeat", "cut", "line"]))
        li = draw(st.integers(0, len(lines) - 1))
        toks = lines[li].split(" ")
        ti = draw(st.integers(0, len(toks) - 1))
        if kind == "replace":
            toks[ti] = draw(st.sampled_from(NASTY) | st.floats().map(repr) | st.text(max_size=3))
        elif kind == "delete":
            del toks[ti]
        elif kind == "repeat":
            toks.insert(ti, toks[ti])
        elif kind == "line":
            lines.insert(li, lines[li])
            continue
        else:
            lines = lines[:li] + [" ".join(toks[:ti])]
            break
        lines[li] = " ".join(toks)
    return "\n".join(lines)


def all_finite(*arrays):
    for a in arrays:
        assert np.all(np.isfinite(np.asarray(a, dtype=np.float64)))


@SETTINGS
@given(damaged(TINY_BVH))
def test_bvh_damaged(text):
    try:
        b = bvh.parse_bvh(text, source="tiny.bvh")
    except ReaderError as e:
        assert str(e).startswith("tiny.bvh: ")
        return
    all_finite(b.offsets, b.frames, [b.frame_time])
    assert b.frames.shape[1] == sum(len(c) for c in b.channels)
    P, G = bvh.forward_kinematics(b)
    all_finite(P, G)


@SETTINGS
@given(damaged(TINY_ASF), damaged(TINY_AMC))
def test_asf_amc_damaged(tmp_path_factory, asf_text, amc_text):
    d = tmp_path_factory.mktemp("asf")
    (d / "t.asf").write_text(asf_text)
    (d / "t.amc").write_text(amc_text)
    try:
        sk = asf.parse_asf(d / "t.asf")
        motion = asf.parse_amc(d / "t.amc", sk)
    except ReaderError as e:
        assert str(d) in str(e)
        return
    all_finite(*motion.values(), [sk.length_scale])
    fk = asf.forward_kinematics(sk, motion)
    for start, end, G in fk.values():
        all_finite(start, end, G)


def _expmap_csv():
    rows = np.zeros((3, 117))
    rows[1:, :3] = [[1, 2, 3], [4, 5, 6]]
    rows[2, 3:6] = [0, 0.5, 0]
    return "\n".join(",".join(repr(float(v)) for v in r) for r in rows)


@SETTINGS
@given(damaged(_expmap_csv().replace(",", " ")))
def test_expmap_txt_damaged(tmp_path_factory, text):
    p = tmp_path_factory.mktemp("ex") / "clip.txt.gz"
    with gzip.open(p, "wt") as f:
        f.write(text.replace(" ", ","))
    try:
        frames = expmap.read_txt(p)
    except ReaderError as e:
        assert str(p) in str(e)
        return
    assert frames.shape[1] == 117
    all_finite(frames)


@SETTINGS
@given(st.data())
def test_expmap_skeleton_damaged(tmp_path_factory, data):
    parent = [-1] + list(range(37))
    offsets = [[float(i), 1.0, 0.0] for i in range(38)]
    doc = {"parent": parent, "offset_x70": offsets}
    key = data.draw(st.sampled_from(["parent", "offset_x70"]))
    i = data.draw(st.integers(0, 37))
    value = data.draw(st.sampled_from([None, "x", 1e308, -5, 38, 1.5, [], [1, 2], float("nan")]))
    if key == "parent":
        doc[key][i] = value
    else:
        doc[key][i][data.draw(st.integers(0, 2))] = value
    p = tmp_path_factory.mktemp("sk") / "skeleton.json"
    p.write_text(json.dumps(doc))
    try:
        par, off = expmap.load_skeleton(p)
    except ReaderError as e:
        assert str(p) in str(e)
        return
    all_finite(off)
    assert all(-1 <= q < j for j, q in enumerate(par))
