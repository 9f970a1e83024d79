"""Synthetic generator: rigs look at the body, projections land in the images, noise matches its model."""
import numpy as np
import pytest

from parallax_train import camera as cam
from parallax_train.noise import NoiseModel, box_diag
from parallax_train.synth import rig_from_cameras, sample_batch, sample_rigs, world_transforms
from parallax_train.skeleton import facing


@pytest.fixture(scope="module")
def bank(tiny_bank):
    return tiny_bank


def test_rigs_look_at_the_volume():
    rng = np.random.default_rng(1)
    r = sample_rigs(rng, 200)
    C = cam.camera_center(r["R"], r["t"])
    m = r["view_mask"]
    d = np.linalg.norm(C[..., [0, 2]], axis=-1)
    assert d[m].min() >= 0.99 and d[m].max() <= 8.5
    assert C[..., 1][m].min() >= 0.49 and C[..., 1][m].max() <= 3.01
    fwd = r["R"][..., 2, :]  # optical axis in world
    to_c = np.array([0, 1.0, 0]) - C
    cosang = np.sum(fwd * to_c, -1) / np.linalg.norm(to_c, axis=-1)
    assert cosang[m].min() > np.cos(np.deg2rad(25))
    # level: image x axis horizontal within a few degrees
    assert np.abs(r["R"][..., 0, 1][m]).max() < np.sin(np.deg2rad(10))
    assert set(np.unique(m.sum(1))) == set(range(2, 9))
    hfov = np.degrees(2 * np.arctan(r["width"] / 2 / r["K"][..., 0, 0]))
    assert hfov[m].min() >= 24.9 and hfov[m].max() <= 75.1
    assert (r["height"] > r["width"])[m].any() and (r["height"] == r["width"])[m].any()


def test_projections_land_in_image_and_match_truth(bank):
    rng = np.random.default_rng(2)
    b = sample_batch(rng, bank, 400, noise=None)
    m = b["view_mask"]
    s = b["kp2d"][..., 2]
    assert np.isfinite(b["kp2d"]).all() and np.isfinite(b["gt3d"]).all()
    assert (s[~m] == 0).all()
    frac_in = (s[m] > 0).mean()
    assert frac_in > 0.93, frac_in
    uv = cam.project(b["K"].astype(float), b["dist"].astype(float), b["R"].astype(float), b["t"].astype(float),
                     np.broadcast_to(b["gt3d"][:, None].astype(float), b["kp2d"].shape))
    ok = s > 0
    err = np.abs(uv[ok] - b["kp2d"][..., :2][ok])
    assert err.max() < 0.05  # float32 round-off only
    W = b["width"][..., None]
    H = b["height"][..., None]
    x, y = b["kp2d"][..., 0], b["kp2d"][..., 1]
    assert ((x >= 0) & (x <= W - 1) & (y >= 0) & (y <= H - 1))[ok].all()


def test_world_frame_and_up_are_consistent(bank):
    rng = np.random.default_rng(3)
    b = sample_batch(rng, bank, 300, noise=None, world_p=1.0)
    up = b["up"]
    assert np.allclose(np.linalg.norm(up, axis=-1), 1, atol=1e-5)
    # feet are below the head along the sample's up, and the body is right-handed in every frame
    g = b["gt3d"].astype(float)
    assert (np.sum((g[:, 0] - g[:, 15]) * up, -1) > 0.8).mean() > 0.9
    M, _ = world_transforms(rng, 100, p=1.0)
    assert np.allclose(np.linalg.det(M), 1)
    # camera mean image-down agrees with gravity
    down = -b["R"][:, :, 1, :]
    cosang = np.sum(down * up[:, None], -1)
    assert cosang[b["view_mask"]].min() > np.cos(np.deg2rad(60))  # high corners look down steeply


def test_given_rig_is_used_exactly(bank):
    rng = np.random.default_rng(4)
    r = sample_rigs(rng, 1, 3, 3, kinds=[0])
    M = np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]])  # the same rig in a z-up world
    R, t = cam.transform_camera_world(r["R"][0], r["t"][0], M, np.array([2.0, -1.0, 0.5]))
    rig = rig_from_cameras(r["K"][0], r["dist"][0], R, t, r["width"][0], r["height"][0])
    assert np.allclose(rig["up"][0], [0, 0, 1], atol=0.05)
    b = sample_batch(rng, bank, 64, rigs=rig, noise=None)
    assert np.allclose(b["R"], R[None], atol=1e-6) and np.allclose(b["t"], t[None], atol=1e-5)
    assert (b["kp2d"][..., 2] > 0).mean() > 0.9
    f = facing(b["gt3d"].astype(float), up=rig["up"][0])
    assert np.allclose(np.sum(f * rig["up"][0], -1), 0, atol=1e-6)


def test_noise_statistics_match_model(bank):
    """Pure 2D error (no swaps, misses, modes, offsets, view multiplier) has the model's median and p90."""
    base = NoiseModel.default()
    nm = base.with_overrides(swap_view=0.0, swap_limb=0.0, view_sigma_logsd=0.0, corrupt_view=0.0)
    rng = np.random.default_rng(5)
    B, V = 4000, 2
    uv = np.tile(np.array([[500.0, 400.0]]), (B, V, 17, 1))
    vis = np.ones((B, V, 17), bool)
    diag = np.full((B, V), 800.0)
    kp = nm.apply(rng, uv, vis, np.full((B, V), 4000), np.full((B, V), 4000), np.ones((B, V), bool), diag=diag,
                  modes=False)
    det = kp[..., 2] > 0
    rel = np.linalg.norm(kp[..., :2] - uv, axis=-1) / 800.0
    for q in (0.5, 0.9):
        want = nm.relative_error_quantile(q)
        got = np.array([np.quantile(rel[..., j][det[..., j]], q) for j in range(17)])
        assert np.all(np.abs(got / want - 1) < 0.08), (q, got / want)
    miss = 1 - det.mean((0, 1))
    assert np.all(np.abs(miss - nm.miss) < 0.02)
    # scores fall with error
    s = kp[..., 2][det]
    e = (rel / nm.sigma)[det]
    assert np.corrcoef(s, np.log1p(e))[0, 1] < -0.5


def test_swaps_and_modes_happen_at_their_rates(bank):
    nm = NoiseModel.default().with_overrides(swap_view=0.2, swap_limb=0.0, view_sigma_logsd=0.0)
    rng = np.random.default_rng(6)
    B, V = 3000, 2
    uv = np.zeros((B, V, 17, 2))
    uv[..., 0] = 1000 + 100 * np.arange(17)  # distinct x per joint to detect swaps
    uv[..., 1] = 2000
    vis = np.ones((B, V, 17), bool)
    kp = nm.with_overrides(**{"joints": {k: {"sigma": 1e-4, "miss": 0.0} for k in nm.params["joints"]}}).apply(
        rng, uv, vis, np.full((B, V), 4000), np.full((B, V), 4000), np.ones((B, V), bool), diag=np.full((B, V), 500.0),
        modes=False)
    swapped = np.abs(kp[..., 5, 0] - uv[..., 6, 0]) < 1
    assert abs(swapped.mean() - 0.2) < 0.03
    p = NoiseModel.default().params["modes"]
    kp = NoiseModel.default().apply(rng, uv, vis, np.full((B, V), 4000), np.full((B, V), 4000),
                                    np.ones((B, V), bool), diag=np.full((B, V), 500.0))
    no_face = (kp[..., :5, 2] == 0).all((1, 2))
    assert no_face.mean() > 0.6 * p["no_face"]
    all_one = ((kp[..., 2] == 1.0) | (kp[..., 2] == 0)).all((1, 2))
    assert abs(all_one.mean() - p["all_one"] / sum(v for k, v in p.items() if k != "hips_shift")) < 0.03


def test_definition_offsets_in_body_frame(bank):
    nm = NoiseModel.default()
    rng = np.random.default_rng(7)
    poses = bank.astype(float)
    off = nm.definition_offsets(rng, poses, np.tile([0, 1.0, 0], (len(poses), 1)))
    # ankles: the detector's point sits higher (up = +y) and behind (−forward)
    fwd = facing(poses)
    assert off[:, 15, 1].mean() > 0.015 and np.sum(off[:, 16] * fwd, -1).mean() < -0.01
    mag = np.linalg.norm(off[:, 15], axis=-1)
    assert 0.02 < np.median(mag) < 0.09


def test_fit_noise_recovers_a_known_model():
    import fit_noise
    from parallax_train.noise import t2_radius_quantile

    nu, sig = 2.5, {n: 0.01 + 0.001 * i for i, n in enumerate(fit_noise.COCO17_NAMES)}
    measured = {"joints": {n: {"median_rel": s * t2_radius_quantile(0.5, nu), "p90_rel": s * t2_radius_quantile(0.9, nu),
                               "missing_rate": 0.04} for n, s in sig.items()},
                "swap_rate": 0.02,
                "score_vs_error": [{"score": 0.9 - 0.2 * np.log1p(e / 0.018), "median_rel": e} for e in (0.01, 0.03, 0.1)]}
    p = fit_noise.fit(measured)
    assert abs(p["nu"] - nu) < 0.05
    for n, s in sig.items():
        assert abs(p["joints"][n]["sigma"] / s - 1) < 1e-3 and p["joints"][n]["miss"] == 0.04
    assert p["swap_view"] == 0.02 and 0.1 < p["score"]["slope"] < 0.3
    assert fit_noise.fit_nu(1.8) == 1000.0  # Gaussian-like tails


def test_unlevel_rigs_roll_every_camera_the_same_way():
    rng = np.random.default_rng(11)
    r = sample_rigs(rng, 400, p_unlevel=0.5)
    m = r["view_mask"]
    # roll = angle of the image x axis out of the horizontal plane (y up), signed
    roll = np.degrees(np.arcsin(np.clip(r["R"][..., 0, 1], -1, 1)))
    big = np.abs(roll) > 8
    per_rig = np.array([big[b][m[b]].all() for b in range(400)])
    assert 0.35 < per_rig.mean() < 0.6
    same_sign = [np.all(np.sign(roll[b][m[b]]) == np.sign(roll[b][m[b]][0])) for b in np.flatnonzero(per_rig)]
    assert np.mean(same_sign) > 0.95
    assert np.abs(roll[m]).max() < 60
    # level batches draw nothing extra: the same seed gives the same rigs as before the option existed
    a, b = sample_rigs(np.random.default_rng(3), 8), sample_rigs(np.random.default_rng(3), 8, p_unlevel=0.0)
    assert np.array_equal(a["R"], b["R"])


def test_inconsistent_samples_show_another_body_in_every_view_but_the_first(bank):
    rng = np.random.default_rng(12)
    b = sample_batch(rng, bank, 300, 3, 3, noise=None, p_inconsistent=0.3)
    inc = b["inconsistent"]
    assert 0.2 < inc.mean() < 0.4
    uv = cam.project(b["K"], b["dist"], b["R"], b["t"], b["gt3d"][:, None])
    err = np.linalg.norm(b["kp2d"][..., :2] - uv, axis=-1)
    seen = b["kp2d"][..., 2] > 0
    med = np.array([[np.median(err[i, v][seen[i, v]]) if seen[i, v].any() else 0 for v in range(3)] for i in range(300)])
    assert med[:, 0].max() < 1e-2  # the first view always shows gt3d
    assert np.median(med[inc, 1:]) > 50 and med[~inc, 1:].max() < 1e-2


def test_precise_detector_samples_have_smaller_errors(bank):
    noise = NoiseModel.default()
    errs = []
    for p in (0.0, 1.0):
        b = sample_batch(np.random.default_rng(13), bank, 300, 4, 4, noise=noise, world_p=0.0, p_precise=p)
        uv = cam.project(b["K"], b["dist"], b["R"], b["t"], b["gt3d"][:, None])
        e = np.linalg.norm(b["kp2d"][..., :2] - uv, axis=-1)[b["kp2d"][..., 2] > 0]
        errs.append(np.median(e))
    assert errs[1] < 0.6 * errs[0]
