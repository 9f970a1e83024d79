"""A few steps of a tiny lifter on tiny rigs lower the loss (CI: seconds)."""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from lifter_tiny_rig import tiny_scene  # noqa: E402

from parallax_train.model import LifterConfig  # noqa: E402
from parallax_train.train import TrainConfig, load_checkpoint, train  # noqa: E402


def _batches(rng, B, vmin, vmax, split):
    return tiny_scene(rng, B, vmax, n_views_min=vmin, noise_px=3.0)


def test_few_steps_lower_the_loss(tmp_path):
    cfg = TrainConfig(steps=120, batch_size=16, lr=3e-3, warmup=10, val_every=60, log_every=20, val_samples=32, val_views=(2, 4),
                      n_views_max=4, out=str(tmp_path / 'tiny.pt'),
                      model=LifterConfig(dim=32, heads=2, ffn=64, n_spatial=1, n_fusion=1, n_pose=1))
    lines = []
    model, info = train(cfg, _batches, log=lines.append)
    hist = info['history']
    first = [float(line.split('loss ')[1].split(' ')[0]) for line in lines if line.startswith('step ')]
    assert first[-1] < 0.8 * first[0], lines
    # The residual head learned something beyond its starting triangulation.
    last = hist[-1]['val'][2]
    assert last['lifter'] < last['base'], hist
    assert len(hist) == 2
    m2, state = load_checkpoint(tmp_path / 'tiny.pt')
    assert state['config']['dim'] == 32 and state['train_config']['steps'] == 120
