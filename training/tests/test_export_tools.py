"""The app's exports opened by the tools they are for: Blender's own BVH importer (bpy) and OpenSim's TRC reader.

The files come from the app's exporters (cli/export-fixtures.ts): the simulated figure in y-up, z-up, tilted and
upside-down calibrations. Each must stand upright in the tool's own world frame and units.
"""
import csv
import json
import math
import os
import shutil
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CASES = ["y-up", "z-up", "tilted", "upside-down", "z-up-no-floor"]


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to write the export fixtures (cli/export-fixtures.ts)")
    out = tmp_path_factory.mktemp("exports")
    subprocess.run([node, "--import", "tsx", "cli/export-fixtures.ts", str(out)], cwd=ROOT, check=True, capture_output=True, timeout=120)
    with open(out / "manifest.json") as f:
        manifest = json.load(f)
    assert [c["name"] for c in manifest["cases"]] == CASES
    return out, manifest


def _frames(manifest):
    return manifest["standingFrames"]


@pytest.mark.parametrize("case", CASES)
def test_blender_imports_bvh_upright(exports, case):
    """Blender's importer (Y-up BVH → Blender's Z up): head above the feet by > 1.2 m, the body along Z."""
    bpy = pytest.importorskip("bpy", reason="bpy (Blender as a module, test-only: training/requirements-tools.txt) is not installed")
    out, manifest = exports
    bpy.ops.wm.read_factory_settings(use_empty=True)
    # The file is in centimetres; Blender's unit is the metre.
    assert bpy.ops.import_anim.bvh(filepath=str(out / f"{case}.bvh"), global_scale=0.01) == {"FINISHED"}
    arm = next(o for o in bpy.context.scene.objects if o.type == "ARMATURE")
    scene = bpy.context.scene
    for f in _frames(manifest):
        scene.frame_set(scene.frame_start + f)
        at = lambda name: arm.matrix_world @ arm.pose.bones[name].head  # noqa: E731
        head = at("nose")
        feet = (at("left_ankle") + at("right_ankle")) / 2
        d = head - feet
        assert d.z > 1.2, f"{case} frame {f}: head - feet = {tuple(d)}"
        assert math.degrees(math.atan2(math.hypot(d.x, d.y), d.z)) < 25, f"{case} frame {f}: body leans {tuple(d)}"


@pytest.mark.parametrize("case", CASES)
def test_opensim_reads_trc_y_up_in_mm(exports, case):
    """OpenSim's TRC readers: 17 markers in mm, the nose above the ankles by > 1 m along OpenSim's Y."""
    osim = pytest.importorskip("opensim", reason="opensim (test-only: training/requirements-tools.txt) is not installed")
    osim.Logger.removeFileSink()  # else it writes opensim.log into the working directory
    out, manifest = exports
    path = str(out / f"{case}.trc")
    data = osim.MarkerData(path)
    assert data.getUnits().getAbbreviation() == "mm"
    assert data.getNumFrames() == manifest["cases"][0]["frames"]
    assert data.getDataRate() == pytest.approx(manifest["fps"])
    table = osim.TimeSeriesTableVec3(path)
    assert table.getTableMetaDataAsString("Units") == "mm"
    labels = list(table.getColumnLabels())
    assert len(labels) == 17 and labels[0] == "nose" and labels[-1] == "right_ankle"
    nose, la, ra = (table.getColumnIndex(n) for n in ("nose", "left_ankle", "right_ankle"))
    for f in _frames(manifest):
        row = table.getRowAtIndex(f)
        head_y = row[nose].get(1)
        feet_y = (row[la].get(1) + row[ra].get(1)) / 2
        assert head_y - feet_y > 1000, f"{case} frame {f}: nose Y {head_y:.0f} mm, ankles Y {feet_y:.0f} mm"
        # Y is up, not merely large: the other two axes hold far less of the body's height.
        dx = row[nose].get(0) - (row[la].get(0) + row[ra].get(0)) / 2
        dz = row[nose].get(2) - (row[la].get(2) + row[ra].get(2)) / 2
        assert math.hypot(dx, dz) < 0.5 * (head_y - feet_y)


@pytest.mark.parametrize("case", CASES)
def test_csv_and_json_declare_the_calibration_frame(exports, case):
    """CSV and JSON stay in the calibration's frame and say which way is up there, in metres."""
    out, manifest = exports
    meta = next(c for c in manifest["cases"] if c["name"] == case)
    with open(out / f"{case}.json") as f:
        doc = json.load(f)
    assert doc["units"] == "m" and doc["frame"] == "calibration"
    assert doc["up"] == pytest.approx(meta["up"], abs=1e-6)
    with open(out / f"{case}.csv", newline="") as f:
        first = f.readline()
        rows = list(csv.DictReader(f))
    assert first.startswith("# frame: calibration; units: m; up: ")
    up = [float(v) for v in first.split("up: ")[1].split(" (")[0].split()]
    assert up == pytest.approx(doc["up"], abs=1e-6)
    for f in _frames(manifest):
        r, j = rows[f], doc["frames"][f]["joints"]
        for src in ({k: [float(r[f"{k}_{a}"]) for a in "xyz"] for k in ("nose", "left_ankle", "right_ankle")}, j):
            feet = [(a + b) / 2 for a, b in zip(src["left_ankle"], src["right_ankle"])]
            height = sum(u * (h - g) for u, h, g in zip(up, src["nose"], feet))
            assert height > 1.0, f"{case} frame {f}: {height:.2f} m along the declared up"
