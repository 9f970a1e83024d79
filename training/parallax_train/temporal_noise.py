"""Detector noise with time in it, for windows of frame sets: the single-frame model (noise.py: spreads, tails,
definition offsets, scores, swaps, misses, modes) with the temporal structure measured on the Pose2Sim recording
(noise/movenet_pose2sim_temporal.json, training/measure_temporal_noise.py):

  jitter      white part + an Ornstein-Uhlenbeck part holding `ou_fraction` of the variance,
              ρ(Δt) = ou_fraction · exp(−Δt / ou_tau_s) for the irregular Δt of each window;
  heavy tail  the Student-t scale of a (view, joint) holds for a run: persistence exp(−Δt / τ_gross), τ from the
              measured gross-error runs (p_continue at 60 fps);
  misses      a two-state Markov chain per (view, joint) with the single-frame miss rate as its stationary rate and
              the measured miss persistence;
  swaps       limb and whole-view left/right swaps as Markov runs (rates from the single-frame model; persistence
              taken from the gross-error runs, as the recording holds a single swap event);
  per window  body, definition offsets, per-view quality, detector mode (scores all one, no face) are constant;
  occlusion   part dropout as an interval of 0.1–1 s (an assumption: the 1.7 s recording has no long occlusion);
  dropout     a camera drops out for an interval and comes back (view null; issue 13).
"""
from __future__ import annotations

import json
import math
import os

import numpy as np

from .noise import LIMB_PAIRS, NOISE_DIR, PARTS, NoiseModel, finalize
from .skeleton import COCO17_FLIP

TEMPORAL_PATH = os.path.join(NOISE_DIR, "movenet_pose2sim_temporal.json")


def _tau_from_continue(p, fps):
    """Run time constant (s) from a per-frame continuation probability at fps."""
    p = min(max(float(p), 1e-3), 0.999)
    return -1.0 / (fps * math.log(p))


class TemporalNoise:
    def __init__(self, base: NoiseModel, measured: dict, p_cam_drop=0.15, p_occlusion=0.15):
        self.base = base
        self.m = measured
        fps = float(measured["source"]["fps"])
        self.ou_fraction = float(measured["ou"]["ou_fraction"])
        self.ou_tau = float(measured["ou"]["ou_tau_s"])
        self.tau_gross = _tau_from_continue(measured["gross_error"]["p_continue"], fps)
        self.tau_miss = _tau_from_continue(measured["miss"]["p_continue"], fps)
        self.tau_swap = self.tau_gross
        self.p_cam_drop = p_cam_drop
        self.p_occlusion = p_occlusion

    @classmethod
    def default(cls, **kw):
        with open(TEMPORAL_PATH) as fh:
            return cls(NoiseModel.default(), json.load(fh), **kw)

    @staticmethod
    def _persist(dt, tau):
        return np.exp(-np.abs(dt) / tau)

    def markov(self, rng, shape, dt, rate, tau):
        """Boolean runs (B,T,...) with stationary rate `rate` (broadcast to the trailing shape) and persistence
        exp(−Δt/τ); dt (B,T) is the time since the previous slot (first slot: ignored)."""
        B, T = shape[:2]
        rate = np.broadcast_to(np.asarray(rate, float), shape[2:])
        on = np.zeros(shape, bool)
        on[:, 0] = rng.random((B,) + shape[2:]) < rate
        for k in range(1, T):
            c = self._persist(dt[:, k], tau).reshape((B,) + (1,) * (len(shape) - 2))
            p_on = np.where(on[:, k - 1], c, rate * (1 - c) / np.maximum(1 - rate, 1e-6))
            on[:, k] = rng.random((B,) + shape[2:]) < p_on
        return on

    def correlated_normal(self, rng, shape, dt):
        """(B,T,...) standard normals, white + OU parts, correlation ou_fraction·exp(−Δt/τ) between slots."""
        B, T = shape[:2]
        ou = np.empty(shape)
        ou[:, 0] = rng.standard_normal((B,) + shape[2:])
        for k in range(1, T):
            c = self._persist(dt[:, k], self.ou_tau).reshape((B,) + (1,) * (len(shape) - 2))
            ou[:, k] = c * ou[:, k - 1] + np.sqrt(1 - c * c) * rng.standard_normal((B,) + shape[2:])
        return math.sqrt(self.ou_fraction) * ou + math.sqrt(1 - self.ou_fraction) * rng.standard_normal(shape)

    def apply(self, rng, uv, visible, diag, width, height, view_mask, times):
        """Noisy detections (B,T,V,17,3) from clean pixels uv (B,T,V,17,2) (definition offsets already in).

        visible (B,T,V,17), diag (B,T,V) box diagonal px, width/height/view_mask (B,V), times (B,T) seconds
        (increasing; slots the caller will mask may hold any finite value)."""
        p = self.base.params
        B, T, V = uv.shape[:3]
        dt = np.diff(times, axis=1, prepend=times[:, :1])
        nu = float(p["nu"])
        z = self.correlated_normal(rng, (B, T, V, 17, 2), dt)
        if math.isfinite(nu):  # the t scale is held for a run, as gross errors last a few frames
            redraw = ~self.markov(rng, (B, T, V, 17), dt, 0.5, self.tau_gross)
            s = np.sqrt(nu / rng.chisquare(nu, (B, T, V, 17)))
            for k in range(1, T):
                s[:, k] = np.where(redraw[:, k], s[:, k], s[:, k - 1])
            z *= s[..., None]
        vs = np.exp(p.get("view_sigma_logsd", 0.0) * rng.standard_normal((B, 1, V, 1)))
        sig = self.base.sigma[None, None, None, :] * vs
        out_uv = uv + z * (sig * diag[..., None])[..., None]
        nerr = np.linalg.norm(z, axis=-1)
        sc = p["score"]
        score = sc["hi"] - sc["slope"] * np.log1p(nerr) + sc["noise"] * rng.standard_normal((B, T, V, 17))
        score = np.clip(score, sc["min"], 1.0)
        perm = np.broadcast_to(np.arange(17), (B, T, V, 17)).copy()
        swap_v = self.markov(rng, (B, T, V), dt, p["swap_view"], self.tau_swap)
        perm[swap_v] = np.array(COCO17_FLIP)
        for lft, rgt in LIMB_PAIRS:
            sw = self.markov(rng, (B, T, V), dt, p["swap_limb"], self.tau_swap)
            a, b = perm[..., lft].copy(), perm[..., rgt].copy()
            perm[..., lft] = np.where(sw[..., None], b, a)
            perm[..., rgt] = np.where(sw[..., None], a, b)
        out_uv = np.take_along_axis(out_uv, perm[..., None], axis=3)
        vis = np.take_along_axis(visible, perm, axis=3)
        score = np.take_along_axis(score, perm, axis=3)
        missed = self.markov(rng, (B, T, V, 17), dt, self.base.miss, self.tau_miss)
        det = vis & ~missed
        out_uv, score, det = self._modes(rng, out_uv, score, det, diag, times)
        kp = finalize(rng, out_uv, score, det, np.asarray(width)[:, None], np.asarray(height)[:, None],
                      np.asarray(view_mask)[:, None], p["outside"])
        return kp

    def _interval(self, rng, times, n, lo_s, hi_s):
        """(n,T) bool: an interval of duration log-U(lo_s, hi_s) placed anywhere overlapping the window."""
        dur = np.exp(rng.uniform(np.log(lo_s), np.log(hi_s), n))
        t_lo, t_hi = times.min(1), times.max(1)
        start = rng.uniform(t_lo - dur, t_hi)
        return (times >= start[:, None]) & (times <= (start + dur)[:, None])

    def _modes(self, rng, uv, score, det, diag, times):
        p = self.base.params
        m = p["modes"]
        B, T, V = uv.shape[:3]
        det, score, uv = det.copy(), score.copy(), uv.copy()
        names = ["normal", "all_one", "no_face"]
        w = np.array([m.get(n, 0.0) for n in names])
        mode = rng.choice(len(names), size=B, p=w / w.sum())
        det[mode == 2, :, :, :5] = False
        # Occlusion: per view, a body part hidden for an interval.
        part_names = list(PARTS)
        pm = np.zeros((len(part_names), 17), bool)
        for k, nm in enumerate(part_names):
            pm[k, PARTS[nm]] = True
        for v in range(V):
            occ = rng.random(B) < self.p_occlusion
            if occ.any():
                when = self._interval(rng, times[occ], int(occ.sum()), 0.1, 1.0)  # (n,T)
                which = pm[rng.integers(len(part_names), size=int(occ.sum()))]  # (n,17)
                det[occ, :, v] &= ~(when[:, :, None] & which[:, None, :])
        # A camera drops out (no detection at all) for an interval and comes back.
        drop = rng.random(B) < self.p_cam_drop
        if drop.any():
            b = np.nonzero(drop)[0]
            v = rng.integers(V, size=len(b))
            when = self._interval(rng, times[b], len(b), 0.05, 0.6)
            det[b, :, v] &= ~when[:, :, None]
        # One view mostly wrong for an interval (another person, a reflection).
        cv = rng.random(B) < p.get("corrupt_view", 0.0)
        if cv.any():
            b = np.nonzero(cv)[0]
            v = rng.integers(V, size=len(b))
            when = self._interval(rng, times[b], len(b), 0.1, 1.0)
            shift = rng.uniform(0.15, 0.5, (len(b), 1)) * diag[b, :, v]
            ang = rng.uniform(0, 2 * np.pi, (len(b), 1))
            off = np.stack([np.cos(ang) * shift, np.sin(ang) * shift], -1)  # (n,T,2)
            scr = rng.standard_normal((len(b), 1, 17, 2)) * 0.08 * diag[b, :, v][..., None, None]
            uv[b, :, v] += np.where(when[..., None, None], off[:, :, None] + scr, 0.0)
            score[b, :, v] = np.where(when[..., None], rng.uniform(0.3, 0.8, (len(b), 1, 17)), score[b, :, v])
        all_one = (mode == 1)[:, None, None, None] & det
        score = np.where(all_one, 1.0, score)
        return uv, score, det
