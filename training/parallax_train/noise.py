"""Detector-noise model: what a 2D pose detector (MoveNet) does to the true joints, parameterised by a JSON file.

Fields of training/noise/movenet_noise.json (all spreads are fractions of the person's box diagonal in that view,
the box of the projected true joints):
  nu                 Student-t degrees of freedom of the 2D error (heavy tails; inf = Gaussian)
  joints.<name>.sigma  scale of the isotropic bivariate-t error of that joint (|e| median = sigma · m(nu))
  joints.<name>.miss   probability the detector loses the joint (score 0)
  view_sigma_logsd   per-view log-normal multiplier on all sigmas (blur, resolution, pose difficulty differ by view)
  swap_view          probability a whole view is left/right swapped
  swap_limb          probability, per view and per limb (arm: elbow+wrist, leg: knee+ankle), of a left/right swap
  score.hi, score.slope, score.noise, score.min
                     score = clip(hi_j − slope · log1p(|e| / (sigma_j · diag)) + N(0, noise), min, 1)
  definition.<name>.mean [outward, up, forward] metres; sd metres: per-body offset of the detector's joint from
                     the mocap joint centre in the body frame (mirrored left/right). A per-body factor
                     U(definition_gain) scales the mean, so detectors that disagree with COCO by more or less are seen.
  outside.miss       probability a joint falling outside the image is reported missing; otherwise it is clamped to
                     the border with a score in outside.score
  modes.<name>       per-sample probability of score/definition augmentation modes (issue 8):
                     normal, all_one (every detected joint scored 1.0), no_face (nose/eyes/ears never detected),
                     part_dropout (per view, a body part occluded), hips_shift (hips defined higher/lower by up to
                     hips_shift_m along the body's up)
  corrupt_view       per-sample probability that one view's detections are mostly wrong (shifted and scrambled)
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field

import numpy as np

from .skeleton import COCO17_FLIP, COCO17_NAMES, J, normalize

NOISE_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "noise"))
DEFAULT_PATH = os.path.join(NOISE_DIR, "movenet_noise.json")

PARTS = {
    "face": [0, 1, 2, 3, 4],
    "left_arm": [7, 9],
    "right_arm": [8, 10],
    "left_leg": [13, 15],
    "right_leg": [14, 16],
    "lower_body": [11, 12, 13, 14, 15, 16],
    "legs_below_knee": [15, 16],
    "upper_left": [5, 7, 9],
    "upper_right": [6, 8, 10],
}
LIMB_PAIRS = [([7, 9], [8, 10]), ([13, 15], [14, 16])]


def t2_radius_quantile(q, nu):
    """Quantile of |z| for a standard isotropic bivariate Student-t (|z|²/2 ~ F(2, nu))."""
    if not math.isfinite(nu):
        return math.sqrt(-2 * math.log(1 - q))
    from scipy.stats import f

    return math.sqrt(2 * f.ppf(q, 2, nu))


@dataclass
class NoiseModel:
    params: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path=DEFAULT_PATH):
        with open(path) as fh:
            return cls(json.load(fh))

    @classmethod
    def default(cls):
        return cls.load(DEFAULT_PATH) if os.path.exists(DEFAULT_PATH) else cls(default_params())

    def with_overrides(self, **kw):
        p = json.loads(json.dumps(self.params))
        p.update(kw)
        return NoiseModel(p)

    # Arrays in COCO order.
    @property
    def sigma(self):
        return np.array([self.params["joints"][n]["sigma"] for n in COCO17_NAMES])

    @property
    def miss(self):
        return np.array([self.params["joints"][n]["miss"] for n in COCO17_NAMES])

    def relative_error_quantile(self, q):
        """Model's per-joint quantile of |error| / box diagonal (view multiplier off)."""
        return self.sigma * t2_radius_quantile(q, float(self.params["nu"]))

    # ---- 3D stage: the detector's joint definitions --------------------------------------------------------
    def draw_local_offsets(self, rng, B):
        """Per-body detector definition offsets (B,17,3) [outward, up, forward] in metres."""
        d = self.params["definition"]
        mean = np.array([d[n]["mean"] for n in COCO17_NAMES])  # (17,3) outward, up, forward
        sd = np.array([d[n]["sd"] for n in COCO17_NAMES])
        lo, hi = self.params.get("definition_gain", [0.3, 1.5])
        gain = rng.uniform(lo, hi, (B, 1, 1))
        local = gain * mean[None] + sd[None, :, None] * rng.standard_normal((B, 17, 3))
        modes = self.params["modes"]
        shift = rng.random(B) < modes.get("hips_shift", 0.0)
        hs = self.params.get("hips_shift_m", 0.08)
        local[shift, 11:13, 1] += rng.uniform(-hs, hs, (int(shift.sum()), 1))
        return local

    def definition_offsets(self, rng, poses, up, local=None):
        """World offsets (B,17,3) to add to true joints before projection. poses (B,17,3), up (B,3) gravity-up.
        local: fixed body-frame offsets (17,3) or (B,17,3) (e.g. one detector on one person for a whole take)."""
        B = poses.shape[0]
        local = self.draw_local_offsets(rng, B) if local is None else np.broadcast_to(local, (B, 17, 3))
        up = normalize(np.asarray(up, float))
        left = poses[:, J["left_hip"]] - poses[:, J["right_hip"]]
        left = normalize(left - np.sum(left * up, -1, keepdims=True) * up)
        fwd = np.cross(left, up)
        outward = np.array([0.0 if n == "nose" else (1.0 if n.startswith("left") else -1.0) for n in COCO17_NAMES])
        return (local[..., 0:1] * outward[None, :, None] * left[:, None] + local[..., 1:2] * up[:, None]
                + local[..., 2:3] * fwd[:, None])

    # ---- 2D stage ------------------------------------------------------------------------------------------
    def apply(self, rng, uv, visible, width, height, view_mask, diag=None, modes=True, view_scale=None):
        """Noisy detections (B,V,17,3) from clean pixels uv (B,V,17,2) (with definition offsets already in).

        visible: (B,V,17) joint in front of the camera. diag: (B,V) person box diagonal (px), from uv if None.
        """
        p = self.params
        B, V = uv.shape[:2]
        if diag is None:
            diag = box_diag(uv, visible)
        nu = float(p["nu"])
        z = rng.standard_normal((B, V, 17, 2))
        if math.isfinite(nu):
            z *= np.sqrt(nu / rng.chisquare(nu, (B, V, 17, 1)))
        if view_scale is None:
            vs = np.exp(p.get("view_sigma_logsd", 0.0) * rng.standard_normal((B, V, 1)))
        else:
            vs = np.broadcast_to(np.asarray(view_scale, float), (B, V))[..., None]
        sig = self.sigma[None, None, :] * vs  # (B,V,17) relative
        err = z * (sig * diag[..., None])[..., None]
        out_uv = uv + err
        nerr = np.linalg.norm(z, axis=-1)  # |e| / (sigma diag)
        sc = p["score"]
        score = sc["hi"] - sc["slope"] * np.log1p(nerr) + sc["noise"] * rng.standard_normal((B, V, 17))
        score = np.clip(score, sc["min"], 1.0)
        # left/right swaps: whole view, then per limb
        perm = np.broadcast_to(np.arange(17), (B, V, 17)).copy()
        swap_v = rng.random((B, V)) < p["swap_view"]
        perm[swap_v] = np.array(COCO17_FLIP)
        for lft, rgt in LIMB_PAIRS:
            sw = rng.random((B, V)) < p["swap_limb"]
            a, b = perm[..., lft].copy(), perm[..., rgt].copy()
            perm[..., lft] = np.where(sw[..., None], b, a)
            perm[..., rgt] = np.where(sw[..., None], a, b)
        out_uv = np.take_along_axis(out_uv, perm[..., None], axis=2)
        vis = np.take_along_axis(visible, perm, axis=2)
        score = np.take_along_axis(score, perm, axis=2)
        det = vis & (rng.random((B, V, 17)) >= self.miss[None, None, :])
        if modes:
            out_uv, score, det = self._modes(rng, out_uv, score, det, diag)
        kp = finalize(rng, out_uv, score, det, width, height, view_mask, p["outside"])
        return kp

    def _modes(self, rng, uv, score, det, diag):
        p = self.params
        m = p["modes"]
        B, V = uv.shape[:2]
        names = ["normal", "all_one", "no_face", "part_dropout"]
        w = np.array([m.get(n, 0.0) for n in names])
        mode = rng.choice(len(names), size=B, p=w / w.sum())
        det = det.copy()
        score = score.copy()
        det[mode == 2, :, :5] = False
        drop = (mode == 3)[:, None] & (rng.random((B, V)) < 0.5)
        if drop.any():
            part_names = list(PARTS)
            which = rng.integers(len(part_names), size=(B, V))
            mask = np.zeros((len(part_names), 17), bool)
            for k, nm in enumerate(part_names):
                mask[k, PARTS[nm]] = True
            det &= ~(drop[..., None] & mask[which])
        # one view mostly wrong: the whole skeleton displaced and scrambled, with ordinary-looking scores
        cv = rng.random(B) < p.get("corrupt_view", 0.0)
        if cv.any():
            b = np.nonzero(cv)[0]
            v = rng.integers(V, size=len(b))
            shift = rng.uniform(0.15, 0.5, (len(b), 1)) * diag[b, v][:, None]
            ang = rng.uniform(0, 2 * np.pi, (len(b), 1))
            uv = uv.copy()
            uv[b, v] += np.stack([np.cos(ang) * shift, np.sin(ang) * shift], -1)
            uv[b, v] += rng.standard_normal((len(b), 17, 2)) * 0.08 * diag[b, v][:, None, None]
            score[b, v] = rng.uniform(0.3, 0.8, (len(b), 17))
        all_one = (mode == 1)[:, None, None] & det
        score = np.where(all_one, 1.0, score)
        return uv, score, det


def box_diag(uv, visible):
    """Diagonal (px) of the box around the visible clean joints, per view; 1 where nothing is visible."""
    big = 1e12
    x = np.where(visible, uv[..., 0], np.nan)
    y = np.where(visible, uv[..., 1], np.nan)
    with np.errstate(all="ignore"), _quiet():
        w = np.nanmax(x, -1) - np.nanmin(x, -1)
        h = np.nanmax(y, -1) - np.nanmin(y, -1)
    d = np.hypot(w, h)
    return np.where(np.isfinite(d) & (d > 0) & (d < big), d, 1.0)


class _quiet:
    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *a):
        return self._w.__exit__(*a)


def finalize(rng, uv, score, det, width, height, view_mask, outside):
    """Joints outside the image: missing, or clamped to the border with a low score. Missing = (0, 0, 0)."""
    W = np.asarray(width, float)[..., None]
    H = np.asarray(height, float)[..., None]
    finite = np.all(np.isfinite(uv), -1)
    inside = finite & (uv[..., 0] >= 0) & (uv[..., 0] <= W - 1) & (uv[..., 1] >= 0) & (uv[..., 1] <= H - 1)
    out = finite & ~inside
    lose = out & (rng.random(out.shape) < outside["miss"])
    lo, hi = outside["score"]
    clamp = out & ~lose
    uv = np.where(finite[..., None], uv, 0.0)
    uv = np.stack([np.clip(uv[..., 0], 0, W - 1), np.clip(uv[..., 1], 0, H - 1)], -1)
    score = np.where(clamp, rng.uniform(lo, hi, score.shape), score)
    ok = det & finite & ~lose & np.asarray(view_mask, bool)[..., None]
    kp = np.concatenate([np.where(ok[..., None], uv, 0.0), np.where(ok, score, 0.0)[..., None]], -1)
    return kp.astype(np.float32)


def default_params():
    """Literature-grounded defaults until the measured MoveNet profile exists (see training/README.md)."""
    rel = {  # median-ish relative spreads: COCO keypoint sigmas ordering (face tight, hips/ankles loose)
        "nose": 0.012, "eye": 0.011, "ear": 0.016, "shoulder": 0.020, "elbow": 0.024, "wrist": 0.028,
        "hip": 0.026, "knee": 0.024, "ankle": 0.027,
    }
    miss = {"nose": 0.02, "eye": 0.03, "ear": 0.06, "shoulder": 0.01, "elbow": 0.03, "wrist": 0.05,
            "hip": 0.02, "knee": 0.03, "ankle": 0.05}
    # Body-frame definition offsets [outward, up, forward] (m): ../shared/docs/lifter-notes.md measured 15–40 mm
    # at hips/knees/elbows/shoulders and 40–75 mm at ankles (detector's ankle higher and further back).
    defn = {"nose": [0, 0, 0], "eye": [0, 0, 0], "ear": [0, 0, 0], "shoulder": [0.01, 0.02, 0.0],
            "elbow": [0.0, 0.0, -0.015], "wrist": [0.0, 0.0, 0.0], "hip": [0.025, 0.02, 0.0],
            "knee": [0.0, 0.0, 0.02], "ankle": [0.0, 0.04, -0.03]}
    defn_sd = {"nose": 0.01, "eye": 0.008, "ear": 0.012, "shoulder": 0.012, "elbow": 0.01, "wrist": 0.01,
               "hip": 0.015, "knee": 0.012, "ankle": 0.012}

    def key(n):
        return n.split("_")[-1] if n != "nose" else "nose"

    return {
        "version": 1,
        "source": "literature defaults (COCO keypoint-sigma ordering; lifter-notes definition offsets)",
        "nu": 3.0,
        "joints": {n: {"sigma": rel[key(n)], "miss": miss[key(n)]} for n in COCO17_NAMES},
        "view_sigma_logsd": 0.3,
        "swap_view": 0.01,
        "swap_limb": 0.02,
        "score": {"hi": 0.85, "slope": 0.25, "noise": 0.08, "min": 0.05},
        "definition": {n: {"mean": defn[key(n)], "sd": defn_sd[key(n)]} for n in COCO17_NAMES},
        "definition_gain": [0.3, 1.5],
        "hips_shift_m": 0.08,
        "outside": {"miss": 0.5, "score": [0.05, 0.25]},
        "modes": {"normal": 0.7, "all_one": 0.1, "no_face": 0.07, "part_dropout": 0.13, "hips_shift": 0.1},
        "corrupt_view": 0.03,
    }


def write_default(path=DEFAULT_PATH):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        json.dump(default_params(), fh, indent=1)
        fh.write("\n")
