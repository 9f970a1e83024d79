"""Statistics of the Python detector-noise model (training/parallax_train/noise.py) on a fixed clean view, written
to src/sim/__fixtures__/noise-stats.json; src/sim/noise.test.ts requires the TypeScript sampler to match them.

Run from the repository root:  python scripts/sim-noise-fixture.py
"""
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "training"))
from parallax_train.noise import NoiseModel  # noqa: E402

N = 40000
W = H = 1000
# A standing person, 17 COCO joints, well inside the image; limbs far apart so swaps are visible.
UV = np.array([[500, 200], [515, 185], [485, 185], [530, 195], [470, 195], [580, 300], [420, 300], [640, 420],
               [360, 420], [680, 540], [320, 540], [560, 560], [440, 560], [580, 720], [420, 720], [590, 860],
               [410, 860]], float)


def run(model, modes, view_scale):
    rng = np.random.default_rng(0)
    uv = np.broadcast_to(UV, (N, 1, 17, 2)).copy()
    vis = np.ones((N, 1, 17), bool)
    wh = np.full((N, 1), W, float)
    return model.apply(rng, uv, vis, wh, wh, np.ones((N, 1), bool), modes=modes, view_scale=view_scale)[:, 0]


def stats(kp):
    diag = np.hypot(UV[:, 0].max() - UV[:, 0].min(), UV[:, 1].max() - UV[:, 1].min())
    det = kp[..., 2] > 0
    rel = np.linalg.norm(kp[..., :2] - UV[None], axis=-1) / diag
    near = lambda a, b: np.linalg.norm(kp[:, a, :2] - UV[None, b], axis=-1) < np.linalg.norm(kp[:, a, :2] - UV[None, a], axis=-1)
    return {
        "median_rel_error": [float(np.median(rel[det[:, j], j])) for j in range(17)],
        "q90_rel_error": [float(np.quantile(rel[det[:, j], j], 0.9)) for j in range(17)],
        "detected": [float(det[:, j].mean()) for j in range(17)],
        "mean_score": [float(kp[det[:, j], j, 2].mean()) for j in range(17)],
        "left_wrist_swapped": float((det[:, 9] & near(9, 10)).mean()),
        "left_shoulder_swapped": float((det[:, 5] & near(5, 6)).mean()),
        "all_scores_one": float(np.all((kp[..., 2] == 1.0) | ~det, -1).mean()),
    }


model = NoiseModel.default()
no_swap = model.with_overrides(swap_view=0.0, swap_limb=0.0)
out = {
    "source": "scripts/sim-noise-fixture.py",
    "params": model.params,
    "n": N,
    "width": W,
    "height": H,
    "uv": UV.tolist(),
    "core": stats(run(no_swap, False, 1.0)),
    "swaps": stats(run(model, False, None)),
    "modes": stats(run(model, True, None)),
}
path = os.path.join(ROOT, "src", "sim", "__fixtures__", "noise-stats.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
print("wrote", path)
