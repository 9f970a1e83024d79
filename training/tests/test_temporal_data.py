"""Time in the training data: the measured temporal noise profile, the window rule, the sequence bank, the temporal
noise model reproducing the measurement, and sample_windows' invariants (bounded: a few seconds)."""
import json
import os

import numpy as np
import pytest

from parallax_train import cmu
from parallax_train.sequences import MAX_SIDE, SEQ_FPS, TARGET, SeqBank, select_window, window_times
from parallax_train.skeleton import J
from parallax_train.synth_seq import sample_windows
from parallax_train.temporal_noise import TEMPORAL_PATH, TemporalNoise

HERE = os.path.dirname(__file__)


@pytest.fixture(scope='module')
def seqs():
    clips = [j for _, j, _ in cmu.asf_clips('35', step=2, limit=3)]
    starts = np.cumsum([0] + [len(c) for c in clips])
    return SeqBank(np.concatenate(clips), starts)


def test_measured_temporal_profile_is_reproducible_and_sane():
    import measure_temporal_noise as mt

    m = mt.measure(mt.load_take(mt.TAKE))
    with open(TEMPORAL_PATH) as fh:
        committed = json.load(fh)
    # The committed file is what the script computes from the committed take.
    assert json.loads(json.dumps(m, ensure_ascii=False)) == committed
    ac = committed['autocorr']['pooled']
    assert 0.3 < ac[0] < 0.95 and ac[0] > ac[4] > ac[15]  # correlated jitter that decays within a fraction of a s
    assert 0 < committed['ou']['ou_fraction'] <= 1 and 0.02 < committed['ou']['ou_tau_s'] < 1.0
    assert 0 < committed['miss']['rate'] < 0.1 and committed['miss']['mean_frames'] >= 1
    assert set(committed['autocorr']['joints']) == set(mt.COCO17_NAMES)


def test_window_rule():
    t60 = np.arange(-40, 41) / 60.0
    idx, npast = select_window(t60, 40, offline=False)
    assert idx[-1] == 40 and npast == len(idx) - 1 == MAX_SIDE  # causal: past only
    assert np.allclose(np.diff(t60[idx]), 2 / 60.0)  # every 2nd frame at 60 fps
    idx, npast = select_window(t60, 40, offline=True)
    assert npast == MAX_SIDE and len(idx) == 2 * MAX_SIDE + 1
    t15 = np.arange(-20, 21) / 15.0
    idx, npast = select_window(t15, 20, offline=False)
    assert np.allclose(np.diff(t15[idx]), 1 / 15.0) and t15[20] - t15[idx[0]] <= 0.5 + 1e-9  # every frame, ≤ 0.5 s
    # A frame set right after a gap: nothing older than 0.5 s is used.
    tg = np.concatenate([np.arange(10) / 30.0, 5.0 + np.arange(3) / 30.0])
    idx, npast = select_window(tg, 11, offline=False)
    assert list(idx) == [10, 11] and npast == 1


def test_window_times_rates_and_modes():
    rng = np.random.default_rng(0)
    rel, slots, fps, offline = window_times(rng, 200)
    assert (fps >= 15).all() and (fps <= 60).all()
    assert (rel[:, TARGET] == 0).all() and slots[:, TARGET].all()
    assert not slots[~offline, TARGET + 1:].any()  # causal windows have no future
    assert slots[offline, TARGET + 1:].any()
    span = np.nanmax(np.abs(rel), 1)
    assert (span <= 0.5 + 1e-6).all() and np.median(span) > 0.3


def test_seq_bank_interpolates_in_time(seqs):
    rng = np.random.default_rng(1)
    rel = np.tile(np.array([[-2 / SEQ_FPS, -1 / SEQ_FPS, 0.0, 0.5 / SEQ_FPS]]), (4, 1))
    p = seqs.sample(rng, rel)
    assert np.allclose(p[:, 3], 0.5 * (p[:, 2] + (2 * p[:, 2] - p[:, 1])), atol=0.02)  # halfway, ~linear motion
    d = np.linalg.norm(p[:, 1] - p[:, 0], axis=-1).max()
    assert d < 0.1  # consecutive 60 fps frames of a real clip


def test_temporal_noise_reproduces_measured_autocorrelation_and_runs():
    tn = TemporalNoise.default()
    rng = np.random.default_rng(2)
    B, T = 400, 30
    times = np.tile(np.arange(T) / 60.0, (B, 1))
    dt = np.diff(times, axis=1, prepend=times[:, :1])
    z = tn.correlated_normal(rng, (B, T, 4), dt)
    rho1 = np.mean(z[:, 1:] * z[:, :-1]) / np.mean(z * z)
    want = tn.m['autocorr']['pooled'][0]
    assert abs(rho1 - want) < 0.06, (rho1, want)
    rho5 = np.mean(z[:, 5:] * z[:, :-5]) / np.mean(z * z)
    assert abs(rho5 - tn.m['autocorr']['pooled'][4]) < 0.08
    on = tn.markov(rng, (2000, T, 1), np.tile(dt[:1], (2000, 1)), 0.05, tn.tau_miss)
    assert abs(on.mean() - 0.05) < 0.01
    cont = (on[:, 1:] & on[:, :-1]).sum() / on[:, :-1].sum()
    assert abs(cont - tn.m['miss']['p_continue']) < 0.06
    # At 15 fps the same chain forgets faster per frame (the time constant is in seconds, not frames).
    on15 = tn.markov(rng, (2000, T, 1), np.full((2000, T), 1 / 15.0), 0.05, tn.tau_miss)
    assert (on15[:, 1:] & on15[:, :-1]).sum() / on15[:, :-1].sum() < cont


def test_sample_windows_invariants(seqs):
    rng = np.random.default_rng(3)
    tn = TemporalNoise(TemporalNoise.default().base, TemporalNoise.default().m, p_cam_drop=1.0)
    s = sample_windows(rng, seqs, 24, 3, 4, noise=tn)
    B, T, V = s['kp2d'].shape[:3]
    assert T == 2 * MAX_SIDE + 1 and s['gt3d'].shape == (B, T, 17, 3)
    assert np.isfinite(s['kp2d']).all() and np.isfinite(s['gt3d']).all()
    # Empty slots carry nothing.
    assert (s['kp2d'][~s['slots']] == 0).all()
    # One body per window: bone lengths constant in time (sub-mm; interpolation between 60 fps frames aside).
    for a, b in ((J['left_hip'], J['left_knee']), (J['left_shoulder'], J['left_elbow']), (J['left_elbow'], J['left_wrist'])):
        L = np.linalg.norm(s['gt3d'][:, :, a] - s['gt3d'][:, :, b], axis=-1)
        assert np.max(np.std(np.where(s['slots'], L, np.nan), 1, where=s['slots'])) < 0.01
    # Every window lost a camera for a while (p_cam_drop = 1) and it is not lost throughout in most windows.
    seen = (s['kp2d'][..., 2] > 0).any(-1)  # (B,T,V)
    used = s['slots'][:, :, None] & s['view_mask'][:, None, :]
    gone = (~seen & used).any(1).any(-1)
    assert gone.mean() > 0.5
    # The body moves: the target's pelvis is not where the window's first frame set had it.
    pel = s['gt3d'][:, :, [J['left_hip'], J['right_hip']]].mean(2)
    assert np.median(np.linalg.norm(pel[:, TARGET] - pel[:, 0], axis=-1)) > 0.01


def test_continuous_benchmark_detections_have_time_in_them(seqs):
    import make_benchmark as mb

    rng = np.random.default_rng(4)
    tn = mb.bench_temporal_noise(mb.NoiseModel.default(), rng)
    assert tn.p_cam_drop == 0 and tn.p_occlusion == 0 and tn.base.params['swap_view'] == 0
    cams = mb.rigs()['tri3']
    gt = seqs.frames[:90].astype(float)
    times = np.arange(90) / 30.0
    local = tn.base.draw_local_offsets(rng, 1)[0]
    kp = mb.detect_temporal(rng, tn, cams, gt, np.array([0.0, 1.0, 0.0]), local, times)
    assert kp.shape == (90, 3, 17, 3) and np.isfinite(kp).all()
    # Residuals against the exact projections are correlated from one frame to the next (30 fps), far more than the
    # single-frame benchmark detector's on the same take (whose only slow part is the definition offset).
    from parallax_train import camera as cam
    uv = np.stack([cam.project(c['K'], c['dist'], c['R'], c['t'], gt) for c in cams], 1)

    def rho(kp):
        ok = (kp[..., 2] > 0)[1:] & (kp[..., 2] > 0)[:-1]
        r = kp[..., :2] - uv
        r = r - r.mean(0)
        d = r[1:] - r[:-1]  # the slowly varying offset cancels in the differences
        return 1 - 0.5 * np.sum((d ** 2)[ok]) / np.sum((r[:-1] ** 2)[ok])

    indep = mb.detect(rng, tn.base, cams, gt, np.array([0.0, 1.0, 0.0]), local)
    assert rho(kp) > rho(indep) + 0.2, (rho(kp), rho(indep))
