/**
 * Statistics for fused poses on real detections, where there is no ground truth: agreement with a reference
 * estimate (itself a method's output, so every figure is a disagreement, not an error), bone-length stability over
 * time (a real body's limbs have constant length), and checks for a systematic offset, scale or mirrored body.
 * Pure; cli/bench-real.ts prints them.
 */
import type { Pose3D } from '../../src/fusion/types';
import { summarise, type ErrorStats } from '../../src/eval/evaluate';
import { COCO17_FLIP, JOINT, NUM_JOINTS } from '../../src/keypoints/coco17';
import { median } from '../../src/util/stats';

export interface BoneStat {
  /** Frames where both ends of the bone were estimated. */
  n: number;
  meanMm: number;
  /** Population standard deviation of the length over those frames. */
  stdMm: number;
}

const dist = (p: Float64Array, a: number, b: number) =>
  Math.hypot(p[3 * a] - p[3 * b], p[3 * a + 1] - p[3 * b + 1], p[3 * a + 2] - p[3 * b + 2]);

/** Length of each bone over a sequence of poses (frames without a pose or without both joints are skipped). */
export function boneLengthStats(poses: ReadonlyArray<Pose3D | null>, bones: ReadonlyArray<readonly [number, number]>): BoneStat[] {
  return bones.map(([a, b]) => {
    const ls: number[] = [];
    for (const p of poses) if (p && p.valid[a] && p.valid[b]) ls.push(1000 * dist(p.joints, a, b));
    if (!ls.length) return { n: 0, meanMm: NaN, stdMm: NaN };
    const m = ls.reduce((s, x) => s + x, 0) / ls.length;
    const v = ls.reduce((s, x) => s + (x - m) ** 2, 0) / ls.length;
    return { n: ls.length, meanMm: m, stdMm: Math.sqrt(v) };
  });
}

export interface ReferenceComparison extends ErrorStats {
  /** Mean over frames of (method − reference) joint centroid, on joints both have: x, y, z in mm (world axes). */
  meanOffsetMm: [number, number, number];
  /** MPJPE after removing each frame's centroid offset (shape disagreement only), mean over frames. */
  centredMeanMm: number;
  /** Median over frames of the method's RMS spread about its centroid / the reference's (1 = same size). */
  scaleRatio: number;
  /** Frames where swapping every left/right joint of the method's pose brings it closer to the reference. */
  flippedFrames: number;
  /** Frames where the body's handedness (see chirality) differs from the reference's. */
  mirroredFrames: number;
  /** Frames compared (both have a pose and share a joint). */
  compared: number;
}

/**
 * Handedness of a pose: the sign of (left hip − right hip) × (mid-shoulder − mid-hip) · (nose − mid-shoulder), i.e.
 * whether the face is in front of the body as a right-handed skeleton has it. A reflected (mirrored) pose flips it;
 * a rotation cannot. 0 when a needed joint is missing.
 */
export function chirality(p: Pose3D): number {
  const need = [JOINT.left_hip, JOINT.right_hip, JOINT.left_shoulder, JOINT.right_shoulder, JOINT.nose];
  if (!need.every((j) => p.valid[j])) return 0;
  const J = p.joints;
  const g = (j: number, k: number) => J[3 * j + k];
  const lr = [0, 1, 2].map((k) => g(JOINT.left_hip, k) - g(JOINT.right_hip, k));
  const midS = [0, 1, 2].map((k) => (g(JOINT.left_shoulder, k) + g(JOINT.right_shoulder, k)) / 2);
  const midH = [0, 1, 2].map((k) => (g(JOINT.left_hip, k) + g(JOINT.right_hip, k)) / 2);
  const up = [0, 1, 2].map((k) => midS[k] - midH[k]);
  const fwd = [0, 1, 2].map((k) => g(JOINT.nose, k) - midS[k]);
  const c = [lr[1] * up[2] - lr[2] * up[1], lr[2] * up[0] - lr[0] * up[2], lr[0] * up[1] - lr[1] * up[0]];
  return Math.sign(c[0] * fwd[0] + c[1] * fwd[1] + c[2] * fwd[2]);
}

/** Per-frame agreement of `poses` with `refs` (same length) on the joints the reference has. */
export function compareToReference(poses: ReadonlyArray<Pose3D | null>, refs: ReadonlyArray<Pose3D | null>): ReferenceComparison {
  if (poses.length !== refs.length) throw new Error(`compareToReference: ${poses.length} poses vs ${refs.length} references`);
  const perFrame: number[] = [], centred: number[] = [], scales: number[] = [];
  const off = [0, 0, 0];
  let frames = 0, noPose = 0, covered = 0, refJoints = 0, flipped = 0, mirrored = 0;
  for (let f = 0; f < refs.length; f++) {
    const ref = refs[f], p = poses[f];
    if (!ref || !ref.valid.some((v) => v)) continue; // nothing to compare against
    frames++;
    if (!p) {
      noPose++;
      continue;
    }
    const shared: number[] = [];
    for (let j = 0; j < NUM_JOINTS; j++) {
      if (!ref.valid[j]) continue;
      refJoints++;
      if (p.valid[j]) shared.push(j);
    }
    covered += shared.length;
    if (!shared.length) {
      noPose++;
      continue;
    }
    const cp = [0, 0, 0], cr = [0, 0, 0];
    for (const j of shared) for (let k = 0; k < 3; k++) {
      cp[k] += p.joints[3 * j + k] / shared.length;
      cr[k] += ref.joints[3 * j + k] / shared.length;
    }
    let e = 0, ec = 0, sp = 0, sr = 0, eFlip = 0, nFlip = 0;
    for (const j of shared) {
      const d = [0, 1, 2].map((k) => p.joints[3 * j + k] - ref.joints[3 * j + k]);
      e += Math.hypot(d[0], d[1], d[2]);
      ec += Math.hypot(d[0] - cp[0] + cr[0], d[1] - cp[1] + cr[1], d[2] - cp[2] + cr[2]);
      sp += [0, 1, 2].reduce((s, k) => s + (p.joints[3 * j + k] - cp[k]) ** 2, 0);
      sr += [0, 1, 2].reduce((s, k) => s + (ref.joints[3 * j + k] - cr[k]) ** 2, 0);
      const m = COCO17_FLIP[j];
      if (p.valid[m]) {
        eFlip += Math.hypot(p.joints[3 * m] - ref.joints[3 * j], p.joints[3 * m + 1] - ref.joints[3 * j + 1], p.joints[3 * m + 2] - ref.joints[3 * j + 2]);
        nFlip++;
      }
    }
    perFrame.push((1000 * e) / shared.length);
    centred.push((1000 * ec) / shared.length);
    if (sr > 0) scales.push(Math.sqrt(sp / sr));
    for (let k = 0; k < 3; k++) off[k] += 1000 * (cp[k] - cr[k]);
    // Compare on the same joints: the flipped assignment only where every mirror partner exists.
    if (nFlip === shared.length && eFlip < e) flipped++;
    const cP = chirality(p), cR = chirality(ref);
    if (cP && cR && cP !== cR) mirrored++;
  }
  const n = perFrame.length;
  return {
    ...summarise(perFrame, frames, noPose, covered, refJoints),
    meanOffsetMm: off.map((x) => (n ? x / n : NaN)) as [number, number, number],
    centredMeanMm: n ? centred.reduce((s, x) => s + x, 0) / n : NaN,
    scaleRatio: median(scales),
    flippedFrames: flipped,
    mirroredFrames: mirrored,
    compared: n,
  };
}

export interface JointDisagreement {
  /** Frames where both the method and the reference have the joint. */
  n: number;
  /** Mean distance to the reference (mm). */
  meanMm: number;
  /** Mean signed (method − reference) offset, world axes (mm): the part of the disagreement that is systematic. */
  offsetMm: [number, number, number];
}

/** Per-joint disagreement with the reference, and its systematic part. */
export function perJointDisagreement(poses: ReadonlyArray<Pose3D | null>, refs: ReadonlyArray<Pose3D | null>): JointDisagreement[] {
  if (poses.length !== refs.length) throw new Error(`perJointDisagreement: ${poses.length} poses vs ${refs.length} references`);
  return Array.from({ length: NUM_JOINTS }, (_, j) => {
    let n = 0, d = 0;
    const o = [0, 0, 0];
    poses.forEach((p, f) => {
      const r = refs[f];
      if (!p || !r || !p.valid[j] || !r.valid[j]) return;
      const v = [0, 1, 2].map((k) => 1000 * (p.joints[3 * j + k] - r.joints[3 * j + k]));
      n++;
      d += Math.hypot(v[0], v[1], v[2]);
      for (let k = 0; k < 3; k++) o[k] += v[k];
    });
    return { n, meanMm: n ? d / n : NaN, offsetMm: o.map((x) => (n ? x / n : NaN)) as [number, number, number] };
  });
}

/**
 * The body's up direction in the world frame, from poses alone: the mean mid-ankle → mid-shoulder vector, normalised
 * (the recording's calibration need not be Y-up). null when no pose has those joints.
 */
export function bodyUp(poses: ReadonlyArray<Pose3D | null>): [number, number, number] | null {
  const s = [0, 0, 0];
  const js = [JOINT.left_shoulder, JOINT.right_shoulder, JOINT.left_ankle, JOINT.right_ankle];
  for (const p of poses) {
    if (!p || !js.every((j) => p.valid[j])) continue;
    for (let k = 0; k < 3; k++) {
      const J = p.joints;
      s[k] += (J[3 * js[0] + k] + J[3 * js[1] + k] - J[3 * js[2] + k] - J[3 * js[3] + k]) / 2;
    }
  }
  const n = Math.hypot(s[0], s[1], s[2]);
  return n > 0 ? [s[0] / n, s[1] / n, s[2] / n] : null;
}

/**
 * Mean MPJPE against the reference after subtracting each joint's mean (method − reference) offset over the
 * sequence: what is left once a constant difference in where a joint is defined (e.g. a mocap ankle centre vs a
 * detector's ankle point) is forgiven. Offsets are in world axes, so this assumes the body keeps its heading.
 */
export function debiasedMeanMm(poses: ReadonlyArray<Pose3D | null>, refs: ReadonlyArray<Pose3D | null>): number {
  const off = perJointDisagreement(poses, refs).map((d) => d.offsetMm.map((x) => x / 1000));
  const per: number[] = [];
  poses.forEach((p, f) => {
    const r = refs[f];
    if (!p || !r) return;
    let e = 0, n = 0;
    for (let j = 0; j < NUM_JOINTS; j++) {
      if (!p.valid[j] || !r.valid[j]) continue;
      e += Math.hypot(...[0, 1, 2].map((k) => p.joints[3 * j + k] - off[j][k] - r.joints[3 * j + k]));
      n++;
    }
    if (n) per.push((1000 * e) / n);
  });
  return per.length ? per.reduce((s, x) => s + x, 0) / per.length : NaN;
}
