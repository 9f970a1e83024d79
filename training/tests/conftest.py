import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))  # parallax_train and the CLIs

import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def tiny_bank():
    """A few real clips read straight from the shared data (fast; no cache needed)."""
    from parallax_train import cmu

    poses = [j for _, j, _ in cmu.asf_clips("35", step=8)]
    poses += [j for _, j, _ in cmu.bvh_clips("007", step=4, limit=2)]
    p = np.concatenate(poses)
    from parallax_train.skeleton import J

    mid = 0.5 * (p[:, J["left_hip"]] + p[:, J["right_hip"]])
    p[..., 0] -= mid[:, None, 0]
    p[..., 2] -= mid[:, None, 2]
    return p
