"""Writes a lifter as public/models/lifter/{manifest.json, weights.bin}, the format src/lifter/loader.ts reads.

manifest.json: format/version, the architecture config, the feature constants the network was trained with,
every tensor's PyTorch state_dict name, shape, dtype (float32, little-endian) and byte offset in weights.bin, and
the training provenance (data, steps, seed, date, validation MPJPE).
"""
from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import numpy as np
import torch

from . import features as F
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
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tensors, chunks, offset = [], [], 0
    for name, t in model.state_dict().items():
        a = t.detach().cpu().numpy().astype('<f4')
        tensors.append(dict(name=name, shape=list(a.shape), dtype='float32', offset=offset))
        chunks.append(a.tobytes())
        offset += a.nbytes
    weights_name = f'{stem}weights.bin'
    manifest = dict(format=FORMAT, version=VERSION, config=model.cfg.to_dict(), features=feature_constants(),
                    weights=weights_name, byte_length=offset, tensors=tensors,
                    provenance=dict(date=_dt.date.today().isoformat(), **provenance))
    (out_dir / weights_name).write_bytes(b''.join(chunks))
    (out_dir / f'{stem}manifest.json').write_text(json.dumps(manifest, indent=1) + '\n')
    return manifest


def load_exported(out_dir: str | Path, stem: str = '') -> Lifter:
    """Reads an export back into PyTorch (round-trip check and Python-side evaluation)."""
    from .model import LifterConfig

    out_dir = Path(out_dir)
    manifest = json.loads((out_dir / f'{stem}manifest.json').read_text())
    blob = (out_dir / manifest['weights']).read_bytes()
    model = Lifter(LifterConfig(**manifest['config']))
    state = {}
    for t in manifest['tensors']:
        n = int(np.prod(t['shape'])) if t['shape'] else 1
        a = np.frombuffer(blob, dtype='<f4', count=n, offset=t['offset']).reshape(t['shape'])
        state[t['name']] = torch.from_numpy(a.copy())
    model.load_state_dict(state)
    return model.eval()
