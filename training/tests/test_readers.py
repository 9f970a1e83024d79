"""Readers + forward kinematics against hand-checked frames, and handedness on every source."""
import os

import numpy as np
import pytest

from parallax_train import asf, bvh, cmu, expmap
from parallax_train.skeleton import J, facing

ROOT = cmu.data_root()
S = asf.ASF_TO_METRES

TINY_ASF = """:version 1.10
:name T
:units
  mass 1.0
  length 0.45
  angle deg
:root
   order TX TY TZ RX RY RZ
   axis XYZ
   position 0 0 0
   orientation 0 0 0
:bonedata
  begin
     id 1
     name a
     direction 1 0 0
     length 2
     axis 0 90 0 XYZ
    dof rx
  end
  begin
     id 2
     name b
     direction 0 1 0
     length 1
     axis 0 0 0 XYZ
  end
:hierarchy
  begin
    root a
    a b
  end
"""
TINY_AMC = """:FULLY-SPECIFIED
:DEGREES
1
root 1 2 3 0 0 0
a 90
2
root 0 0 0 0 90 0
a 0
"""


def test_asf_tiny_hand_checked(tmp_path):
    (tmp_path / "t.asf").write_text(TINY_ASF)
    (tmp_path / "t.amc").write_text(TINY_AMC)
    sk = asf.parse_asf(tmp_path / "t.asf")
    fk = asf.forward_kinematics(sk, asf.parse_amc(tmp_path / "t.amc", sk))
    a_start, a_end, _ = fk["a"]
    _, b_end, _ = fk["b"]
    # frame 1: root at (1,2,3) units; a's local x axis is C·x = Ry(90)·x = (0,0,-1), so rx = 90° rotates about -z:
    # direction (1,0,0) → (0,-1,0); b = (0,1,0) rotated the same → (1,0,0).
    np.testing.assert_allclose(a_start[0], np.array([1, 2, 3]) * S, atol=1e-12)
    np.testing.assert_allclose(a_end[0], (np.array([1, 2, 3]) + [0, -2, 0]) * S, atol=1e-12)
    np.testing.assert_allclose(b_end[0], (np.array([1, 2, 3]) + [1, -2, 0]) * S, atol=1e-12)
    # frame 2: root yaw 90° about y: a → Ry(90)(2,0,0) = (0,0,-2); b unchanged direction (0,1,0)
    np.testing.assert_allclose(a_end[1], np.array([0, 0, -2]) * S, atol=1e-12)
    np.testing.assert_allclose(b_end[1], np.array([0, 1, -2]) * S, atol=1e-12)


def test_asf_rest_pose_bone_lengths():
    sk = asf.parse_asf(os.path.join(ROOT, "asf-amc", "subjects", "01", "01.asf"))
    assert abs(sk.length_scale - 0.056444) < 1e-6
    zero = {"root": np.zeros((1, 6))}
    for n in sk.order:
        if sk.bones[n].dof:
            zero[n] = np.zeros((1, len(sk.bones[n].dof)))
    fk = asf.forward_kinematics(sk, zero)
    # 01.asf: lfemur length 7.1578, direction (0.34202, -0.939693, 0); lhipjoint 2.40479 along (0.566809,-0.746272,0.349008)
    st, en, _ = fk["lfemur"]
    np.testing.assert_allclose(st[0], 2.40479 * S * np.array([0.566809, -0.746272, 0.349008]), atol=1e-9)
    np.testing.assert_allclose(en[0] - st[0], 7.1578 * S * np.array([0.34202, -0.939693, 0]), atol=1e-9)
    for n in sk.order:
        s, e, _ = fk[n]
        assert abs(np.linalg.norm(e - s) - sk.bones[n].length * S) < 1e-6  # ASF directions are unit to ~1e-7
    c, _ = asf.to_coco17(fk)
    assert abs(np.linalg.norm(c[0, J["left_hip"]] - c[0, J["left_knee"]]) - 0.404) < 0.001
    assert c[0, J["left_hip"], 0] > 0 > c[0, J["right_hip"], 0]  # CMU rest: body left at +x


TINY_BVH = """HIERARCHY
ROOT hips
{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Yrotation Xrotation
  JOINT spine
  {
    OFFSET 0 10 0
    CHANNELS 3 Zrotation Yrotation Xrotation
    End Site
    {
      OFFSET 0 0 5
    }
  }
  JOINT leg
  {
    OFFSET 0 0 20
    CHANNELS 3 Zrotation Yrotation Xrotation
  }
}
MOTION
Frames: 2
Frame Time: 0.5
100 50 0 90 0 0 0 0 90 0 0 0
0 0 0 0 0 0 0 0 0 0 0 0
"""


def test_bvh_tiny_hand_checked():
    b = bvh.parse_bvh(TINY_BVH)
    assert b.names == ["hips", "spine", "leg"] and b.frame_time == 0.5
    P, G = bvh.forward_kinematics(b)
    # frame 0: root at (1, 0.5, 0) m, Rz(90): spine offset (0,0.1,0) → (-0.1, 0, 0); leg (0,0,0.2) stays on z
    np.testing.assert_allclose(P[0, 0], [1, 0.5, 0], atol=1e-12)
    np.testing.assert_allclose(P[0, 1], [0.9, 0.5, 0], atol=1e-12)
    np.testing.assert_allclose(P[0, 2], [1, 0.5, 0.2], atol=1e-12)
    # spine's own Rx(90) then root Rz(90): its local z (end-site direction) → Rz(90) Rx(90) z = Rz(90)(0,-1,0) = (1,0,0)
    np.testing.assert_allclose(G[0, 1] @ [0, 0, 1], [1, 0, 0], atol=1e-12)
    np.testing.assert_allclose(P[1], [[0, 0, 0], [0, 0.1, 0], [0, 0, 0.2]], atol=1e-12)


def test_expmap_hand_checked():
    parent, off = expmap.load_skeleton(os.path.join(ROOT, "expmap-8action", "skeleton_cmu38.json"))
    fr = np.zeros((1, 117))
    fr[0, :3] = [10, 20, 30]
    fr[0, 3:6] = [0, np.pi / 2, 0]  # root rotation only
    P, _ = expmap.forward_kinematics(fr, parent, off)
    o = off[2]  # left hip joint offset from the root (upstream row-vector convention: p = o · E)
    np.testing.assert_allclose(P[0, 2] - P[0, 0], [-o[2], o[1], o[0]], atol=1e-12)
    np.testing.assert_allclose(P[0, 0], np.array([10, 20, 30]) * S, atol=1e-12)
    fr[0, 3:6] = 0
    P, _ = expmap.forward_kinematics(fr, parent, off)
    for i in range(1, 38):
        assert abs(np.linalg.norm(P[0, i] - P[0, parent[i]]) - np.linalg.norm(off[i])) < 1e-12


def _clip_sources():
    par, off = expmap.load_skeleton(os.path.join(ROOT, "expmap-8action", "skeleton_cmu38.json"))
    base = os.path.join(ROOT, "expmap-8action", "cmu_mocap")
    yield "asf", next(cmu.asf_clips("35", step=8))[1:]
    yield "bvh", next(cmu.bvh_clips("007", step=2))[1:]
    fr = expmap.read_txt(os.path.join(base, "train", "walking", "walking_1.txt.gz"), 4)
    yield "expmap_txt", cmu.finish_clip(*expmap.to_coco17(*expmap.forward_kinematics(fr, par, off)))
    fr = expmap.read_mat(os.path.join(base, "subject_86", "expmap", "01.mat"), 16)
    yield "expmap_mat", cmu.finish_clip(*expmap.to_coco17(*expmap.forward_kinematics(fr, par, off)))


@pytest.mark.parametrize("name,clip", list(_clip_sources()), ids=lambda x: x if isinstance(x, str) else "")
def test_handedness_and_anatomy(name, clip):
    """left × up points where the toes and the face point (y up); knees bend backwards; floor at y ≈ 0."""
    joints, toes = (np.asarray(a, float) for a in clip)
    f = facing(joints)
    toe_dir = toes.mean(1) - joints[:, [J["left_ankle"], J["right_ankle"]]].mean(1)
    face_dir = joints[:, 0] - joints[:, [3, 4]].mean(1)
    for d in (toe_dir, face_dir):
        d[:, 1] = 0
        assert np.mean(np.sum(f * d, -1) > 0) > 0.95, name
    left = joints[:, J["left_hip"]] - joints[:, J["right_hip"]]
    for h, k, a in ((11, 13, 15), (12, 14, 16)):
        th, sh = joints[:, k] - joints[:, h], joints[:, a] - joints[:, k]
        cosang = np.sum(th * sh, -1) / np.linalg.norm(th, axis=-1) / np.linalg.norm(sh, axis=-1)
        flexed = cosang < np.cos(np.deg2rad(25))
        assert flexed.sum() >= 3
        assert np.mean(np.sum(np.cross(th, sh) * left, -1)[flexed] > 0) > 0.95, name
    low = np.minimum(joints[:, [15, 16], 1].min(1), toes[..., 1].min(1))
    assert -0.03 < np.percentile(low, 5) < 0.05
    assert 1.2 < np.median(joints[:, 0, 1] - low) < 2.0  # nose height above the feet when standing-ish
    assert np.isfinite(joints).all()


def test_bvh_drops_leading_tpose():
    p = np.zeros((3, 17, 3))
    p[:, :, 1] = 1.0
    p[0, J["left_shoulder"]] = [0.2, 1.4, 0]
    p[0, J["right_shoulder"]] = [-0.2, 1.4, 0]
    p[0, J["left_wrist"]] = [0.8, 1.42, 0]
    p[0, J["right_wrist"]] = [-0.8, 1.41, 0]
    j, _ = cmu.finish_clip(p, np.zeros((3, 2, 3)))
    assert len(j) == 2
