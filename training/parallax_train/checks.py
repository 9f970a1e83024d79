"""Errors of the motion-file readers (BVH, ASF/AMC, expmap): a file that cannot be read raises ReaderError naming
the file and the field or line, never IndexError/KeyError, and never hands on a non-finite or absurd number."""
from __future__ import annotations

import math

import numpy as np

# Largest magnitude of any number in a motion file: centimetres, inches and degrees all stay far below.
MAX_ABS = 1e6


class ReaderError(ValueError):
    pass


def num(tok, where: str) -> float:
    try:
        v = float(tok)
    except (TypeError, ValueError):
        raise ReaderError(f"{where}: {tok!r} is not a number") from None
    if not math.isfinite(v) or abs(v) > MAX_ABS:
        raise ReaderError(f"{where}: {tok!r} is not a finite number within ±{MAX_ABS:g}")
    return v


def count(tok, where: str, lo: int, hi: int) -> int:
    try:
        v = int(tok)
    except (TypeError, ValueError):
        raise ReaderError(f"{where}: {tok!r} is not a whole number") from None
    if not lo <= v <= hi:
        raise ReaderError(f"{where}: {v} is outside [{lo}, {hi}]")
    return v


def finite(a, where: str) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    bad = ~np.isfinite(a) | (np.abs(a) > MAX_ABS)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ReaderError(f"{where}{list(idx)}: {a[idx]!r} is not a finite number within ±{MAX_ABS:g}")
    return a
