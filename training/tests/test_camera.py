"""The Python camera model must agree with src/geometry/camera.ts (vectors from scripts/gen-camera-vectors.ts)."""
import json
import os

import numpy as np
import pytest

from parallax_train import camera as cam

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "camera_vectors.json")
with open(FIX) as f:
    VEC = json.load(f)


def close(a, b, rel=1e-9, abs_floor=1e-12):
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = np.maximum(np.abs(b), 1.0)  # relative to magnitude, values near 0 compared at unit scale
    err = np.abs(a - b) / scale
    assert err.max() <= max(rel, abs_floor), f"max rel err {err.max():.3e}"


def arrays(c):
    return (np.array(c["K"]), np.array(c["dist"]), np.array(c["R"]), np.array(c["t"]))


@pytest.mark.parametrize("case", VEC["cases"], ids=[c["camera"]["name"] for c in VEC["cases"]])
def test_matches_typescript(case):
    K, dist, R, t = arrays(case["camera"])
    uv = cam.project(K, dist, R, t, np.array(case["points"]))
    for got, want in zip(uv, case["projected"]):
        if want is None:
            assert np.isnan(got).all()
        else:
            close(got, want)
    px = np.array(case["pixels"])
    n, ok = cam.pixel_to_normalized(K, dist, px)
    assert ok.tolist() == case["ok"]
    for got, want in zip(n, case["normalized"]):
        if want is not None:
            close(got, want)
    und, _ = cam.undistort_pixel(K, dist, px)
    for got, want in zip(und, case["undistorted"]):
        if want is not None:
            close(got, want)
    rays, _ = cam.pixel_ray(K, dist, R, px)
    for got, want in zip(rays, case["rays"]):
        if want is not None:
            close(got, want)
    close(cam.camera_center(R, t), case["center"])


def test_batched_shapes_match_single():
    cases = VEC["cases"]
    K = np.stack([np.array(c["camera"]["K"]) for c in cases])
    dist = np.stack([np.array(c["camera"]["dist"]) for c in cases])
    R = np.stack([np.array(c["camera"]["R"]) for c in cases])
    t = np.stack([np.array(c["camera"]["t"]) for c in cases])
    pts = np.array(cases[0]["points"])
    uv = cam.project(K, dist, R, t, np.broadcast_to(pts, (len(cases),) + pts.shape))
    for i, c in enumerate(cases):
        np.testing.assert_array_equal(uv[i], cam.project(*arrays(c["camera"]), pts))


def test_look_at_matches_typescript():
    for c in VEC["lookAt"]:
        R, t = cam.look_at(c["eye"], c["target"])
        close(R, c["camera"]["R"])
        close(t, c["camera"]["t"])
        K = cam.intrinsics_from_hfov(c["width"], c["height"], c["hfovDeg"])
        close(K, c["camera"]["K"])


def test_round_trip_and_world_transform():
    c = VEC["cases"][3]["camera"]
    K, dist, R, t = arrays(c)
    pts = np.array(VEC["cases"][0]["points"])
    uv = cam.project(K, dist, R, t, pts)
    rays, ok = cam.pixel_ray(K, dist, R, uv)
    assert ok.all()
    d = pts - cam.camera_center(R, t)
    np.testing.assert_allclose(rays, d / np.linalg.norm(d, axis=-1, keepdims=True), atol=1e-9)
    # Moving the world frame moves nothing in the image.
    a = 0.7
    M = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]]) @ np.array(
        [[1, 0, 0], [0, 0, -1], [0, 1, 0]])
    c0 = np.array([3.0, -1.0, 2.0])
    R2, t2 = cam.transform_camera_world(R, t, M, c0)
    np.testing.assert_allclose(cam.project(K, dist, R2, t2, pts @ M.T + c0), uv, atol=1e-8)
