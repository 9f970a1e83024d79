"""Measures the *temporal* structure of a real detector's 2D error on the shared Pose2Sim recording.

Input: the committed take docs/data/pose2sim-movenet-lightning.take.json (MoveNet Lightning on the four Pose2Sim
demo videos, 60 fps, 100 frames, cameras with the Qualisys calibration; written by `npm run measure:movenet`, see
training/noise/README-measured.md). No ground truth: the reference for a view is the joint triangulated from the
*other* views (leave-one-out, Cauchy-IRLS closest point of their rays, score ≥ 0.3), reprojected into it.

Per frame, view and joint the residual (detected − reprojected, px) is divided by the person's box in that view
(larger side of the box of the reprojected joints), as in movenet_pose2sim_measured.json. Then:
  - autocorrelation over lags 1..MAX_LAG frames of each joint's residual, after removing its per-view mean (the
    mean is the detector's definition offset, constant in time; what is left is the jitter); pooled over views and
    both image axes; also pooled over all joints, and an AR(1) fit (ρ at lag 1, and the ρ per second it implies);
  - run lengths (consecutive frames) of misses (score < 0.3 or absent), left/right swaps (both joints of a pair
    closer to the other side's reprojection, as the existing measurement defines it) and gross errors
    ("occlusion": residual > 10 % of the box), per joint group, with the per-frame rate and the probability that
    such an event continues to the next frame (the Markov persistence).

Usage: python training/measure_temporal_noise.py [TAKE] [OUT=training/noise/movenet_pose2sim_temporal.json]
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

from parallax_train import camera as cam  # noqa: E402
from parallax_train.features import closest_point  # noqa: E402
from parallax_train.skeleton import COCO17_NAMES  # noqa: E402

TAKE = os.path.join(HERE, '..', 'docs', 'data', 'pose2sim-movenet-lightning.take.json')
OUT = os.path.join(HERE, 'noise', 'movenet_pose2sim_temporal.json')
MIN_SCORE = 0.3
MAX_LAG = 20
OUTLIER_FRAC = 0.1
PAIRS = [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16)]
GROUPS = {'face': [0, 1, 2, 3, 4], 'shoulders': [5, 6], 'elbows': [7, 8], 'wrists': [9, 10], 'hips': [11, 12],
          'knees': [13, 14], 'ankles': [15, 16]}


def load_take(path):
    d = json.load(open(path))
    cams = d['cameras']
    K = np.array([c['K'] for c in cams], float)
    dist = np.array([(c['dist'] + [0] * 5)[:5] for c in cams], float)
    R = np.array([c['R'] for c in cams], float)
    t = np.array([c['t'] for c in cams], float)
    T, V = len(d['frames']), len(cams)
    kp = np.full((T, V, 17, 3), np.nan)
    for i, f in enumerate(d['frames']):
        for v, view in enumerate(f['views']):
            if view is not None:
                kp[i, v] = np.asarray(view, float)
    times = np.array([f['time'] for f in d['frames']], float)
    return dict(K=K, dist=dist, R=R, t=t, kp=kp, fps=float(d['fps']), times=times, names=[c['name'] for c in cams])


def rays(take):
    """World ray directions (T,V,17,3), centres (V,3) and usable mask (T,V,17)."""
    kp = take['kp']
    T, V = kp.shape[:2]
    xy = np.nan_to_num(kp[..., :2])
    usable = np.isfinite(kp).all(-1) & (np.nan_to_num(kp[..., 2]) >= MIN_SCORE)
    Kb = np.broadcast_to(take['K'][None], (T, V, 3, 3))
    db = np.broadcast_to(take['dist'][None], (T, V, 5))
    norm, ok = cam.pixel_to_normalized(Kb, db, xy)
    usable &= ok
    d = np.concatenate([norm, np.ones(norm.shape[:-1] + (1,))], -1)
    d = np.einsum('vki,tvjk->tvji', take['R'], d)
    d /= np.linalg.norm(d, axis=-1, keepdims=True)
    C = cam.camera_center(take['R'], take['t'])
    return d, C, usable


def loo_reference(take):
    """Leave-one-out triangulation reprojected into each view: ref (T,V,17,2) px, ok (T,V,17)."""
    d, C, usable = rays(take)
    T, V = usable.shape[:2]
    ref = np.full((T, V, 17, 2), np.nan)
    okv = np.zeros((T, V, 17), bool)
    for v in range(V):
        others = [u for u in range(V) if u != v]
        dd = np.moveaxis(d[:, others], 1, 2)  # (T,17,V-1,3)
        CC = np.broadcast_to(C[others][None, None], dd.shape)
        w = np.moveaxis(usable[:, others], 1, 2).astype(float)
        X, ok = closest_point(dd, CC, w, 5, 0.05)
        ok &= w.sum(-1) >= 2
        uv = cam.project(take['K'][v][None, None], take['dist'][v][None, None], take['R'][v][None, None],
                         take['t'][v][None, None], X)
        ref[:, v] = uv
        okv[:, v] = ok
    return ref, okv


def runs(flags):
    """Lengths of the runs of True along axis 0 of a (T, ...) bool array, every other axis a separate series."""
    f = flags.reshape(flags.shape[0], -1)
    out = []
    for s in f.T:
        n = 0
        for x in s:
            if x:
                n += 1
            elif n:
                out.append(n)
                n = 0
        if n:
            out.append(n)  # censored at the end of the recording: counted as is (a lower bound)
    return out


def run_stats(flags, fps):
    r = runs(flags)
    f = flags.reshape(flags.shape[0], -1)
    stay = (f[1:] & f[:-1]).sum() / max(f[:-1].sum(), 1)
    return dict(rate=round(float(flags.mean()), 4), n_runs=len(r),
                mean_frames=round(float(np.mean(r)), 2) if r else 0.0,
                median_frames=float(np.median(r)) if r else 0.0, max_frames=int(max(r)) if r else 0,
                mean_s=round(float(np.mean(r)) / fps, 4) if r else 0.0,
                p_continue=round(float(stay), 3) if r else 0.0)


def autocorr(res, ok, max_lag):
    """res (T,S) residual series with ok (T,S); demeaned per series; ρ(lag) pooled over series (pairs both ok)."""
    r = np.where(ok, res, np.nan)
    r = r - np.nanmean(r, 0, keepdims=True)
    r = np.nan_to_num(r)
    okf = ok.astype(float)
    var = (r * r * okf).sum() / max(okf.sum(), 1)
    rho = []
    for lag in range(1, max_lag + 1):
        both = okf[lag:] * okf[:-lag]
        c = (r[lag:] * r[:-lag] * both).sum() / max(both.sum(), 1)
        rho.append(round(float(c / var), 4) if var > 0 else 0.0)
    return rho


def measure(take):
    kp = take['kp']
    T, V = kp.shape[:2]
    fps = take['fps']
    ref, ok = loo_reference(take)
    det = np.isfinite(kp).all(-1) & (np.nan_to_num(kp[..., 2]) >= MIN_SCORE)
    box = np.nanmax(np.where(ok[..., None], ref, np.nan), 2) - np.nanmin(np.where(ok[..., None], ref, np.nan), 2)
    box = np.nanmax(box, -1)  # (T,V) larger side
    res = (kp[..., :2] - ref) / box[..., None, None]
    good = det & ok & np.isfinite(res).all(-1)
    frac = np.where(good, np.linalg.norm(np.nan_to_num(res), axis=-1), np.nan)
    # Jitter: series per (view, axis), gross errors left out (their own statistics are below).
    inl = good & (frac < OUTLIER_FRAC)
    per_joint = {}
    for j, n in enumerate(COCO17_NAMES):
        s = np.moveaxis(res[:, :, j], 2, 1).reshape(T, V * 2)
        o = np.repeat(inl[:, :, j], 2, axis=1)
        per_joint[n] = autocorr(s, o, MAX_LAG)
    s_all = np.moveaxis(res, 3, 1).reshape(T, -1)
    o_all = np.repeat(inl[:, None], 2, axis=1).reshape(T, -1)
    pooled = autocorr(s_all, o_all, MAX_LAG)
    rho1 = float(np.clip(pooled[0], 1e-3, 0.999))
    # AR(1) decay per second: ρ(lag) ≈ ρ1^lag. The fit over lags 1..5 (least squares in log) is reported too:
    # real jitter is often a fast white part plus a slow drift, so ρ(lag)/ρ1 decays slower than ρ1^lag.
    lags = np.arange(1, 6)
    pos = np.array(pooled[:5])
    slope = float(np.polyfit(lags[pos > 0], np.log(pos[pos > 0]), 1)[0]) if (pos > 0).sum() >= 2 else np.log(rho1)
    miss = ~(np.isfinite(kp).all(-1) & (np.nan_to_num(kp[..., 2]) >= MIN_SCORE))
    out_flags = good & (frac >= OUTLIER_FRAC)
    swaps = []
    for a, b in PAIRS:
        pa, pb = kp[:, :, a, :2], kp[:, :, b, :2]
        ra, rb = ref[:, :, a], ref[:, :, b]
        both = det[:, :, a] & det[:, :, b] & ok[:, :, a] & ok[:, :, b] & (np.linalg.norm(ra - rb, axis=-1) >= 10)
        sw = both & (np.linalg.norm(pa - rb, axis=-1) < np.linalg.norm(pa - ra, axis=-1)) & \
            (np.linalg.norm(pb - ra, axis=-1) < np.linalg.norm(pb - rb, axis=-1))
        swaps.append(np.where(both, sw, False))
    swaps = np.stack(swaps, -1)  # (T,V,8)
    groups = {}
    for g, js in GROUPS.items():
        groups[g] = dict(
            autocorr_lag1=round(float(np.mean([per_joint[COCO17_NAMES[j]][0] for j in js])), 4),
            miss=run_stats(miss[:, :, js], fps), gross_error=run_stats(out_flags[:, :, js], fps))
    return {
        'format': 'parallax-detector-noise-temporal', 'version': 1,
        'generated_by': 'python training/measure_temporal_noise.py',
        'source': dict(take='docs/data/pose2sim-movenet-lightning.take.json (MoveNet Lightning, 640 px side, '
                            'Pose2Sim Demo_SinglePerson, 4 cameras)', fps=fps, frames=T, views=V,
                       reference='leave-one-out triangulation (other views, score >= 0.3, Cauchy-IRLS c=5 cm) '
                                 'reprojected into the view', min_score=MIN_SCORE),
        'definitions': dict(
            residual='(detected − reference) / box, box = larger side of the reprojected joints\' box in the view',
            autocorr='ρ(lag) of the residual, per (view, axis) series demeaned (the mean is the definition offset), '
                     f'gross errors (> {OUTLIER_FRAC} of the box) and misses left out, pooled over views and axes',
            miss=f'score < {MIN_SCORE} or absent', gross_error=f'residual > {OUTLIER_FRAC} of the box (occlusion, '
                                                               'mislabel)',
            swap='both joints of a left/right pair closer to the other side\'s reference (sides >= 10 px apart)',
            runs='consecutive frames; runs touching the end of the recording are counted as they are (lower bound); '
                 'p_continue = P(event at frame t+1 | event at frame t)'),
        'lags_frames': list(range(1, MAX_LAG + 1)),
        'autocorr': dict(pooled=pooled, joints=per_joint),
        'ar1': dict(rho_lag1=round(rho1, 4), log_decay_per_frame=round(slope, 4),
                    rho_per_second_from_fit=round(float(np.exp(slope * fps)), 6)),
        # The model the training noise uses (parallax_train/temporal_noise.py): residual = white part + an
        # Ornstein-Uhlenbeck part holding `ou_fraction` of the variance, ρ(Δt) = ou_fraction · exp(−Δt / ou_tau_s).
        'ou': dict(ou_fraction=round(float(min(rho1 / np.exp(slope), 1.0)), 4),
                   ou_tau_s=round(float(-1.0 / (slope * fps)), 4),
                   fitted_on='lags 1-5 of the pooled autocorrelation (log-linear least squares)'),
        'jitter_sd_frac': round(float(np.nanstd(np.where(inl[..., None], res, np.nan))), 5),
        'miss': run_stats(miss, fps),
        'gross_error': run_stats(out_flags, fps),
        'swap': run_stats(swaps, fps),
        'groups': groups,
    }


def main():
    take = sys.argv[1] if len(sys.argv) > 1 else TAKE
    out = sys.argv[2] if len(sys.argv) > 2 else OUT
    m = measure(load_take(take))
    with open(out, 'w') as fh:
        json.dump(m, fh, indent=1, ensure_ascii=False)
        fh.write('\n')
    print(f"wrote {out}: ρ(1) = {m['ar1']['rho_lag1']}, miss runs {m['miss']['mean_frames']} frames, "
          f"gross runs {m['gross_error']['mean_frames']}, swap runs {m['swap']['mean_frames']}")


if __name__ == '__main__':
    main()
