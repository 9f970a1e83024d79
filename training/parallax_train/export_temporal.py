"""Writes the temporal lifter as public/models/lifter-temporal/{manifest.json, weights.bin}: the single-frame
lifter's format (export.py: tensors by PyTorch name, little-endian float32, byte offsets), format
`parallax-lifter-temporal`, config = the temporal config with the encoder's config under `frame`, the window rule
under `window` (src/lifter/window.ts refuses a file made with another), and the encoder's tensors under `frame.`.
"""
from __future__ import annotations

from . import sequences as S
from .checkpoint import read_weights, write_weights
from .export import feature_constants
from .model_temporal import N_TIME_FEATURES, TemporalConfig, TemporalLifter

FORMAT = 'parallax-lifter-temporal'
VERSION = 1


def window_constants() -> dict:
    return dict(min_gap_s=S.MIN_GAP_S, max_side=S.MAX_SIDE, side_s=S.SIDE_S, n_time_features=N_TIME_FEATURES)


def export_temporal(model: TemporalLifter, out_dir, provenance: dict) -> dict:
    header = dict(format=FORMAT, version=VERSION, config=model.cfg.to_dict(), features=feature_constants(),
                  window=window_constants())
    return write_weights(model, out_dir, header, provenance)


def load_exported_temporal(out_dir) -> TemporalLifter:
    manifest, state = read_weights(out_dir)
    model = TemporalLifter(TemporalConfig(**manifest['config']))
    model.load_state_dict(state)
    return model.eval()
