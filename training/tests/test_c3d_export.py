"""The C3D export (src/export/c3d.ts) read back by ezc3d, the C3D library from PyPI: same points, rate, labels."""
import json
import os
import subprocess

import numpy as np
import pytest

# Test-only dependency (training/requirements-test.txt); skipped, saying so, where it is not installed.
ezc3d = pytest.importorskip("ezc3d", reason="ezc3d is not installed: pip install -r training/requirements-test.txt")

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def test_c3d_export_opens_in_ezc3d_with_the_same_points_rate_and_labels(tmp_path):
    subprocess.run(["node", "--import", "tsx", "scripts/c3d-fixture.ts", str(tmp_path)], cwd=REPO, check=True, timeout=120)
    expected = json.loads((tmp_path / "walk.expected.json").read_text())
    c = ezc3d.c3d(str(tmp_path / "walk.c3d"))
    point = c["parameters"]["POINT"]
    assert [s.strip() for s in point["LABELS"]["value"]] == expected["labels"]
    assert point["UNITS"]["value"] == ["mm"]
    assert abs(point["RATE"]["value"][0] - expected["rate"]) < 1e-4
    assert c["header"]["points"]["frame_rate"] == np.float32(expected["rate"])

    pts = c["data"]["points"]  # (4, points, frames), homogeneous
    want = np.array([[p if p is not None else [np.nan] * 3 for p in frame] for frame in expected["points"]])  # frames, points, 3
    got = np.transpose(pts[:3], (2, 1, 0))
    assert got.shape == want.shape
    missing = np.isnan(want[..., 0])
    assert missing.sum() > 0 and np.array_equal(np.isnan(got[..., 0]), missing)
    np.testing.assert_allclose(got[~missing], want[~missing], atol=1e-3)  # float32 in mm
