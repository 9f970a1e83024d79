"""Training loop for the lifter: on-the-fly synthetic batches → features → model, L1 MPJPE (mm) + error-head loss.

Seeded, single-threaded on CPU (2 shared cores), CUDA when present, plain print lines for progress. Checkpoints
carry both configs so export.py and resumed runs need nothing else.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from .checkpoint import plain, save_checkpoint
from .features import Features, compute_features
from .model import Lifter, LifterConfig, count_params

FACE = [0, 1, 2, 3, 4]
# A batch source: (rng, batch_size, n_views_min, n_views_max, split) → sample_batch-shaped dict.
BatchFn = Callable[[np.random.Generator, int, int, int, str], dict]


@dataclass
class TrainConfig:
    seed: int = 0
    steps: int = 20000
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 1e-4
    warmup: int = 300
    n_views_min: int = 2
    n_views_max: int = 8
    # Views per batch are drawn from this distribution over n_views_max (2..8): most real rigs have 2-4 cameras.
    view_weights: tuple = (3.0, 2.0, 2.0, 1.0, 1.0, 0.5, 0.5)
    conf_weight: float = 5.0
    p_scores_one: float = 0.15  # detectors without confidences: every detected joint scored 1
    p_no_face: float = 0.10  # detectors without face keypoints
    # Issue 8, for the error heads above all: rigs whose cameras all roll the same way (a tilted "up"), and samples
    # whose views each see another body. Training batches only; validation stays on level, consistent rigs.
    p_unlevel: float = 0.0
    p_inconsistent: float = 0.0
    p_precise: float = 0.0  # samples from a detector several times more precise than MoveNet
    log_every: int = 100
    val_every: int = 1000
    val_samples: int = 256
    val_views: tuple = (2, 3, 4, 6, 8)
    max_minutes: float = 0.0  # > 0: stop (and checkpoint) after this much wall time
    out: str = 'cache/lifter.pt'
    model: LifterConfig = field(default_factory=LifterConfig)
    init: str = ''  # a checkpoint to start from (a second, shorter schedule on top of a finished run)
    init_steps: int = 0  # steps that checkpoint had already trained, for the provenance


def augment(rng: np.random.Generator, kp2d: np.ndarray, cfg: TrainConfig) -> np.ndarray:
    """Score-style augmentations the data generator leaves to the lifter: no-confidence and no-face detectors."""
    kp = kp2d.copy()
    B = kp.shape[0]
    ones = rng.random(B) < cfg.p_scores_one
    s = kp[ones, ..., 2]
    kp[ones, ..., 2] = np.where(s > 0, 1.0, 0.0)
    noface = rng.random(B) < cfg.p_no_face
    kp[np.ix_(noface, np.arange(kp.shape[1]), FACE, [2])] = 0.0
    return kp


def to_tensors(feat: Features, device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    f32 = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float32), device=device)  # noqa: E731
    return f32(feat.tokens), f32(feat.mask), f32(feat.base)


def losses(model: Lifter, feat: Features, gt3d: np.ndarray, device, conf_weight: float, inconsistent=None):
    """inconsistent (B,) bool: samples whose views disagree. They have no right pose, so only the error heads learn
    from them (their targets: how far the output and the starting triangulation land from the first view's body)."""
    tokens, mask, base = to_tensors(feat, device)
    gt = torch.as_tensor(feat.to_canonical(gt3d).astype(np.float32), device=device)
    ok = torch.as_tensor(feat.ok.astype(np.float32), device=device)
    pose_ok = ok if inconsistent is None else ok * torch.as_tensor(~inconsistent, dtype=torch.float32, device=device)
    pose, log_err = model(tokens, mask, base)
    err = torch.linalg.vector_norm(pose - gt, dim=-1)  # (B,J) metres
    base_err = torch.linalg.vector_norm(base - gt, dim=-1)
    mpjpe = (err.mean(-1) * pose_ok).sum() / torch.clamp(pose_ok.sum(), min=1.0) * 1000.0
    target = torch.stack([err.detach(), base_err], -1).clamp_min(1e-3).log()
    conf = ((log_err - target).abs().mean((-1, -2)) * ok).sum() / torch.clamp(ok.sum(), min=1.0)
    return mpjpe + conf_weight * conf, mpjpe, conf, err, base_err


def lr_at(cfg: TrainConfig, step: int, frac: float) -> float:
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    return cfg.lr * (0.03 + 0.97 * 0.5 * (1 + math.cos(math.pi * min(frac, 1.0))))


@torch.no_grad()
def validate(model: Lifter, batch_fn: BatchFn, cfg: TrainConfig, device) -> dict:
    """MPJPE (mm) of the lifter and of its starting triangulation on held-out subjects, per view count."""
    model.eval()
    out = {}
    for nv in cfg.val_views:
        rng = np.random.default_rng(10_000 + nv)  # the same val samples at every evaluation
        s = batch_fn(rng, cfg.val_samples, nv, nv, 'val')
        feat = compute_features(s['kp2d'], s['K'], s['dist'], s['R'], s['t'], s['view_mask'])
        _, mpjpe, _, err, base_err = losses(model, feat, s['gt3d'], device, 0.0)
        ok = torch.as_tensor(feat.ok, device=device)
        out[nv] = dict(lifter=float(mpjpe), base=float(base_err[ok].mean() * 1000.0), ok=float(feat.ok.mean()))
    model.train()
    return out


def train(cfg: TrainConfig, batch_fn: BatchFn, log: Callable[[str], None] = print) -> tuple[Lifter, dict]:
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(1)
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    rng = np.random.default_rng(cfg.seed)
    model = Lifter(cfg.model).to(device)
    if cfg.init:
        model.load_state_dict(torch.load(cfg.init, map_location='cpu', weights_only=False)['model'])
        model.to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    log(f'lifter: {count_params(model)} parameters on {device}; {cfg.steps} steps of {cfg.batch_size}')
    vw = np.asarray(cfg.view_weights[: cfg.n_views_max - 1], dtype=np.float64)
    vw /= vw.sum()
    t0 = time.time()
    best, history, run_loss = math.inf, [], []
    step = 0
    for step in range(cfg.steps):
        minutes = (time.time() - t0) / 60.0
        frac = max(step / cfg.steps, minutes / cfg.max_minutes if cfg.max_minutes > 0 else 0.0)
        if cfg.max_minutes > 0 and minutes >= cfg.max_minutes:
            log(f'step {step}: time budget of {cfg.max_minutes} min reached')
            break
        for g in opt.param_groups:
            g['lr'] = lr_at(cfg, step, frac)
        nv_max = int(rng.choice(np.arange(2, 2 + len(vw)), p=vw))
        s = batch_fn(rng, cfg.batch_size, min(cfg.n_views_min, nv_max), nv_max, 'train')
        kp = augment(rng, s['kp2d'], cfg)
        feat = compute_features(kp, s['K'], s['dist'], s['R'], s['t'], s['view_mask'])
        loss, mpjpe, conf, _, _ = losses(model, feat, s['gt3d'], device, cfg.conf_weight, s.get('inconsistent'))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        run_loss.append((float(loss.detach()), float(mpjpe.detach())))
        if (step + 1) % cfg.log_every == 0:
            rl = np.mean(run_loss, axis=0)
            log(f'step {step + 1}/{cfg.steps} loss {rl[0]:.2f} train MPJPE {rl[1]:.1f} mm conf {float(conf.detach()):.3f} '
                f'lr {opt.param_groups[0]["lr"]:.2e} {(time.time() - t0) / 60:.1f} min')
            run_loss = []
        if (step + 1) % cfg.val_every == 0 or step + 1 == cfg.steps:
            best = _checkpoint(model, cfg, batch_fn, device, step + 1, t0, history, best, log)
    else:
        step = cfg.steps
    if not history or history[-1]['step'] != step:
        best = _checkpoint(model, cfg, batch_fn, device, step, t0, history, best, log)
    return model, dict(history=history, best=best)


def _checkpoint(model, cfg, batch_fn, device, step, t0, history, best, log):
    val = validate(model, batch_fn, cfg, device)
    mean = float(np.mean([v['lifter'] for v in val.values()]))
    history.append(dict(step=step, minutes=(time.time() - t0) / 60.0, val=val))
    log(f'val step {step}: ' + '  '.join(
        f'{nv}v lifter {v["lifter"]:.1f} / tri {v["base"]:.1f} mm' for nv, v in val.items()))
    state = dict(config=cfg.model.to_dict(), train_config=plain(asdict(cfg)), step=step, val=val, history=history)
    best = save_checkpoint(model, state, cfg.out, mean, best, log, f'{mean:.1f} mm mean over view counts')
    return best


def load_checkpoint(path: str | Path) -> tuple[Lifter, dict]:
    state = torch.load(path, map_location='cpu', weights_only=False)
    model = Lifter(LifterConfig(**state['config']))
    model.load_state_dict(state['model'])
    model.eval()
    return model, state
