"""Writes the temporal lifter as public/models/lifter-temporal/{manifest.json, weights.bin}: the single-frame
lifter's format (export.py: tensors by PyTorch name, little-endian float32, byte offsets), format
`parallax-lifter-temporal`, config = the temporal config with the encoder's config under `frame`, the window rule
under `window` (src/lifter/window.ts refuses a file made with another), and the encoder's tensors under `frame.`.
"""
from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import numpy as np
import torch

from . import sequences as S
from .export import feature_constants
from .model_temporal import N_TIME_FEATURES, TemporalConfig, TemporalLifter

FORMAT = 'parallax-lifter-temporal'
VERSION = 1


def window_constants() -> dict:
    return dict(min_gap_s=S.MIN_GAP_S, max_side=S.MAX_SIDE, side_s=S.SIDE_S, n_time_features=N_TIME_FEATURES)


def export_temporal(model: TemporalLifter, out_dir, provenance: dict) -> dict:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tensors, chunks, offset = [], [], 0
    for name, t in model.state_dict().items():
        a = t.detach().cpu().numpy().astype('<f4')
        tensors.append(dict(name=name, shape=list(a.shape), dtype='float32', offset=offset))
        chunks.append(a.tobytes())
        offset += a.nbytes
    manifest = dict(format=FORMAT, version=VERSION, config=model.cfg.to_dict(), features=feature_constants(),
                    window=window_constants(), weights='weights.bin', byte_length=offset, tensors=tensors,
                    provenance=dict(date=_dt.date.today().isoformat(), **provenance))
    (out_dir / 'weights.bin').write_bytes(b''.join(chunks))
    (out_dir / 'manifest.json').write_text(json.dumps(manifest, indent=1) + '\n')
    return manifest


def load_exported_temporal(out_dir) -> TemporalLifter:
    out_dir = Path(out_dir)
    manifest = json.loads((out_dir / 'manifest.json').read_text())
    blob = (out_dir / manifest['weights']).read_bytes()
    model = TemporalLifter(TemporalConfig(**manifest['config']))
    state = {}
    for t in manifest['tensors']:
        n = int(np.prod(t['shape'])) if t['shape'] else 1
        state[t['name']] = torch.from_numpy(np.frombuffer(blob, '<f4', n, t['offset']).reshape(t['shape']).copy())
    model.load_state_dict(state)
    return model.eval()
