"""Builds the pose bank caches (training/cache/bank_{train,val,bench}.npz). Usage: python training/make_bank.py"""
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from parallax_train.bank import build_all  # noqa: E402

if __name__ == "__main__":
    t0 = time.time()
    build_all(tuple(sys.argv[1:]) or ("train", "val", "bench"))
    print(f"total {time.time() - t0:.1f} s")
