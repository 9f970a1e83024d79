"""The temporal lifter: its encoder is the single-frame lifter, absent frame sets do not leak, world-frame
equivariance through window_inputs, and a few training steps on sequence windows lower the loss."""
import numpy as np
import pytest
import torch

from parallax_train import cmu
from parallax_train.model import Lifter, LifterConfig
from parallax_train.model_temporal import TemporalConfig, TemporalLifter, count_trainable
from parallax_train.sequences import TARGET, SeqBank
from parallax_train.synth import random_rotations
from parallax_train.synth_seq import sample_windows
from parallax_train.temporal_noise import TemporalNoise
from parallax_train.train_temporal import TemporalTrainConfig, load_temporal, train, window_inputs
from parallax_train import camera as cam


@pytest.fixture(scope='module')
def seqs():
    clips = [j for _, j, _ in cmu.asf_clips('35', step=2, limit=2)]
    return SeqBank(np.concatenate(clips), np.cumsum([0] + [len(c) for c in clips]))


def _model(seed=0, **kw):
    torch.manual_seed(seed)
    m = TemporalLifter(TemporalConfig(**kw))
    with torch.no_grad():
        m.head.weight.normal_(0, 0.1)
        m.frame.head.weight.normal_(0, 0.1)
    return m.eval()


def test_budget_and_encoder_is_the_single_frame_lifter(seqs):
    m = _model()
    assert sum(p.numel() for p in m.parameters()) <= 5_000_000
    assert count_trainable(m) < sum(p.numel() for p in m.parameters())
    single = Lifter(LifterConfig())
    single.load_state_dict(m.frame.state_dict())
    g = torch.Generator().manual_seed(0)
    tokens, mask = torch.randn(3, 4, 17, 19, generator=g), (torch.rand(3, 4, 17, generator=g) > 0.2).float()
    base = torch.randn(3, 17, 3, generator=g)
    with torch.no_grad():
        p0, e0 = single(tokens, mask, base)
        p1, e1, emb = m.encode(tokens, mask, base)
    torch.testing.assert_close(p1, p0)
    torch.testing.assert_close(e1, e0)
    assert emb.shape == (3, 17, 64)


def test_absent_frame_sets_do_not_leak(seqs):
    m = _model()
    s = sample_windows(np.random.default_rng(0), seqs, 6, 3, 3, noise=TemporalNoise.default())
    inp = window_inputs(m, s, 'cpu')
    with torch.no_grad():
        p0, e0 = m(inp['emb'], inp['pose_ref'], inp['log_err'], inp['tau'], inp['slot_mask'], inp['target_pose'], TARGET)
        junk = {k: v.clone() for k, v in inp.items()}
        off = (1 - inp['slot_mask'])[..., None, None]
        junk['emb'] = junk['emb'] + off * 5.0
        junk['pose_ref'] = junk['pose_ref'] + off * 3.0
        junk['tau'] = junk['tau'] + (1 - inp['slot_mask']) * 9.0
        p1, e1 = m(junk['emb'], junk['pose_ref'], junk['log_err'], junk['tau'], junk['slot_mask'],
                   junk['target_pose'], TARGET)
    torch.testing.assert_close(p1, p0, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(e1, e0, atol=1e-5, rtol=1e-5)


def test_world_frame_equivariance(seqs):
    m = _model()
    s = sample_windows(np.random.default_rng(1), seqs, 4, 2, 4, noise=TemporalNoise.default(), world_p=0.0)
    M = random_rotations(np.random.default_rng(2), 1)[0]
    c = np.array([3.0, -1.5, 7.0])
    s2 = dict(s)
    R2, t2 = cam.transform_camera_world(s['R'].astype(float), s['t'].astype(float), M, c)
    s2['R'], s2['t'] = R2, t2
    s2['gt3d'] = np.einsum('ij,btnj->btni', M, s['gt3d'].astype(float)) + c
    out = []
    for ss in (s, s2):
        inp = window_inputs(m, ss, 'cpu')
        with torch.no_grad():
            pose, _ = m(inp['emb'], inp['pose_ref'], inp['log_err'], inp['tau'], inp['slot_mask'], inp['target_pose'], TARGET)
        # back to the world through the target's features (as the TS method does)
        from parallax_train.features import compute_features
        f = compute_features(ss['kp2d'][:, TARGET], ss['K'], ss['dist'], ss['R'], ss['t'], ss['view_mask'])
        out.append(f.to_world(pose.numpy().astype(np.float64)))
    want = np.einsum('ij,bnj->bni', M, out[0]) + c
    assert np.abs(out[1] - want).max() < 1e-3  # 1 mm


def test_training_smoke_on_sequences(tmp_path, seqs):
    noise = TemporalNoise.default()

    def fn(rng, B, vmin, vmax, split):
        return sample_windows(rng, seqs, B, vmin, min(vmax, 3), noise=noise)

    frame = dict(LifterConfig(dim=32, heads=2, ffn=64).to_dict())
    cfg = TemporalTrainConfig(steps=40, batch_size=8, lr=5e-3, warmup=5, log_every=5, val_every=40, val_samples=8,
                              val_views=(2,), out=str(tmp_path / 't.pt'),
                              model=TemporalConfig(frame=frame, dim=32, heads=2, ffn=64, n_time=1))
    lines = []
    model, info = train(cfg, fn, log=lines.append)
    rows = [(float(x.split('loss ')[1].split(' ')[0]), float(x.split('MPJPE ')[1].split(' ')[0]),
             float(x.split('single-frame ')[1].split(')')[0])) for x in lines if x.startswith('step ')]
    # The error heads learn (the loss beyond MPJPE halves), and the pose beats its own encoder's by the end.
    assert rows[-1][0] - rows[-1][1] < 0.5 * (rows[0][0] - rows[0][1]), lines
    assert np.mean([mp - sf for _, mp, sf in rows[-3:]]) < 0, lines
    v = info['history'][-1]['val'][2]
    assert np.isfinite([v['causal'], v['offline'], v['causal_frame']]).all()
    m2, state = load_temporal(tmp_path / 't.pt')
    assert state['kind'] == 'temporal' and state['config']['dim'] == 32


def test_shipped_temporal_export_reads_back_and_writes_the_same_bytes(tmp_path):
    """The shipped file through the reader and the writer: the same tensors in the same bytes and offsets."""
    import json
    from pathlib import Path
    from parallax_train.export_temporal import export_temporal, load_exported_temporal

    shipped = Path(__file__).resolve().parents[2] / 'public' / 'models' / 'lifter-temporal'
    m = load_exported_temporal(shipped)
    manifest = export_temporal(m, tmp_path, dict(data='round trip'))
    assert (tmp_path / 'weights.bin').read_bytes() == (shipped / 'weights.bin').read_bytes()
    original = json.loads((shipped / 'manifest.json').read_text())
    assert manifest['tensors'] == original['tensors'] and manifest['config'] == original['config']
    assert manifest['window'] == original['window'] and manifest['format'] == original['format']
