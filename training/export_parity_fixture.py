"""Writes src/lifter/__fixtures__/: a small lifter (parity-manifest.json + parity-weights.bin), fixed frame sets on
distorted rigs (with a NaN joint, a missing view, zero scores, a single-view frame), and the Python features and
PyTorch outputs for them. src/lifter/*.test.ts require tfjs and the TS features to agree.

    cd training && python export_parity_fixture.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / 'tests'))

from lifter_tiny_rig import look_at, tiny_scene  # noqa: E402

from parallax_train import camera  # noqa: E402
from parallax_train.export import export  # noqa: E402
from parallax_train.features import compute_features  # noqa: E402
from parallax_train.model import Lifter, LifterConfig  # noqa: E402

OUT = HERE.parent / 'src' / 'lifter' / '__fixtures__'


def main() -> None:
    rng = np.random.default_rng(1234)
    B, V = 7, 4
    s = tiny_scene(rng, B, V, noise_px=2.0, missing=0.1)
    # Frame set 6: a ring of four cameras all rolled 50° the same way, so "up" comes from the mean image-up axis
    # (features.py, UP_MAX_DEV_DEG).
    a = np.deg2rad(50.0)
    Rz = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1.0]])
    for v in range(V):
        eye = 3.5 * np.array([np.cos(v * np.pi / 2), 0.0, np.sin(v * np.pi / 2)]) + [0, 1.7, 0]
        R, t = look_at(eye, [0.0, 1.0, 0.0])
        s['R'][6, v], s['t'][6, v] = Rz @ R, Rz @ t
    # Webcam-like lens distortion and an off-centre principal point, re-projected through the one camera model.
    dist = np.zeros((B, V, 5))
    dist[..., 0] = rng.uniform(-0.25, 0.1, (B, V))
    dist[..., 1] = rng.uniform(-0.05, 0.1, (B, V))
    dist[..., 2:4] = rng.uniform(-0.002, 0.002, (B, V, 2))
    K = s['K'].copy()
    K[..., 0, 2] += rng.uniform(-40, 40, (B, V))
    K[..., 1, 1] *= rng.uniform(0.98, 1.02, (B, V))
    kp = s['kp2d'].copy()
    kp[..., :2] = camera.project(K, dist, s['R'], s['t'], s['gt3d'][:, None]) + rng.normal(0, 2.0, (B, V, 17, 2))
    vm = np.ones((B, V), dtype=bool)
    kp[1, 2, 4, 0] = np.nan  # a NaN joint
    vm[2, 3] = False  # a missing view (null in TS)
    kp[3, 1:, :, 2] = 0.0  # only one view with detections: no pose
    kp[4, :, 0:5, 2] = 0.0  # no face keypoints anywhere
    kp[5, :, :, 2] = np.where(kp[5, :, :, 2] > 0, 1.0, 0.0)  # a detector without confidences

    kp = kp.astype(np.float32).astype(np.float64)  # TS detections are Float32Array: same inputs on both sides

    torch.manual_seed(7)
    cfg = LifterConfig(dim=16, heads=2, ffn=32, n_spatial=1, n_fusion=1, n_pose=1)
    model = Lifter(cfg).eval()
    with torch.no_grad():  # a zero head (the trained model's starting point) would hide the whole network
        model.head.weight.normal_(0, 0.3)
        model.head.bias.normal_(0, 0.1)
    export(model, OUT, dict(data='parity fixture: random weights', steps=0, seed=7), stem='parity-')

    f = compute_features(kp, K, dist, s['R'], s['t'], vm)
    mean_up = -s['R'][6, :, 1, :].sum(0)
    assert np.allclose(f.frame[6, 2], mean_up / np.linalg.norm(mean_up)), 'frame set 6 should take the mean image-up'
    t32 = lambda a: torch.tensor(np.asarray(a, dtype=np.float32))  # noqa: E731
    with torch.no_grad():
        pose, log_err = model(t32(f.tokens), t32(f.mask), t32(f.base))
    world = f.to_world(pose.double().numpy())

    def nan_to_none(a):
        return [None if not np.isfinite(x) else float(x) for x in np.asarray(a, np.float64).ravel()]

    cams = [[camera.camera_to_json(f'cam{v}', 1280, 720, K[b, v], dist[b, v], s['R'][b, v], s['t'][b, v])
             for v in range(V)] for b in range(B)]
    frames = [[nan_to_none(kp[b, v]) if vm[b, v] else None for v in range(V)] for b in range(B)]
    io = dict(
        note='Written by training/export_parity_fixture.py; do not edit.',
        cameras=cams, frames=frames, gt=s['gt3d'].tolist(),
        features=dict(tokens=f.tokens.ravel().tolist(), mask=f.mask.ravel().tolist(), base=f.base.ravel().tolist(),
                      anchor=f.anchor.tolist(), frame=f.frame.tolist(), ok=f.ok.tolist()),
        outputs=dict(pose=pose.numpy().ravel().tolist(), log_err=log_err.numpy().ravel().tolist(),
                     world=world.tolist()),
        shape=dict(B=B, V=V, J=17, F=f.tokens.shape[-1]))
    (OUT / 'parity-io.json').write_text(json.dumps(io) + '\n')
    print(f'wrote {OUT} ({sum(p.stat().st_size for p in OUT.iterdir())} bytes); ok={f.ok.tolist()}')


if __name__ == '__main__':
    main()
