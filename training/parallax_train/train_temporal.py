"""Training loop for the temporal lifter on synthetic windows (synth_seq.sample_windows).

The per-frame encoder is the shipped single-frame lifter (--init), frozen: it is already trained on far more frame
sets than this budget could show it, and freezing it keeps the single-frame numbers as the floor. Only the temporal
part learns: L1 MPJPE (mm) of the target frame set + error heads (log-error L1), as train.py.
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
from .features import compute_features
from .model_temporal import TemporalConfig, TemporalLifter, count_trainable
from .sequences import TARGET

WindowFn = Callable[[np.random.Generator, int, int, int, str], dict]


@dataclass
class TemporalTrainConfig:
    seed: int = 0
    steps: int = 20000
    batch_size: int = 32
    lr: float = 1e-3
    weight_decay: float = 1e-4
    warmup: int = 200
    view_weights: tuple = (3.0, 2.0, 2.0, 1.0, 1.0, 0.5, 0.5)  # 2..8 views, as train.py
    conf_weight: float = 5.0
    p_scores_one: float = 0.1
    log_every: int = 50
    val_every: int = 500
    val_samples: int = 128
    val_views: tuple = (2, 3, 4, 6, 8)
    max_minutes: float = 0.0
    out: str = 'cache/lifter_temporal.pt'
    model: TemporalConfig = field(default_factory=TemporalConfig)
    init: str = ''  # a single-frame lifter checkpoint or export dir for the encoder, or a temporal checkpoint
    init_steps: int = 0


def window_inputs(model: TemporalLifter, s: dict, device, scores_one=None) -> dict:
    """Everything the temporal part needs from a window batch: runs features and the (frozen) encoder per used
    frame set and moves every pose into its target's canonical frame."""
    kp = s['kp2d']
    B, T, V = kp.shape[:3]
    slots = s['slots']
    bi, ti = np.nonzero(slots)
    kpu = kp[bi, ti].copy()
    if scores_one is not None:
        one = scores_one[bi]
        kpu[one, ..., 2] = np.where(kpu[one, ..., 2] > 0, 1.0, 0.0)
    feat = compute_features(kpu, s['K'][bi], s['dist'][bi], s['R'][bi], s['t'][bi], s['view_mask'][bi])
    f32 = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float32), device=device)  # noqa: E731
    with torch.no_grad():
        pose_c, log_err, emb = model.encode(f32(feat.tokens), f32(feat.mask), f32(feat.base))
    world = feat.to_world(pose_c.cpu().numpy().astype(np.float64))
    # The target of each window: its anchor and axes define the frame everything is expressed in.
    tgt = np.full(B, -1)
    is_t = ti == TARGET
    tgt[bi[is_t]] = np.nonzero(is_t)[0]
    ok_t = feat.ok[tgt] & (tgt >= 0)
    A, Q = feat.anchor[tgt], feat.frame[tgt]
    ref = np.einsum('nik,njk->nji', Q[bi], world - A[bi][:, None])
    Df = emb.shape[-1]
    E = torch.zeros(B, T, 17, Df, device=device)
    P = np.zeros((B, T, 17, 3))
    L = torch.zeros(B, T, 17, 2, device=device)
    E[bi, ti] = emb
    P[bi, ti] = ref
    L[bi, ti] = log_err
    used = np.zeros((B, T))
    used[bi, ti] = feat.ok
    gt_ref = np.einsum('bik,bjk->bji', Q, s['gt3d'][:, TARGET] - A[:, None])
    return dict(emb=E, pose_ref=f32(P), log_err=L, tau=f32(s['times']), slot_mask=f32(used),
                target_pose=f32(P[:, TARGET]), gt=f32(gt_ref), ok=f32(ok_t), tri=f32(feat.base[tgt]))


def losses(model, inp, conf_weight):
    pose, log_err = model(inp['emb'], inp['pose_ref'], inp['log_err'], inp['tau'], inp['slot_mask'],
                          inp['target_pose'], TARGET)
    ok = inp['ok']
    err = torch.linalg.vector_norm(pose - inp['gt'], dim=-1)
    tri_err = torch.linalg.vector_norm(inp['tri'] - inp['gt'], dim=-1)
    frame_err = torch.linalg.vector_norm(inp['target_pose'] - inp['gt'], dim=-1)
    n = torch.clamp(ok.sum(), min=1.0)
    mpjpe = (err.mean(-1) * ok).sum() / n * 1000.0
    target = torch.stack([err.detach(), tri_err], -1).clamp_min(1e-3).log()
    conf = ((log_err - target).abs().mean((-1, -2)) * ok).sum() / n
    return mpjpe + conf_weight * conf, dict(mpjpe=mpjpe, conf=conf, err=err, tri_err=tri_err, frame_err=frame_err)


def lr_at(cfg, step, frac):
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    return cfg.lr * (0.03 + 0.97 * 0.5 * (1 + math.cos(math.pi * min(frac, 1.0))))


@torch.no_grad()
def validate(model, window_fn: WindowFn, cfg, device) -> dict:
    """Per view count and mode (causal / offline): MPJPE (mm) of the temporal lifter, of the single-frame lifter
    (the encoder alone) and of the starting triangulation on the same target frame sets of held-out subjects."""
    model.eval()
    out = {}
    for nv in cfg.val_views:
        rng = np.random.default_rng(20_000 + nv)
        s = window_fn(rng, cfg.val_samples, nv, nv, 'val')
        inp = window_inputs(model, s, device)
        _, d = losses(model, inp, 0.0)
        ok = inp['ok'] > 0
        off = torch.as_tensor(s['offline'], device=device)
        row = {}
        for name, sel in (('causal', ok & ~off), ('offline', ok & off)):
            k = torch.clamp(sel.sum(), min=1)
            row[name] = float(d['err'].mean(-1)[sel].sum() / k * 1000)
            row[f'{name}_frame'] = float(d['frame_err'].mean(-1)[sel].sum() / k * 1000)
            row[f'{name}_tri'] = float(d['tri_err'].mean(-1)[sel].sum() / k * 1000)
        row['ok'] = float(ok.float().mean())
        out[nv] = row
    model.train()
    return out


def build_model(cfg: TemporalTrainConfig) -> TemporalLifter:
    model = TemporalLifter(cfg.model)
    if cfg.init:
        p = Path(cfg.init)
        if p.is_dir():  # an exported single-frame lifter (public/models/lifter)
            from .export import load_exported
            model.frame.load_state_dict(load_exported(p).state_dict())
        else:
            state = torch.load(p, map_location='cpu', weights_only=False)
            if state.get('kind') == 'temporal':
                model.load_state_dict(state['model'])
            else:
                model.frame.load_state_dict(state['model'])
    for p_ in model.frame.parameters():
        p_.requires_grad_(False)
    return model


def train(cfg: TemporalTrainConfig, window_fn: WindowFn, log: Callable[[str], None] = print):
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(1)
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    rng = np.random.default_rng(cfg.seed)
    model = build_model(cfg).to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    log(f'temporal lifter: {count_trainable(model)} trainable parameters (+ frozen encoder) on {device}; '
        f'{cfg.steps} steps of {cfg.batch_size} windows')
    vw = np.asarray(cfg.view_weights, float)
    vw /= vw.sum()
    t0 = time.time()
    best, history, run = math.inf, [], []
    step = 0
    for step in range(cfg.steps):
        minutes = (time.time() - t0) / 60.0
        frac = max(step / cfg.steps, minutes / cfg.max_minutes if cfg.max_minutes > 0 else 0.0)
        if cfg.max_minutes > 0 and minutes >= cfg.max_minutes:
            log(f'step {step}: time budget of {cfg.max_minutes} min reached')
            break
        for g in opt.param_groups:
            g['lr'] = lr_at(cfg, step, frac)
        nv = int(rng.choice(np.arange(2, 2 + len(vw)), p=vw))
        s = window_fn(rng, cfg.batch_size, 2, nv, 'train')
        inp = window_inputs(model, s, device, scores_one=rng.random(cfg.batch_size) < cfg.p_scores_one)
        loss, d = losses(model, inp, cfg.conf_weight)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        fe = float((d['frame_err'].mean(-1) * inp['ok']).sum() / torch.clamp(inp['ok'].sum(), min=1) * 1000)
        run.append((float(loss.detach()), float(d['mpjpe'].detach()), fe))
        if (step + 1) % cfg.log_every == 0:
            r = np.mean(run, 0)
            log(f'step {step + 1}/{cfg.steps} loss {r[0]:.2f} train MPJPE {r[1]:.1f} mm (single-frame {r[2]:.1f}) '
                f'lr {opt.param_groups[0]["lr"]:.2e} {(time.time() - t0) / 60:.1f} min')
            run = []
        if (step + 1) % cfg.val_every == 0:
            best = _checkpoint(model, cfg, window_fn, device, step + 1, t0, history, best, log)
    else:
        step = cfg.steps
    if not history or history[-1]['step'] != step:
        best = _checkpoint(model, cfg, window_fn, device, step, t0, history, best, log)
    return model, dict(history=history, best=best)


def _checkpoint(model, cfg, window_fn, device, step, t0, history, best, log):
    val = validate(model, window_fn, cfg, device)
    mean = float(np.mean([v['causal'] + v['offline'] for v in val.values()]))
    history.append(dict(step=step, minutes=(time.time() - t0) / 60.0, val=val))
    log(f'val step {step}: ' + '  '.join(
        f'{nv}v causal {v["causal"]:.1f} offline {v["offline"]:.1f} (frame {v["causal_frame"]:.1f}/'
        f'{v["offline_frame"]:.1f}, tri {v["causal_tri"]:.1f})' for nv, v in val.items()))
    tc = asdict(cfg)
    tc['model'] = cfg.model.to_dict()
    state = dict(kind='temporal', config=cfg.model.to_dict(), train_config=plain(tc), step=step, val=val, history=history)
    best = save_checkpoint(model, state, cfg.out, mean, best, log, f'{mean / 2:.1f} mm mean')
    return best


def load_temporal(path) -> tuple[TemporalLifter, dict]:
    state = torch.load(path, map_location='cpu', weights_only=False)
    model = TemporalLifter(TemporalConfig(**state['config']))
    model.load_state_dict(state['model'])
    return model.eval(), state
