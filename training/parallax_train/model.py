"""The lifter network; src/lifter/model.ts mirrors it module for module (same state_dict names).

tokens (B,V,J,F) → linear + joint embedding → spatial blocks (attention among one view's joints) → fusion blocks
(attention over every view's tokens) → masked mean over views per joint → pose blocks (attention among the 17
joints, which lets missing joints be inferred) → head: a residual on the per-joint triangulation (canonical frame)
plus log predicted errors (the lifter's own, and the starting triangulation's) in metres.

Only ops with tfjs equivalents: Linear, LayerNorm, softmax attention with an additive mask, erf-GELU, reshapes.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn

from .features import N_FEATURES, NUM_JOINTS

MASK_NEG = -1e9


@dataclass
class LifterConfig:
    n_features: int = N_FEATURES
    n_joints: int = NUM_JOINTS
    dim: int = 64
    heads: int = 4
    ffn: int = 128
    n_spatial: int = 1
    n_fusion: int = 2
    n_pose: int = 1
    out_scale: float = 0.1  # metres per unit of the residual head
    ln_eps: float = 1e-5

    def to_dict(self) -> dict:
        return asdict(self)


def gelu(x: torch.Tensor) -> torch.Tensor:
    return 0.5 * x * (1.0 + torch.erf(x * (1.0 / math.sqrt(2.0))))


class Block(nn.Module):
    """Pre-norm transformer block; attention mask is additive (0 or MASK_NEG) over keys."""

    def __init__(self, cfg: LifterConfig):
        super().__init__()
        self.heads = cfg.heads
        self.ln1 = nn.LayerNorm(cfg.dim, eps=cfg.ln_eps)
        self.qkv = nn.Linear(cfg.dim, 3 * cfg.dim)
        self.proj = nn.Linear(cfg.dim, cfg.dim)
        self.ln2 = nn.LayerNorm(cfg.dim, eps=cfg.ln_eps)
        self.fc1 = nn.Linear(cfg.dim, cfg.ffn)
        self.fc2 = nn.Linear(cfg.ffn, cfg.dim)

    def forward(self, x: torch.Tensor, key_bias: torch.Tensor | None) -> torch.Tensor:
        # x: (N, T, D); key_bias: (N, 1, 1, T) or None
        N, T, D = x.shape
        H = self.heads
        dh = D // H
        qkv = self.qkv(self.ln1(x)).reshape(N, T, 3, H, dh).permute(2, 0, 3, 1, 4)  # (3,N,H,T,dh)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(dh))
        if key_bias is not None:
            att = att + key_bias
        att = torch.softmax(att, dim=-1)
        y = torch.matmul(att, v).permute(0, 2, 1, 3).reshape(N, T, D)
        x = x + self.proj(y)
        return x + self.fc2(gelu(self.fc1(self.ln2(x))))


class Lifter(nn.Module):
    def __init__(self, cfg: LifterConfig):
        super().__init__()
        self.cfg = cfg
        D, J = cfg.dim, cfg.n_joints
        self.inp = nn.Linear(cfg.n_features, D)
        self.joint_emb = nn.Parameter(torch.randn(J, D) * 0.02)
        self.spatial = nn.ModuleList(Block(cfg) for _ in range(cfg.n_spatial))
        self.fusion = nn.ModuleList(Block(cfg) for _ in range(cfg.n_fusion))
        self.pose_emb = nn.Parameter(torch.randn(J, D) * 0.02)
        self.pose = nn.ModuleList(Block(cfg) for _ in range(cfg.n_pose))
        self.ln_out = nn.LayerNorm(D, eps=cfg.ln_eps)
        self.head = nn.Linear(D, 5)  # residual xyz, log error of the lifter, log error of the base
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, tokens: torch.Tensor, mask: torch.Tensor, base: torch.Tensor):
        """tokens (B,V,J,F), mask (B,V,J) 0/1, base (B,J,3) → (pose (B,J,3) canonical metres, log_err (B,J,2))."""
        B, V, J, F = tokens.shape
        D = self.cfg.dim
        x = self.inp(tokens) + self.joint_emb  # (B,V,J,D)
        bias = (1.0 - mask) * MASK_NEG
        xs = x.reshape(B * V, J, D)
        sb = bias.reshape(B * V, 1, 1, J)
        for blk in self.spatial:
            xs = blk(xs, sb)
        xf = xs.reshape(B, V * J, D)
        fb = bias.reshape(B, 1, 1, V * J)
        for blk in self.fusion:
            xf = blk(xf, fb)
        m = mask.unsqueeze(-1)  # (B,V,J,1)
        xf = xf.reshape(B, V, J, D) * m
        pooled = xf.sum(1) / torch.clamp(m.sum(1), min=1.0)  # (B,J,D)
        xp = pooled + self.pose_emb
        for blk in self.pose:
            xp = blk(xp, None)
        out = self.head(self.ln_out(xp))
        pose = base + out[..., :3] * self.cfg.out_scale
        return pose, out[..., 3:]


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
