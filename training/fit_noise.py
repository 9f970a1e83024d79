"""Fits the detector-noise model to MoveNet's measured error profile.

    python training/fit_noise.py [measured=training/noise/movenet_pose2sim_measured.json] [out=training/noise/movenet_noise.json]

Reads the capture engineer's measurement (per-joint residual median / p90 as a fraction of the person's box
diagonal, left/right swap rate, missing rate, score-vs-error bins) and writes the model parameters (noise.py), keeping
the literature defaults for anything the file does not measure. The fit (see training/README.md):
  nu       from the pooled ratio p90/median of the per-joint relative residuals (bivariate Student-t radius)
  sigma_j  = median_j / m(nu), m(nu) the median radius of a unit bivariate t
  swap     swap_view = measured whole-view swap rate, swap_limb = measured per-limb rate (if given)
  miss_j   = measured missing rate per joint (if given)
  score    slope and hi by least squares of bin score on log1p(bin median error / mean sigma)
Without the measured file it writes the defaults and says so.
"""
from __future__ import annotations

import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from parallax_train.noise import DEFAULT_PATH, NOISE_DIR, default_params, t2_radius_quantile  # noqa: E402
from parallax_train.skeleton import COCO17_NAMES  # noqa: E402

MEASURED = os.path.join(NOISE_DIR, "movenet_pose2sim_measured.json")


def _get(d, *names):
    for n in names:
        if isinstance(d, dict) and n in d and d[n] is not None:
            return d[n]
    return None


def fit_nu(ratio):
    """nu whose bivariate-t radius has p90/median = ratio (bisection; Gaussian limit ≈ 1.823)."""
    r = lambda nu: t2_radius_quantile(0.9, nu) / t2_radius_quantile(0.5, nu)  # noqa: E731
    if ratio <= r(1000.0):
        return 1000.0
    lo, hi = 1.05, 1000.0
    if ratio >= r(lo):
        return lo
    for _ in range(80):
        mid = math.sqrt(lo * hi)
        if r(mid) > ratio:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


def normalise_measured(measured: dict) -> dict:
    """Reads the capture tool's file (format "parallax-detector-noise-measured") into the flat form fit() uses.

    Its residuals come in two flavours that bracket the detector's own error: triangulated from all views (the view
    under test pulls the point towards itself, so residuals shrink) and leave-one-out (the other views'
    triangulation error adds in). The per-joint figure used here is their geometric mean.
    """
    if measured.get("format") != "parallax-detector-noise-measured":
        return measured
    # The measurement divides by the box's larger side, the model by its diagonal: for a standing person the
    # diagonal is about 1.1 times the height.
    side_to_diag = 1.1
    allj = measured["all_views"]["pooled"]["joints"]
    looj = measured["leave_one_out"]["pooled"]["joints"]
    joints = {}
    for n in COCO17_NAMES:
        a, b = allj.get(n), looj.get(n)
        if not a or not b:
            continue
        joints[n] = {
            "median_frac": math.sqrt(a["median_frac"] * b["median_frac"]) / side_to_diag,
            "p90_frac": math.sqrt(a["p90_frac"] * b["p90_frac"]) / side_to_diag,
        }
    bins = [b for b in measured.get("score_vs_error", {}).get("bins", []) if b.get("n", 0) >= 20]
    out = {"joints": joints, "score_bins": bins, "_path": measured.get("_path", MEASURED)}
    # Measured swaps are per left/right pair; whole-view swaps were not seen in the recording, so the default
    # whole-view rate (a training augmentation for issue 8's condition) stays.
    if "swap" in measured:
        out["swap_limb"] = measured["swap"]["rate"]
    return out


def fit(measured: dict) -> dict:
    measured = normalise_measured(measured)
    p = default_params()
    joints = _get(measured, "joints", "per_joint") or {}
    if isinstance(joints, list):
        joints = {j.get("name", COCO17_NAMES[i]): j for i, j in enumerate(joints)}
    med, p90 = {}, {}
    for n in COCO17_NAMES:
        j = joints.get(n) or {}
        m = _get(j, "median_rel", "median_frac", "median_box", "rel_median", "median_fraction")
        q = _get(j, "p90_rel", "p90_frac", "p90_box", "rel_p90", "p90_fraction")
        if m is not None and q is not None and m > 0:
            med[n], p90[n] = float(m), float(q)
        miss = _get(j, "miss", "missing_rate", "miss_rate")
        if miss is not None:
            p["joints"][n]["miss"] = float(miss)
    fitted = {"joints_fitted": sorted(med)}
    if med:
        ratio = float(np.median([p90[n] / med[n] for n in med]))
        nu = fit_nu(ratio)
        m1 = t2_radius_quantile(0.5, nu)
        p["nu"] = nu
        for n in med:
            p["joints"][n]["sigma"] = med[n] / m1
        fitted.update({"p90_over_median": ratio, "nu": nu})
    sv = _get(measured, "swap_view", "swap_rate_view", "lr_swap_rate", "swap_rate")
    if sv is not None:
        p["swap_view"] = float(sv)
    sl = _get(measured, "swap_limb", "swap_rate_limb")
    if sl is not None:
        p["swap_limb"] = float(sl)
    bins = _get(measured, "score_vs_error", "score_bins")
    if bins:
        s = np.array([float(_get(b, "score", "score_mean", "mean_score")) for b in bins])
        e = np.array([float(_get(b, "median_rel", "median_frac", "error_rel")) for b in bins])
        sig = float(np.mean([p["joints"][n]["sigma"] for n in COCO17_NAMES]))
        x = np.log1p(e / sig)
        A = np.stack([np.ones_like(x), -x], -1)
        (hi, slope), *_ = np.linalg.lstsq(A, s, rcond=None)
        p["score"]["hi"] = float(np.clip(hi, 0.3, 1.0))
        p["score"]["slope"] = float(max(slope, 0.0))
        fitted["score_bins"] = len(bins)
    p["source"] = f"fit_noise.py from {os.path.basename(measured.get('_path', MEASURED))}"
    p["fit"] = fitted
    return p


def main(argv):
    src = argv[0] if argv else MEASURED
    out = argv[1] if len(argv) > 1 else DEFAULT_PATH
    if os.path.exists(src):
        with open(src) as f:
            measured = json.load(f)
        measured["_path"] = src
        params = fit(measured)
        print(f"fitted from {src}: {json.dumps(params['fit'])}")
    else:
        params = default_params()
        print(f"{src} not found: writing the literature defaults")
    with open(out, "w") as f:
        json.dump(params, f, indent=1)
        f.write("\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
