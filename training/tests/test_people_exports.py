"""Exports of several people (src/export/people.ts) opened by the tools they are for.

The files come from the app's per-person writers (cli/people-export-fixtures.ts): three walking figures (P1, P5, P8)
in a z-up calibration, P5 absent in the first frames and P8 for a stretch in the middle. Blender's own BVH importer
opens each person's BVH, OpenSim's TRC readers the TRC with markers prefixed per person, ezc3d the C3D; the CSV and
JSON are read as plain files. Every tool must see every person where the app put them, and gaps, never NaN numbers
where a person is present.
"""
import csv
import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def people(tmp_path_factory):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to write the fixtures (cli/people-export-fixtures.ts)")
    out = tmp_path_factory.mktemp("people-exports")
    subprocess.run([node, "--import", "tsx", "cli/people-export-fixtures.ts", str(out)], cwd=ROOT, check=True, capture_output=True, timeout=120)
    expected = json.loads((out / "expected.json").read_text())
    assert [p["label"] for p in expected["people"]] == ["P1", "P5", "P8"]
    return out, expected


def _want(expected, key):
    """[frame][marker] → (frames, markers, 3) in mm, NaN where the point is missing."""
    return np.array([[p if p is not None else [np.nan] * 3 for p in frame] for frame in expected[key]], dtype=float)


@pytest.mark.parametrize("label", ["P1", "P5", "P8"])
def test_blender_imports_each_persons_bvh_where_the_person_is(people, label):
    """One BVH per person: Blender's importer gives one armature with every frame, standing upright along Blender's
    Z, its hips where the app put that person (Y-up file → Blender (x, -z, y), centimetres → metres)."""
    bpy = pytest.importorskip("bpy", reason="bpy (Blender as a module, test-only: training/requirements-tools.txt) is not installed")
    out, expected = people
    bpy.ops.wm.read_factory_settings(use_empty=True)
    assert bpy.ops.import_anim.bvh(filepath=str(out / f"people-robust-{label}.bvh"), global_scale=0.01) == {"FINISHED"}
    arms = [o for o in bpy.context.scene.objects if o.type == "ARMATURE"]
    assert len(arms) == 1
    arm, scene = arms[0], bpy.context.scene
    start, end = arm.animation_data.action.frame_range
    assert round(end - start) + 1 == expected["frames"]
    hips = expected["hips"][label]
    first = next(h for h in hips if h is not None)
    seen = False
    for f in range(expected["frames"]):
        want = hips[f]
        if want is None:
            if seen:
                continue  # a gap: the previous frame is repeated, as one person's BVH does
            want = first  # before the person appears: the first pose is held
        seen = True
        scene.frame_set(round(start) + f)
        at = lambda name: arm.matrix_world @ arm.pose.bones[name].head  # noqa: E731
        h = (at("left_hip") + at("right_hip")) / 2
        got = (h.x, h.y, h.z)
        blender = (want[0], -want[2], want[1])
        assert math.dist(got, blender) < 0.01, f"{label} frame {f}: hips at {got}, expected {blender}"
        if f in expected["standingFrames"]:
            d = at("nose") - (at("left_ankle") + at("right_ankle")) / 2
            assert d.z > 1.0 and math.degrees(math.atan2(math.hypot(d.x, d.y), d.z)) < 25, f"{label} frame {f}: {tuple(d)}"


def test_opensim_reads_every_persons_prefixed_markers_in_mm_y_up(people):
    """OpenSim's TRC readers: 51 markers P1_nose … P8_right_ankle, in mm, Y up, at the app's positions; a person's
    markers are missing (NaN in OpenSim's table) exactly where the person is absent."""
    osim = pytest.importorskip("opensim", reason="opensim (test-only: training/requirements-tools.txt) is not installed")
    osim.Logger.removeFileSink()
    out, expected = people
    path = str(out / "people-robust-all.trc")
    data = osim.MarkerData(path)
    assert data.getNumFrames() == expected["frames"]
    assert data.getUnits().getAbbreviation() == "mm"
    assert data.getDataRate() == pytest.approx(expected["fps"])
    assert [data.getMarkerNames().get(i) for i in range(data.getMarkerNames().getSize())] == expected["markers"]
    table = osim.TimeSeriesTableVec3(path)
    assert list(table.getColumnLabels()) == expected["markers"]
    want = _want(expected, "trc")
    got = np.array([[[table.getRowAtIndex(f)[m].get(a) for a in range(3)] for m in range(len(expected["markers"]))] for f in range(expected["frames"])])
    missing = np.isnan(want[..., 0])
    assert missing.sum() == 17 * sum(len(v) for v in expected["absent"].values())
    assert np.array_equal(np.isnan(got[..., 0]), missing)
    np.testing.assert_allclose(got[~missing], want[~missing], atol=2e-3)
    # Y is up: every present person's nose is over a metre above its ankles.
    for k, label in enumerate(expected["people"]):
        for f in expected["standingFrames"]:
            if f in expected["absent"][label["label"]]:
                continue
            nose, la, ra = got[f, 17 * k], got[f, 17 * k + 15], got[f, 17 * k + 16]
            assert nose[1] - (la[1] + ra[1]) / 2 > 1000


def test_ezc3d_reads_every_persons_labelled_points_z_up(people):
    """ezc3d: 51 points labelled P1_nose …, rate and units; points in mm Z up; missing (NaN) where a person is absent."""
    ezc3d = pytest.importorskip("ezc3d", reason="ezc3d is not installed: pip install -r training/requirements-test.txt")
    out, expected = people
    c = ezc3d.c3d(str(out / "people-robust-all.c3d"))
    point = c["parameters"]["POINT"]
    assert [s.strip() for s in point["LABELS"]["value"]] == expected["markers"]
    assert point["USED"]["value"][0] == 51
    assert point["UNITS"]["value"] == ["mm"]
    assert abs(point["RATE"]["value"][0] - expected["fps"]) < 1e-4
    got = np.transpose(c["data"]["points"][:3], (2, 1, 0))
    want = _want(expected, "c3d")
    assert got.shape == want.shape
    missing = np.isnan(want[..., 0])
    assert np.array_equal(np.isnan(got[..., 0]), missing)
    np.testing.assert_allclose(got[~missing], want[~missing], atol=1e-3)
    assert np.nanmax(got[:, 0::17, 2]) > 1400  # noses high along Z


def test_csv_and_json_carry_the_person_with_gaps_as_empty(people):
    """CSV: one row per frame and person, a person column; JSON version 3: every person per frame, null when absent."""
    out, expected = people
    with open(out / "people-robust-all.csv") as f:
        first = f.readline()
        assert first.startswith("# frame: calibration; units: m; up: 0 0 1")
        rows = list(csv.DictReader(f))
    assert len(rows) == expected["frames"] * 3
    for r in rows:
        absent = int(r["frame"]) in expected["absent"][r["person"]]
        cells = [v for k, v in r.items() if k not in ("frame", "time", "person")]
        assert len(cells) == 51
        assert all(c == "" for c in cells) if absent else all(math.isfinite(float(c)) for c in cells)
    j = json.loads((out / "people-robust-all.json").read_text())
    assert j["version"] == 3 and [p["person"] for p in j["people"]] == ["P1", "P5", "P8"]
    for f, frame in enumerate(j["frames"]):
        for p in frame["people"]:
            assert (p["joints"] is None) == (f in expected["absent"][p["person"]])
