"""Writes a lifter as public/models/lifter/{manifest.json, weights.bin}, the format src/lifter/loader.ts reads.

manifest.json: format/version, the architecture config, the feature constants the network was trained with,
every tensor's PyTorch state_dict name, shape, dtype (float32, little-endian) and byte offset in weights.bin, and
the training provenance (data, steps, seed, date, validation MPJPE).
"""
from __future__ import annotations

from pathlib import Path

from . import features as F
from .checkpoint import read_weights, write_weights
from .model import Lifter

FORMAT = 'parallax-lifter'
VERSION = 1


def feature_constants() -> dict:
    return dict(n_features=F.N_FEATURES, torso=list(F.TORSO), anchor_iters=F.ANCHOR_ITERS,
                anchor_cauchy_m=F.ANCHOR_CAUCHY_M, tri_iters=F.TRI_ITERS, tri_cauchy_m=F.TRI_CAUCHY_M,
                min_condition=F.MIN_CONDITION, up_prior=F.UP_PRIOR, up_spread=F.UP_SPREAD,
                up_max_dev_deg=F.UP_MAX_DEV_DEG)


def export(model: Lifter, out_dir: str | Path, provenance: dict, stem: str = '') -> dict:
    """Writes {stem}manifest.json and {stem}weights.bin into out_dir; returns the manifest."""
    header = dict(format=FORMAT, version=VERSION, config=model.cfg.to_dict(), features=feature_constants())
    return write_weights(model, out_dir, header, provenance, stem)


def load_exported(out_dir: str | Path, stem: str = '') -> Lifter:
    """Reads an export back into PyTorch (round-trip check and Python-side evaluation)."""
    from .model import LifterConfig

    manifest, state = read_weights(out_dir, stem)
    model = Lifter(LifterConfig(**manifest['config']))
    model.load_state_dict(state)
    return model.eval()
