"""Writes src/lifter/__fixtures__/temporal-*: a small temporal lifter (random weights), a committed window sequence
(a walking body seen by 4 distorted cameras at 30 fps, a view missing in some frame sets, a frame set with one
view, a NaN joint, a time gap of 0.9 s that must reset the window) and PyTorch's world poses for every frame set in
causal and offline mode (infer_temporal.lift_sequence). src/lifter/temporal.test.ts requires tfjs to agree.

    cd training && python export_temporal_parity_fixture.py
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

from lifter_tiny_rig import TEMPLATE, look_at  # noqa: E402

from parallax_train import camera  # noqa: E402
from parallax_train.export_temporal import export_temporal  # noqa: E402
from parallax_train.infer_temporal import lift_sequence  # noqa: E402
from parallax_train.model import LifterConfig  # noqa: E402
from parallax_train.model_temporal import TemporalConfig, TemporalLifter  # noqa: E402

OUT = HERE.parent / 'src' / 'lifter' / '__fixtures__'


def scene(rng, times):
    """A body walking along x at 0.8 m/s, arms swinging; 4 cameras on a ring with lens distortion."""
    N, V = len(times), 4
    W, H = 1280, 720
    K = np.zeros((V, 3, 3))
    R = np.zeros((V, 3, 3))
    t = np.zeros((V, 3))
    for v in range(V):
        a = v * np.pi / 2 + 0.3
        R[v], t[v] = look_at([3.5 * np.cos(a), 1.2 + 0.3 * v, 3.5 * np.sin(a)], [0.0, 1.0, 0.0])
        f = 900 + 60 * v
        K[v] = [[f, 0, (W - 1) / 2 + 10 * v], [0, f * 1.01, (H - 1) / 2], [0, 0, 1]]
    dist = np.zeros((V, 5))
    dist[:, 0] = rng.uniform(-0.2, 0.05, V)
    dist[:, 1] = rng.uniform(-0.03, 0.05, V)
    gt = np.zeros((N, 17, 3))
    for i, ti in enumerate(times):
        body = TEMPLATE.copy()
        swing = 0.15 * np.sin(2 * np.pi * 1.2 * ti)
        body[[7, 9], 2] += swing
        body[[8, 10], 2] -= swing
        body[[13, 15], 2] -= swing
        body[[14, 16], 2] += swing
        gt[i] = body + np.array([-0.6 + 0.8 * ti, 0.0, 0.1])
    kp = np.zeros((N, V, 17, 3))
    kp[..., :2] = camera.project(K[None], dist[None], R[None], t[None], gt[:, None]) + rng.normal(0, 2.0, (N, V, 17, 2))
    kp[..., 2] = rng.uniform(0.4, 1.0, (N, V, 17))
    return kp, gt, K, dist, R, t, W, H


def main() -> None:
    rng = np.random.default_rng(99)
    times = np.concatenate([np.arange(10) / 30.0, 1.2 + np.arange(6) / 30.0])
    kp, gt, K, dist, R, t, W, H = scene(rng, times)
    N, V = kp.shape[:2]
    vm = np.ones((N, V), bool)
    vm[3:6, 2] = False  # view 2 lost for three frame sets, then back
    kp[7, 1:, :, 2] = 0.0  # one usable view only: no pose for this frame set
    kp[8, 0, 4, 0] = np.nan  # a NaN joint
    kp[12, :, 9:11, 2] = 0.0  # the wrists missing everywhere in one frame set
    kp = kp.astype(np.float32).astype(np.float64)

    torch.manual_seed(11)
    cfg = TemporalConfig(frame=LifterConfig(dim=16, heads=2, ffn=32, n_spatial=1, n_fusion=1, n_pose=1).to_dict(),
                         dim=16, heads=2, ffn=32, n_time=2, n_pose=1)
    model = TemporalLifter(cfg).eval()
    with torch.no_grad():  # zero heads would hide both networks
        for h in (model.head, model.frame.head):
            h.weight.normal_(0, 0.3)
            h.bias.normal_(0, 0.1)
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = OUT / '_temporal'
    export_temporal(model, tmp, dict(data='parity fixture: random weights', seed=11))
    (tmp / 'manifest.json').rename(OUT / 'temporal-manifest.json')
    (tmp / 'weights.bin').rename(OUT / 'temporal-weights.bin')
    tmp.rmdir()
    m = json.loads((OUT / 'temporal-manifest.json').read_text())
    m['weights'] = 'temporal-weights.bin'
    (OUT / 'temporal-manifest.json').write_text(json.dumps(m, indent=1) + '\n')

    res = {}
    for mode in ('causal', 'offline'):
        world, log_err = lift_sequence(model, kp, K, dist, R, t, vm, times, offline=mode == 'offline')
        res[mode] = dict(world=[None if not np.isfinite(w).all() else w.ravel().tolist() for w in world],
                         log_err=[None if not np.isfinite(e).all() else e.ravel().tolist() for e in log_err])

    def nan_to_none(a):
        return [None if not np.isfinite(x) else float(x) for x in np.asarray(a, np.float64).ravel()]

    cams = [camera.camera_to_json(f'cam{v}', W, H, K[v], dist[v], R[v], t[v]) for v in range(V)]
    frames = [[nan_to_none(kp[i, v]) if vm[i, v] else None for v in range(V)] for i in range(N)]
    io = dict(note='Written by training/export_temporal_parity_fixture.py; do not edit.', cameras=cams,
              frames=frames, times=times.tolist(), gt=gt.tolist(), outputs=res)
    (OUT / 'temporal-io.json').write_text(json.dumps(io) + '\n')
    print(f'wrote {OUT}/temporal-*; posed causal: {sum(w is not None for w in res["causal"]["world"])}/{N}')


if __name__ == '__main__':
    main()
