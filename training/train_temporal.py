"""Train the temporal lifter on synthetic windows (CMU sequences at 15-60 fps, random rigs, measured temporal
detector noise), the encoder initialised from the shipped single-frame lifter and frozen.

    cd training && nice -n 10 nohup python train_temporal.py --init ../public/models/lifter --minutes 60 \
        > cache/train_temporal.log 2>&1 &
    python train_temporal.py --export cache/lifter_temporal.pt   # → ../public/models/lifter-temporal

Validation: held-out subjects (bank split "val"); the benchmark's subject ("bench") is never used.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from parallax_train.model_temporal import TemporalConfig  # noqa: E402
from parallax_train.train_temporal import TemporalTrainConfig, load_temporal, train  # noqa: E402


def synthetic_windows():
    from parallax_train.sequences import SeqBank
    from parallax_train.synth_seq import sample_windows
    from parallax_train.temporal_noise import TemporalNoise

    banks = {}
    noise = TemporalNoise.default()

    def window_fn(rng, batch_size, n_views_min, n_views_max, split):
        if split not in banks:
            banks[split] = SeqBank.load(split)
        return sample_windows(rng, banks[split], batch_size, n_views_min, n_views_max, noise=noise)

    return window_fn


def export_checkpoint(path: Path, out_dir: Path) -> None:
    from parallax_train.export_temporal import export_temporal

    model, state = load_temporal(path)
    tc = state['train_config']
    val = state['val']
    prov = dict(
        data='synthetic windows: CMU mocap (mocap.cs.cmu.edu) train subjects as continuous sequences at 15-60 fps, '
             'random 2-8 camera rigs, detector noise training/noise/movenet_noise.json with the temporal structure '
             'measured in training/noise/movenet_pose2sim_temporal.json, parallax_train.synth_seq.sample_windows',
        encoder='the single-frame lifter public/models/lifter (its weights are the frame.* tensors), frozen',
        steps=state['step'] + tc.get('init_steps', 0), batch_size=tc['batch_size'], seed=tc['seed'],
        schedule=(f'continued from {Path(tc["init"]).name} ({tc.get("init_steps", 0)} steps before this run)'
                  if tc.get('init_steps') else 'one run'),
        val_mpjpe_mm={str(k): {m: round(v[m], 1) for m in ('causal', 'offline', 'causal_frame', 'offline_frame',
                                                              'causal_tri', 'offline_tri')} for k, v in val.items()},
        val_split='CMU held-out subjects (bank split "val"), windows at 15-60 fps', trainer='training/train_temporal.py',
        train_minutes=round(state['history'][-1]['minutes'], 1))
    m = export_temporal(model, out_dir, prov)
    print(f'exported {path} → {out_dir} ({m["byte_length"]} bytes, step {state["step"]})')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--steps', type=int, default=TemporalTrainConfig.steps)
    ap.add_argument('--minutes', type=float, default=0.0)
    ap.add_argument('--batch', type=int, default=TemporalTrainConfig.batch_size)
    ap.add_argument('--lr', type=float, default=TemporalTrainConfig.lr)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--dim', type=int, default=TemporalConfig.dim)
    ap.add_argument('--n-time', type=int, default=TemporalConfig.n_time)
    ap.add_argument('--val-every', type=int, default=TemporalTrainConfig.val_every)
    ap.add_argument('--warmup', type=int, default=TemporalTrainConfig.warmup)
    ap.add_argument('--val-samples', type=int, default=TemporalTrainConfig.val_samples)
    ap.add_argument('--out', default=str(HERE / 'cache' / 'lifter_temporal.pt'))
    ap.add_argument('--init', default=str(HERE.parent / 'public' / 'models' / 'lifter'),
                    help='encoder: an exported single-frame lifter dir or checkpoint; or a temporal checkpoint')
    ap.add_argument('--export', metavar='CKPT')
    ap.add_argument('--export-dir', default=str(HERE.parent / 'public' / 'models' / 'lifter-temporal'))
    a = ap.parse_args()
    if a.export:
        export_checkpoint(Path(a.export), Path(a.export_dir))
        return
    from parallax_train.export import load_exported

    init_steps = 0
    if Path(a.init).is_dir():
        mc = TemporalConfig(dim=a.dim, ffn=2 * a.dim, n_time=a.n_time, frame=load_exported(a.init).cfg.to_dict())
    else:  # a temporal checkpoint: a second schedule on top of it, same architecture
        _, prev = load_temporal(a.init)
        mc = TemporalConfig(**prev['config'])
        init_steps = prev['step'] + prev['train_config'].get('init_steps', 0)
    cfg = TemporalTrainConfig(seed=a.seed, steps=a.steps, batch_size=a.batch, lr=a.lr, max_minutes=a.minutes,
                              val_every=a.val_every, val_samples=a.val_samples, out=a.out, model=mc, init=a.init,
                              init_steps=init_steps, warmup=a.warmup)
    print(f'config: {cfg}', flush=True)
    train(cfg, synthetic_windows(), log=lambda s: print(s, flush=True))


if __name__ == '__main__':
    np.seterr(all='ignore')
    main()
