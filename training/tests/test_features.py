"""Lifter features: world-frame equivariance, masking and bad input (the TS twin is pinned by the fixture)."""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from lifter_tiny_rig import tiny_scene  # noqa: E402

from parallax_train.features import N_FEATURES, compute_features  # noqa: E402


def _feat(s, kp=None):
    return compute_features(s['kp2d'] if kp is None else kp, s['K'], s['dist'], s['R'], s['t'], s['view_mask'])


def _random_rotation(rng):
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    w, x, y, z = q
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                     [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                     [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])


def test_tokens_invariant_and_frame_equivariant_under_world_motion():
    rng = np.random.default_rng(1)
    s = tiny_scene(rng, 16, 4, n_views_min=2)
    f0 = _feat(s)
    z_up = np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]])
    upside_down = np.diag([1.0, -1.0, -1.0])
    for M in [z_up, upside_down, _random_rotation(rng), _random_rotation(rng)]:
        c = rng.normal(0, 20, 3)
        s2 = dict(s)
        s2['R'] = s['R'] @ M.T  # x_cam = R Mᵀ (X' − c) + t
        s2['t'] = s['t'] - np.einsum('bvij,j->bvi', s2['R'], c)
        f1 = _feat(s2)
        np.testing.assert_array_equal(f0.ok, f1.ok)
        np.testing.assert_allclose(f1.tokens, f0.tokens, atol=1e-7)
        np.testing.assert_allclose(f1.base, f0.base, atol=1e-7)
        np.testing.assert_allclose(f1.anchor, f0.anchor @ M.T + c, atol=1e-7)
        # A canonical pose maps to the moved world pose.
        np.testing.assert_allclose(f1.to_world(f0.base), f0.to_world(f0.base) @ M.T + c, atol=1e-7)


def test_base_is_close_to_truth_and_frame_is_a_rotation():
    rng = np.random.default_rng(2)
    s = tiny_scene(rng, 32, 4, noise_px=0.0, missing=0.0)
    f = _feat(s)
    assert f.ok.all() and f.tokens.shape == (32, 4, 17, N_FEATURES)
    np.testing.assert_allclose(f.base, f.to_canonical(s['gt3d']), atol=1e-6)
    np.testing.assert_allclose(np.einsum('bij,bkj->bik', f.frame, f.frame), np.broadcast_to(np.eye(3), (32, 3, 3)),
                               atol=1e-12)
    assert np.allclose(np.linalg.det(f.frame), 1.0)
    # Up is the rig's up (the tiny rigs are level, world y up).
    # Up is the rig's up (the tiny rigs are level, world y up): exact unless the right axes are nearly parallel.
    err = np.linalg.norm(f.frame[:, 2] - np.array([0.0, 1.0, 0.0]), axis=-1)
    assert (err < 0.03).all() and (err < 1e-9).mean() > 0.9


def test_bad_input_masks_instead_of_nan():
    rng = np.random.default_rng(3)
    s = tiny_scene(rng, 4, 3)
    kp = s['kp2d'].copy()
    kp[0, 0, 3, 0] = np.nan  # one NaN joint: that token is masked, the sample still works
    kp[1, :, :, 2] = 0.0  # all scores zero: no pose
    kp[2, 1:, :, 2] = 0.0  # only one view: no pose
    kp[3, 0, :, :] = np.nan  # a whole view of NaN: two views remain
    f = _feat(s, kp)
    assert np.isfinite(f.tokens).all() and np.isfinite(f.base).all() and np.isfinite(f.anchor).all()
    assert f.ok.tolist() == [True, False, False, True]
    assert f.mask[0, 0, 3] == 0 and f.mask[0, 1, 3] == 1
    assert (f.tokens[~f.ok] == 0).all() and (f.mask[3, 0] == 0).all()


def test_missing_views_and_joints_are_masked():
    rng = np.random.default_rng(4)
    s = tiny_scene(rng, 8, 5, n_views_min=2)
    f = _feat(s)
    vm = s['view_mask']
    assert (f.mask[~vm] == 0).all() and (f.tokens[~vm] == 0).all()
    missing = s['kp2d'][..., 2] == 0
    assert (f.mask[missing] == 0).all()
