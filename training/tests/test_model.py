"""Lifter network: shapes, masking, view-order invariance, size budget."""
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from lifter_tiny_rig import tiny_scene  # noqa: E402

from parallax_train.features import compute_features  # noqa: E402
from parallax_train.model import Lifter, LifterConfig, count_params  # noqa: E402


def _inputs(B=6, V=4, seed=0):
    s = tiny_scene(np.random.default_rng(seed), B, V, n_views_min=2)
    f = compute_features(s['kp2d'], s['K'], s['dist'], s['R'], s['t'], s['view_mask'])
    t = lambda a: torch.tensor(a, dtype=torch.float32)  # noqa: E731
    return t(f.tokens), t(f.mask), t(f.base)


def _model(seed=0):
    torch.manual_seed(seed)
    m = Lifter(LifterConfig())
    with torch.no_grad():  # the zero-initialised head would hide everything upstream
        m.head.weight.normal_(0, 0.1)
    return m.eval()


def test_shapes_and_budget():
    m = _model()
    assert count_params(m) <= 5_000_000 and count_params(m) * 4 <= 20e6
    tokens, mask, base = _inputs()
    pose, log_err = m(tokens, mask, base)
    assert pose.shape == (6, 17, 3) and log_err.shape == (6, 17, 2)
    assert torch.isfinite(pose).all() and torch.isfinite(log_err).all()


def test_masked_views_do_not_matter_and_view_order_does_not_matter():
    m = _model()
    tokens, mask, base = _inputs()
    with torch.no_grad():
        p0, e0 = m(tokens, mask, base)
        # Garbage in masked tokens must not leak.
        junk = tokens + (1 - mask).unsqueeze(-1) * 37.0
        p1, _ = m(junk, mask, base)
        perm = torch.tensor([2, 0, 3, 1])
        p2, e2 = m(tokens[:, perm], mask[:, perm], base)
    torch.testing.assert_close(p1, p0, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(p2, p0, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(e2, e0, atol=1e-5, rtol=1e-5)


def test_fully_masked_sample_is_finite():
    m = _model()
    tokens, mask, base = _inputs(B=2)
    mask[1] = 0
    tokens[1] = 0
    with torch.no_grad():
        pose, log_err = m(tokens, mask, base)
    assert torch.isfinite(pose).all() and torch.isfinite(log_err).all()


def test_export_round_trip(tmp_path):
    from parallax_train.export import export, load_exported

    m = _model()
    manifest = export(m, tmp_path, dict(data='test', steps=0, seed=0))
    names = [t['name'] for t in manifest['tensors']]
    assert names == list(m.state_dict().keys())
    assert (tmp_path / 'weights.bin').stat().st_size == manifest['byte_length'] == 4 * count_params(m)
    m2 = load_exported(tmp_path)
    tokens, mask, base = _inputs()
    with torch.no_grad():
        torch.testing.assert_close(m2(tokens, mask, base)[0], m(tokens, mask, base)[0])
