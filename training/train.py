"""Train the lifter on on-the-fly synthetic batches (CMU bank, random rigs, measured detector noise).

    cd training && nice -n 10 nohup python train.py --minutes 55 > cache/train.log 2>&1 &
    python train.py --export cache/lifter.pt      # writes ../public/models/lifter/{manifest.json,weights.bin}

Validation MPJPE is on held-out subjects (the bank's "val" split); the benchmark's subjects ("bench") are never used.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from parallax_train.model import LifterConfig  # noqa: E402
from parallax_train.train import TrainConfig, load_checkpoint, train  # noqa: E402


def synthetic_batches(p_unlevel=0.0, p_inconsistent=0.0, p_precise=0.0):
    from parallax_train.bank import load_bank
    from parallax_train.noise import NoiseModel
    from parallax_train.synth import sample_batch

    banks = {}
    noise = NoiseModel.default()

    def batch_fn(rng, batch_size, n_views_min, n_views_max, split):
        if split not in banks:
            banks[split] = load_bank(split)
        hard = dict(p_unlevel=p_unlevel, p_inconsistent=p_inconsistent, p_precise=p_precise) if split == 'train' else {}
        return sample_batch(rng, banks[split], batch_size, n_views_min, n_views_max, noise=noise, **hard)

    return batch_fn


def export_checkpoint(path: Path, out_dir: Path) -> None:
    from parallax_train.export import export

    model, state = load_checkpoint(path)
    tc = state['train_config']
    last = state['val']
    prov = dict(
        data='synthetic 2D-3D pairs: CMU mocap (mocap.cs.cmu.edu) train subjects, random 2-8 camera rigs, '
             'detector-noise model training/noise/movenet_noise.json (fitted to MoveNet on the Pose2Sim recording), '
             'parallax_train.synth.sample_batch',
        steps=state['step'] + tc.get('init_steps', 0), batch_size=tc['batch_size'], seed=tc['seed'],
        schedule=(f'continued from {Path(tc["init"]).name} ({tc.get("init_steps", 0)} steps before this run, --init)'
                  if tc.get('init') else 'one run'),
        hard_samples=dict(p_unlevel=tc.get('p_unlevel', 0.0), p_inconsistent=tc.get('p_inconsistent', 0.0),
                          p_precise=tc.get('p_precise', 0.0)),
        val_mpjpe_mm={str(k): round(v['lifter'], 1) for k, v in last.items()},
        val_triangulation_mpjpe_mm={str(k): round(v['base'], 1) for k, v in last.items()},
        val_split='CMU held-out subjects (bank split "val")', trainer='training/train.py',
        train_minutes=round(state['history'][-1]['minutes'], 1))
    m = export(model, out_dir, prov)
    print(f'exported {path} → {out_dir} ({m["byte_length"]} bytes, step {state["step"]})')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--steps', type=int, default=TrainConfig.steps)
    ap.add_argument('--minutes', type=float, default=0.0, help='wall-time budget; the LR schedule follows it')
    ap.add_argument('--batch', type=int, default=TrainConfig.batch_size)
    ap.add_argument('--lr', type=float, default=TrainConfig.lr)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--dim', type=int, default=LifterConfig.dim)
    ap.add_argument('--val-every', type=int, default=TrainConfig.val_every)
    ap.add_argument('--out', default=str(HERE / 'cache' / 'lifter.pt'))
    ap.add_argument('--p-unlevel', type=float, default=TrainConfig.p_unlevel,
                    help='fraction of training rigs whose cameras all roll the same way by 10-45 degrees')
    ap.add_argument('--p-inconsistent', type=float, default=TrainConfig.p_inconsistent,
                    help='fraction of training samples whose views each see another body (error heads only)')
    ap.add_argument('--p-precise', type=float, default=TrainConfig.p_precise,
                    help='fraction of training samples from a detector 2-10 times more precise than the noise model')
    ap.add_argument('--init', metavar='CKPT', default='', help='start from this checkpoint\'s weights (same architecture)')
    ap.add_argument('--export', metavar='CKPT', help='export a checkpoint to public/models/lifter and exit')
    ap.add_argument('--export-dir', default=str(HERE.parent / 'public' / 'models' / 'lifter'))
    a = ap.parse_args()
    if a.export:
        export_checkpoint(Path(a.export), Path(a.export_dir))
        return
    mc = LifterConfig(dim=a.dim, ffn=2 * a.dim)
    init_steps = 0
    if a.init:
        _, prev = load_checkpoint(Path(a.init))
        mc = LifterConfig(**prev['config'])
        init_steps = prev['step'] + prev['train_config'].get('init_steps', 0)
    cfg = TrainConfig(seed=a.seed, steps=a.steps, batch_size=a.batch, lr=a.lr, max_minutes=a.minutes,
                      val_every=a.val_every, out=a.out, model=mc, init=a.init, init_steps=init_steps,
                      p_unlevel=a.p_unlevel, p_inconsistent=a.p_inconsistent, p_precise=a.p_precise)
    print(f'config: {cfg}', flush=True)
    train(cfg, synthetic_batches(cfg.p_unlevel, cfg.p_inconsistent, cfg.p_precise), log=lambda s: print(s, flush=True))


if __name__ == '__main__':
    np.seterr(all='ignore')
    main()
