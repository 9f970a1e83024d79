"""What both trainers and both exporters share: saving a checkpoint (the last one and the best so far) and writing
a model's weights as one float32 little-endian blob with the tensor table the TypeScript loaders read."""
from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import torch


def plain(d):
    """A config as JSON-able nested dicts and lists (tuples become lists)."""
    if isinstance(d, dict):
        return {k: plain(v) for k, v in d.items()}
    if isinstance(d, (list, tuple)):
        return [plain(v) for v in d]
    return d


def save_checkpoint(model, state: dict, out: str | Path, score: float, best: float, log, shown: str) -> float:
    """Saves `state` plus the model's weights as <out>.last.pt, and as <out> when `score` beats `best` (lower is
    better). Returns the new best."""
    state = dict(state, model={k: v.detach().cpu() for k, v in model.state_dict().items()})
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, out.with_suffix('.last.pt'))
    if score < best:
        torch.save(state, out)
        log(f'  best so far ({shown}) → {out}')
        return score
    return best


def write_weights(model, out_dir: str | Path, header: dict, provenance: dict, stem: str = '') -> dict:
    """Writes {stem}weights.bin and {stem}manifest.json (header + the tensor table + provenance with today's date)
    into out_dir; returns the manifest."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tensors, chunks, offset = [], [], 0
    for name, t in model.state_dict().items():
        a = t.detach().cpu().numpy().astype('<f4')
        tensors.append(dict(name=name, shape=list(a.shape), dtype='float32', offset=offset))
        chunks.append(a.tobytes())
        offset += a.nbytes
    weights_name = f'{stem}weights.bin'
    manifest = dict(header, weights=weights_name, byte_length=offset, tensors=tensors,
                    provenance=dict(date=_dt.date.today().isoformat(), **provenance))
    (out_dir / weights_name).write_bytes(b''.join(chunks))
    (out_dir / f'{stem}manifest.json').write_text(json.dumps(manifest, indent=1) + '\n')
    return manifest


def read_weights(out_dir: str | Path, stem: str = '') -> tuple[dict, dict]:
    """An export read back: its manifest and a state_dict of tensors (round-trip checks, Python-side evaluation)."""
    import numpy as np

    out_dir = Path(out_dir)
    manifest = json.loads((out_dir / f'{stem}manifest.json').read_text())
    blob = (out_dir / manifest['weights']).read_bytes()
    state = {}
    for t in manifest['tensors']:
        n = int(np.prod(t['shape'])) if t['shape'] else 1
        state[t['name']] = torch.from_numpy(np.frombuffer(blob, dtype='<f4', count=n, offset=t['offset']).reshape(t['shape']).copy())
    return manifest, state
