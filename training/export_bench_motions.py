"""Writes the held-out benchmark motions (the "bench" split: CMU subject 86, never used in training or tuning) as
COCO-17 world joints for the multi-person benchmark (cli/make-multi-takes.ts), one body per person: every person
gets its own bone lengths (augment_bones, shared over the clip) and its own clip.

Usage: python training/export_bench_motions.py [OUT=bench-out/multi/motions.json] [--people 6] [--seconds 60]
       [--seed 2025] [--split bench]
--split val gives the development motions (held-out "val" subjects) on which the association's settings are
chosen; the benchmark's are never used for that.
Output: {"source", "fps": 30, "motions": [{"clip", "frames": [[x, y, z] × 17 flattened] per frame]}]}, metres,
y up, floor at y = 0. Deterministic for a given seed.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from parallax_train import cmu  # noqa: E402
from parallax_train.bank import augment_bones  # noqa: E402

FPS = 30.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default="bench-out/multi/motions.json")
    ap.add_argument("--people", type=int, default=6)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--split", default="bench", choices=["bench", "val"])
    a = ap.parse_args()
    clips = [(name, j) for _, _, name, j, _ in cmu.split_clips(a.split)]
    if a.split == "val":  # many short clips: keep the longer ones, from different subjects first
        clips = sorted(clips, key=lambda c: -len(c[1]))[:40]
        clips = [clips[i] for i in np.random.default_rng(a.seed).permutation(len(clips))]
    if not clips:
        sys.exit(f"no {a.split}-split clips found (is the CMU data under ../shared/data/cmu-mocap beside the checkout, or in $PARALLAX_CMU_ROOT?)")
    rng = np.random.default_rng(a.seed)
    n = int(a.seconds * FPS)
    motions = []
    for k in range(a.people):
        name, x = clips[k % len(clips)]
        # Several short stretches of the clip, so one person's motion varies over the take.
        start = int(rng.integers(0, max(len(x) - n, 1)))
        seq = np.asarray(x[start: start + n], float)
        if len(seq) < n:  # a short clip plays forward, backward, forward…: no jump where it would loop
            seq = np.concatenate([seq, seq[::-1]] * (n // (2 * len(seq)) + 1))[:n]
        seq = augment_bones(rng, seq, shared=True).astype(float)
        motions.append({"clip": os.path.basename(name), "frames": np.round(seq.reshape(n, -1), 4).tolist()})
        print(f"person {k}: {name} from frame {start}, {n} frames")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        source = {"bench": "CMU subject 86 (bench split, held out)", "val": "CMU val split (development)"}[a.split]
        json.dump({"source": f"{source}, bones augmented per person", "fps": FPS,
                   "motions": motions}, f)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
