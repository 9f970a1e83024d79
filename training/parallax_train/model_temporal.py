"""The temporal lifter: the single-frame lifter (model.py) as a per-frame encoder, then a transformer over time per
joint, then one over the joints of the target frame. src/lifter/temporal-model.ts mirrors it (same state_dict
names: the encoder's under `frame.`).

Per frame set of the window the encoder gives, in that frame's own canonical frame, a pose, two log errors and the
per-joint embedding (its pose block's output, layer-normalised without the affine). The poses are moved into the
*target* frame set's canonical frame through the world (exact, so the model stays world-frame equivariant), and each
(frame, joint) becomes a token: [embedding, pose in the target frame, (pose − the target's pose) × diff_scale, log errors, time
features of τ = t − t_target]. The frame rate is never an input: τ is, so 15-60 fps and dropped frame sets are all
the same to the model. Attention over time per joint (masked: frame sets that are absent or gave no features)
→ the target's token per joint → attention among the 17 joints → head: a residual (× out_scale m) on the
encoder's target pose and two log errors (own, and the target's starting triangulation's: the fallback rule's
inputs, as the single-frame lifter's). Causal and offline are the same weights: the window holds past frame sets
only, or both sides.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import torch
from torch import nn
from torch.nn import functional as Fn

from .model import MASK_NEG, Block, Lifter, LifterConfig

N_TIME_FEATURES = 3
TIME_SCALE_S = 0.5


@dataclass
class TemporalConfig:
    frame: dict = field(default_factory=lambda: LifterConfig().to_dict())
    dim: int = 64
    heads: int = 4
    ffn: int = 128
    n_time: int = 2
    n_pose: int = 1
    out_scale: float = 0.1
    ln_eps: float = 1e-5
    time_scale_s: float = TIME_SCALE_S
    # Motion between frame sets is centimetres; scaled up so that it weighs like the unit-scale embedding from the
    # first step (otherwise the input layer needs thousands of steps to grow weights that large).
    diff_scale: float = 20.0

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def n_in(self) -> int:
        return self.frame['dim'] + 3 + 3 + 2 + N_TIME_FEATURES

    def block_cfg(self) -> LifterConfig:
        return LifterConfig(dim=self.dim, heads=self.heads, ffn=self.ffn, ln_eps=self.ln_eps)


def time_features(tau: torch.Tensor, scale: float) -> torch.Tensor:
    """τ (...,) seconds → (..., 3): τ/s, (τ/s)², |τ/s| (the TS side computes the same numbers)."""
    u = tau / scale
    return torch.stack([u, u * u, u.abs()], -1)


class TemporalLifter(nn.Module):
    def __init__(self, cfg: TemporalConfig):
        super().__init__()
        self.cfg = cfg
        fc = LifterConfig(**cfg.frame)
        self.frame = Lifter(fc)
        D, Jn = cfg.dim, fc.n_joints
        bc = cfg.block_cfg()
        self.inp = nn.Linear(cfg.n_in, D)
        self.joint_emb = nn.Parameter(torch.randn(Jn, D) * 0.02)
        self.time = nn.ModuleList(Block(bc) for _ in range(cfg.n_time))
        self.pose_emb = nn.Parameter(torch.randn(Jn, D) * 0.02)
        self.pose = nn.ModuleList(Block(bc) for _ in range(cfg.n_pose))
        self.ln_out = nn.LayerNorm(D, eps=cfg.ln_eps)
        self.head = nn.Linear(D, 5)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def encode(self, tokens, mask, base):
        """The per-frame encoder: (pose (N,J,3), log_err (N,J,2), emb (N,J,Df)) in each frame's canonical frame."""
        f = self.frame
        B, V, J, F = tokens.shape
        D = f.cfg.dim
        x = f.inp(tokens) + f.joint_emb
        bias = (1.0 - mask) * MASK_NEG
        xs = x.reshape(B * V, J, D)
        for blk in f.spatial:
            xs = blk(xs, bias.reshape(B * V, 1, 1, J))
        xf = xs.reshape(B, V * J, D)
        for blk in f.fusion:
            xf = blk(xf, bias.reshape(B, 1, 1, V * J))
        m = mask.unsqueeze(-1)
        xf = xf.reshape(B, V, J, D) * m
        xp = xf.sum(1) / torch.clamp(m.sum(1), min=1.0) + f.pose_emb
        for blk in f.pose:
            xp = blk(xp, None)
        emb = Fn.layer_norm(xp, (D,), eps=f.cfg.ln_eps)
        out = f.head(f.ln_out(xp))
        return base + out[..., :3] * f.cfg.out_scale, out[..., 3:], emb

    def forward(self, emb, pose_ref, log_err, tau, slot_mask, target_pose, target: int | torch.Tensor):
        """emb (B,T,J,Df), pose_ref (B,T,J,3) every frame's pose in the target's canonical frame, log_err (B,T,J,2),
        tau (B,T) seconds from the target, slot_mask (B,T) 0/1, target_pose (B,J,3) the encoder's target pose,
        target: the target's slot (int, or (B,) long). → pose (B,J,3) target canonical metres, log_err (B,J,2)."""
        B, T, J, _ = emb.shape
        D = self.cfg.dim
        tf = time_features(tau, self.cfg.time_scale_s)[:, :, None, :].expand(B, T, J, N_TIME_FEATURES)
        x_in = torch.cat([emb, pose_ref, (pose_ref - target_pose[:, None]) * self.cfg.diff_scale, log_err, tf], -1)
        x = self.inp(x_in) + self.joint_emb  # (B,T,J,D)
        x = x.permute(0, 2, 1, 3).reshape(B * J, T, D)
        bias = ((1.0 - slot_mask) * MASK_NEG)[:, None, :].expand(B, J, T).reshape(B * J, 1, 1, T)
        for blk in self.time:
            x = blk(x, bias)
        x = x.reshape(B, J, T, D)
        if isinstance(target, int):
            xt = x[:, :, target]
        else:
            xt = x[torch.arange(B), :, target]
        xp = xt + self.pose_emb
        for blk in self.pose:
            xp = blk(xp, None)
        out = self.head(self.ln_out(xp))
        return target_pose + out[..., :3] * self.cfg.out_scale, out[..., 3:]


def count_trainable(model: nn.Module) -> int:
    return sum(p.numel() for n, p in model.named_parameters() if not n.startswith('frame.'))
