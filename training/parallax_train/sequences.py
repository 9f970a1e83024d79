"""Continuous pose sequences (time in them) for the temporal lifter: the CMU clips at 60 fps, windows resampled to
any frame rate, and the window rule the TS side shares (src/lifter/window.ts).

The sequence bank keeps every clip whole (no near-duplicate removal, root motion kept) at 60 fps: ASF/AMC and the
expmap parts every 2nd frame of 120 fps, the retargeted BVH every frame of 60 fps. Cached in
training/cache/seq_<split>.npz (git-ignored), built on demand. Splits are the bank's (by subject, README).
"""
from __future__ import annotations

import os
import time

import numpy as np

from . import cmu
from .bank import CACHE

SEQ_FPS = 60.0
SEQ_VERSION = 1
STEPS = {"asf": 2, "bvh": 1, "expmap": 2}  # → 60 fps from 120 / 60 / 120 fps sources

# The window rule (mirrored by src/lifter/window.ts): from the target frame, step back (and, offline, forward)
# picking a frame set when it lies at least MIN_GAP_S from the last one picked, up to MAX_SIDE on each side and no
# further than SIDE_S from the target. At 15-30 fps that is every frame, at 60 fps every 2nd: 0.33-0.5 s a side.
MIN_GAP_S = 0.03
MAX_SIDE = 10
SIDE_S = 0.5
T_SLOTS = 2 * MAX_SIDE + 1  # slot MAX_SIDE is the target; past before it (nearest last), future after it
TARGET = MAX_SIDE


def select_window(times, target, offline):
    """Indices of the frame sets a window uses, in time order, and the target's position among them.

    times: increasing 1-D array of seconds; target: index into it. Causal: past only; offline: both sides."""
    t0 = times[target]
    past, last = [], t0
    for i in range(target - 1, -1, -1):
        if t0 - times[i] > SIDE_S or len(past) == MAX_SIDE:
            break
        if last - times[i] >= MIN_GAP_S - 1e-9:
            past.append(i)
            last = times[i]
    fut = []
    if offline:
        last = t0
        for i in range(target + 1, len(times)):
            if times[i] - t0 > SIDE_S or len(fut) == MAX_SIDE:
                break
            if times[i] - last >= MIN_GAP_S - 1e-9:
                fut.append(i)
                last = times[i]
    return past[::-1] + [target] + fut, len(past)


def build_seq_split(split, root=None, limit=None):
    clips, names = [], []
    for src, subj, name, joints, _ in _clips_60(split, root, limit):
        clips.append(joints.astype(np.float32))
        names.append(f"{src}/{subj}/{name}")
    starts = np.cumsum([0] + [len(c) for c in clips])
    return np.concatenate(clips), starts.astype(np.int64), np.array(names)


def _clips_60(split, root, limit):
    spec = cmu.SPLITS[split]
    for s in spec["asf"]:
        for name, j, t in cmu.asf_clips(s, step=STEPS["asf"], root=root, limit=limit):
            yield "asf", s, name, j, t
    for s in spec["bvh"]:
        for name, j, t in cmu.bvh_clips(s, step=STEPS["bvh"], root=root, limit=limit):
            yield "bvh", s, name, j, t
    for s in spec["expmap"]:
        for name, j, t in cmu.expmap_clips(s, step=STEPS["expmap"], root=root, limit=limit):
            yield "expmap", s, name, j, t


class SeqBank:
    """Clips (concatenated frames + start offsets) at SEQ_FPS; window sampling with interpolation in time."""

    def __init__(self, frames, starts, names=None):
        self.frames = np.asarray(frames, np.float32)
        self.starts = np.asarray(starts, np.int64)
        self.names = names
        self.lengths = np.diff(self.starts)

    @classmethod
    def load(cls, split):
        path = os.path.join(CACHE, f"seq_{split}.npz")
        ok = os.path.exists(path)
        if ok:
            with np.load(path) as z:
                ok = int(z["version"]) == SEQ_VERSION
        if not ok:
            os.makedirs(CACHE, exist_ok=True)
            t0 = time.time()
            frames, starts, names = build_seq_split(split)
            np.savez_compressed(path, frames=frames, starts=starts, names=names, version=SEQ_VERSION)
            print(f"sequence bank {split}: {len(frames)} frames from {len(names)} clips in {time.time() - t0:.1f} s")
        with np.load(path) as z:
            return cls(z["frames"], z["starts"], z["names"])

    def sample(self, rng, rel_times):
        """Poses (B,T,17,3) at times rel_times (B,T) seconds relative to a random instant of a random clip (clips
        long enough for the span; weighted by length), by linear interpolation between 60 fps frames."""
        B = rel_times.shape[0]
        span = rel_times.max(1) - rel_times.min(1)
        out = np.empty(rel_times.shape + (17, 3), np.float32)
        w = self.lengths.astype(float)
        for b in range(B):
            need = span[b] * SEQ_FPS + 2
            ok = self.lengths > need
            p = np.where(ok, w, 0.0)
            c = rng.choice(len(self.lengths), p=p / p.sum())
            L = self.lengths[c]
            lo = -rel_times[b].min() * SEQ_FPS
            hi = L - 1 - rel_times[b].max() * SEQ_FPS
            t0 = rng.uniform(lo, hi)
            f = t0 + rel_times[b] * SEQ_FPS
            i = np.clip(np.floor(f).astype(int), 0, L - 2)
            a = (f - i)[:, None, None].astype(np.float32)
            seg = self.frames[self.starts[c] + i]
            nxt = self.frames[self.starts[c] + i + 1]
            out[b] = (1 - a) * seg + a * nxt
        return out


def window_times(rng, B, fps_range=(15.0, 60.0), p_offline=0.5, p_drop=0.05):
    """Per sample: a frame rate (log-uniform), frames around a target with some dropped (a live capture loses frame
    sets), and the window rule applied. Returns rel_times (B,T_SLOTS) seconds relative to the target (0 at slot
    TARGET, NaN where a slot is empty), slot mask (B,T_SLOTS) bool, fps (B,), offline (B,) bool."""
    fps = np.exp(rng.uniform(np.log(fps_range[0]), np.log(fps_range[1]), B))
    offline = rng.random(B) < p_offline
    rel = np.full((B, T_SLOTS), np.nan)
    for b in range(B):
        n = int(np.ceil(SIDE_S * fps[b])) + 1
        k = np.arange(-n, n + 1)
        t = k / fps[b] * (1 + rng.normal(0, 0.002))  # clock rates are never exact
        keep = (rng.random(len(k)) >= p_drop) | (k == 0)
        t = t[keep]
        tgt = int(np.nonzero(t == 0)[0][0])
        idx, npast = select_window(t, tgt, bool(offline[b]))
        sel = t[idx]
        rel[b, TARGET - npast: TARGET - npast + len(sel)] = sel
    return rel, np.isfinite(rel), fps, offline
