/**
 * BVH export of a sequence of COCO-17 poses: a fixed skeleton whose rest offsets come from the subject's median
 * bone lengths, and per-frame joint rotations that carry the rest skeleton onto each frame's joints.
 *
 * Hierarchy (every COCO-17 joint is a BVH joint of the same name; Hips, Spine, Neck and Head are added):
 *
 *   Hips (pelvis centre; 6 channels) ─ left_hip ─ left_knee ─ left_ankle
 *                                    ─ right_hip ─ right_knee ─ right_ankle
 *                                    ─ Spine (zero offset) ─ Neck (shoulder centre) ─ left_shoulder ─ left_elbow ─ left_wrist
 *                                                                                ─ right_shoulder ─ …
 *                                                                                ─ Head (zero offset) ─ nose ─ left_eye ─ left_ear
 *                                                                                                          ─ right_eye ─ right_ear
 *
 * Rest pose: T-pose, Y up, facing +Z, left = +X; limbs, spine and shoulders on the axes with median lengths, the
 * face from the median of its points in the head's own frame (so a rigid head is reproduced exactly).
 * Rotations: Hips and Neck get the frame of their joint pair (hip/shoulder axis) and the spine; Head gets the
 * frame of nose and ear axis; limb joints the shortest rotation onto their bone. Units: centimetres.
 * Channel order "Zrotation Xrotation Yrotation": local = Rz·Rx·Ry, degrees.
 */
import { COCO17_NAMES, JOINT, NUM_JOINTS } from '../keypoints';
import type { PoseLike } from './types';
import { median } from '../util/stats';

type V3 = [number, number, number];
type M3 = number[]; // 9, row-major; columns are the frame's axes

interface BvhJoint {
  name: string;
  parent: number;
  /** COCO-17 index, or -1 for an added joint. */
  coco: number;
  offset: V3;
  end?: V3;
}

const sub = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const add = (a: V3, b: V3): V3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const scale = (a: V3, k: number): V3 => [a[0] * k, a[1] * k, a[2] * k];
const dot = (a: V3, b: V3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: V3, b: V3): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm = (a: V3) => Math.hypot(a[0], a[1], a[2]);
const unit = (a: V3): V3 => scale(a, 1 / (norm(a) || 1));
const mid = (a: V3, b: V3): V3 => scale(add(a, b), 0.5);
const finiteMedian = (xs: number[]) => median(xs.filter(Number.isFinite));

/** Frame (columns x, y, z) from a primary x axis and an approximate y axis. */
function frameXY(x: V3, yApprox: V3): M3 | null {
  const ux = unit(x);
  const y0 = sub(yApprox, scale(ux, dot(yApprox, ux)));
  if (norm(x) < 1e-9 || norm(y0) < 1e-9) return null;
  const uy = unit(y0), uz = cross(ux, uy);
  return [ux[0], uy[0], uz[0], ux[1], uy[1], uz[1], ux[2], uy[2], uz[2]];
}

/** Shortest rotation taking unit direction a onto unit direction b. */
function swing(a: V3, b: V3): M3 {
  const c = dot(a, b);
  let axis = cross(a, b);
  let s = norm(axis);
  if (s < 1e-12) {
    if (c > 0) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
    axis = Math.abs(a[0]) < 0.9 ? cross(a, [1, 0, 0]) : cross(a, [0, 1, 0]);
    s = 0;
  }
  const [x, y, z] = unit(axis);
  const ang = Math.atan2(s, c), C = Math.cos(ang), S = Math.sin(ang), t = 1 - C;
  return [t * x * x + C, t * x * y - S * z, t * x * z + S * y, t * x * y + S * z, t * y * y + C, t * y * z - S * x, t * x * z - S * y, t * y * z + S * x, t * z * z + C];
}

const mul = (a: M3, b: M3): M3 => {
  const o = new Array(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) o[3 * i + j] += a[3 * i + k] * b[3 * k + j];
  return o;
};
const tr = (a: M3): M3 => [a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]];
const apply = (m: M3, v: V3): V3 => [m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2], m[6] * v[0] + m[7] * v[1] + m[8] * v[2]];
const I3: M3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** local = Rz·Rx·Ry → [z, x, y] degrees. */
export function toEulerZXY(R: M3): V3 {
  const d = 180 / Math.PI;
  const x = Math.asin(Math.max(-1, Math.min(1, R[7])));
  return [Math.atan2(-R[1], R[4]) * d, x * d, Math.atan2(-R[6], R[8]) * d];
}

const P = (p: PoseLike, j: number): V3 => [p.joints[3 * j], p.joints[3 * j + 1], p.joints[3 * j + 2]];

/** The head's frame: x = ear axis (left − right), y ≈ up from the ear centre towards… z = towards the nose. */
function headFrame(p: PoseLike): M3 | null {
  const ears = sub(P(p, JOINT.left_ear), P(p, JOINT.right_ear));
  const toNose = sub(P(p, JOINT.nose), mid(P(p, JOINT.left_ear), P(p, JOINT.right_ear)));
  // y from (nose direction × ear axis) would be down-forward; use z ⟂ x towards the nose, y = z × x.
  const ux = unit(ears);
  const z0 = sub(toNose, scale(ux, dot(toNose, ux)));
  if (norm(ears) < 1e-9 || norm(z0) < 1e-9) return null;
  const uz = unit(z0), uy = cross(uz, ux);
  return [ux[0], uy[0], uz[0], ux[1], uy[1], uz[1], ux[2], uy[2], uz[2]];
}

function allValid(p: PoseLike, js: number[]) {
  return js.every((j) => p.valid[j]);
}

/** Builds the skeleton (joints and rest offsets, metres) from the poses' median geometry. */
export function bvhSkeleton(poses: ReadonlyArray<PoseLike | null>): BvhJoint[] {
  const seq = poses.filter((p): p is PoseLike => !!p);
  const len = (a: number, b: number) => finiteMedian(seq.map((p) => (p.valid[a] && p.valid[b] ? norm(sub(P(p, a), P(p, b))) : NaN)));
  const J = JOINT;
  const hipW = len(J.left_hip, J.right_hip) / 2 || 0.1;
  const shW = len(J.left_shoulder, J.right_shoulder) / 2 || 0.18;
  const torso = finiteMedian(seq.map((p) => (allValid(p, [J.left_hip, J.right_hip, J.left_shoulder, J.right_shoulder])
    ? norm(sub(mid(P(p, J.left_shoulder), P(p, J.right_shoulder)), mid(P(p, J.left_hip), P(p, J.right_hip)))) : NaN))) || 0.5;
  const L = (a: number, b: number, d: number) => len(a, b) || d;
  // Face offsets in the head frame, from the neck (shoulder centre).
  const faceMed = (fn: (p: PoseLike, F: M3) => V3): V3 => {
    const vs = seq.flatMap((p) => {
      if (!allValid(p, [J.nose, J.left_eye, J.right_eye, J.left_ear, J.right_ear, J.left_shoulder, J.right_shoulder])) return [];
      const F = headFrame(p);
      return F ? [fn(p, F)] : [];
    });
    return [0, 1, 2].map((k) => finiteMedian(vs.map((v) => v[k]))) as V3;
  };
  const inHead = (F: M3, v: V3) => apply(tr(F), v);
  const neckOf = (p: PoseLike) => mid(P(p, J.left_shoulder), P(p, J.right_shoulder));
  let nose = faceMed((p, F) => inHead(F, sub(P(p, J.nose), neckOf(p))));
  const eyeL = faceMed((p, F) => inHead(F, sub(P(p, J.left_eye), P(p, J.nose))));
  const eyeR = faceMed((p, F) => inHead(F, sub(P(p, J.right_eye), P(p, J.nose))));
  const earL = faceMed((p, F) => inHead(F, sub(P(p, J.left_ear), P(p, J.left_eye))));
  const earR = faceMed((p, F) => inHead(F, sub(P(p, J.right_ear), P(p, J.right_eye))));
  const ok = (v: V3) => v.every(Number.isFinite);
  if (!ok(nose)) nose = [0, 0.2, 0.1];
  const face = (v: V3, d: V3) => (ok(v) ? v : d);

  const joints: BvhJoint[] = [];
  const addJ = (name: string, parent: number, coco: number, offset: V3, end?: V3) => joints.push({ name, parent, coco, offset, end }) - 1;
  const hips = addJ('Hips', -1, -1, [0, 0, 0]);
  for (const s of [1, -1]) {
    const side = s > 0 ? 'left' : 'right';
    const h = addJ(`${side}_hip`, hips, J[`${side}_hip`], [s * hipW, 0, 0]);
    const k = addJ(`${side}_knee`, h, J[`${side}_knee`], [0, -L(J[`${side}_hip`], J[`${side}_knee`], 0.44), 0]);
    addJ(`${side}_ankle`, k, J[`${side}_ankle`], [0, -L(J[`${side}_knee`], J[`${side}_ankle`], 0.42), 0], [0, -0.05, 0.1]);
  }
  const spine = addJ('Spine', hips, -1, [0, 0, 0]);
  const neck = addJ('Neck', spine, -1, [0, torso, 0]);
  for (const s of [1, -1]) {
    const side = s > 0 ? 'left' : 'right';
    const sh = addJ(`${side}_shoulder`, neck, J[`${side}_shoulder`], [s * shW, 0, 0]);
    const el = addJ(`${side}_elbow`, sh, J[`${side}_elbow`], [s * L(J[`${side}_shoulder`], J[`${side}_elbow`], 0.29), 0, 0]);
    addJ(`${side}_wrist`, el, J[`${side}_wrist`], [s * L(J[`${side}_elbow`], J[`${side}_wrist`], 0.26), 0, 0], [s * 0.08, 0, 0]);
  }
  const head = addJ('Head', neck, -1, [0, 0, 0]);
  const n = addJ('nose', head, J.nose, nose);
  const le = addJ('left_eye', n, J.left_eye, face(eyeL, [0.03, 0.03, -0.02]));
  addJ('left_ear', le, J.left_ear, face(earL, [0.04, -0.02, -0.08]), [0.02, 0, 0]);
  const re = addJ('right_eye', n, J.right_eye, face(eyeR, [-0.03, 0.03, -0.02]));
  addJ('right_ear', re, J.right_ear, face(earR, [-0.04, -0.02, -0.08]), [-0.02, 0, 0]);
  return joints;
}

/** Global rotations of every BVH joint for one pose (null entries: no information, keep the previous). */
function globalRotations(joints: BvhJoint[], p: PoseLike): (M3 | null)[] {
  const J = JOINT;
  const G: (M3 | null)[] = joints.map(() => null);
  const idx = (name: string) => joints.findIndex((j) => j.name === name);
  const hipC = mid(P(p, J.left_hip), P(p, J.right_hip));
  const neckC = mid(P(p, J.left_shoulder), P(p, J.right_shoulder));
  const hipsOk = allValid(p, [J.left_hip, J.right_hip]);
  const shOk = allValid(p, [J.left_shoulder, J.right_shoulder]);
  if (hipsOk && shOk) {
    G[idx('Hips')] = frameXY(sub(P(p, J.left_hip), P(p, J.right_hip)), sub(neckC, hipC));
    G[idx('Spine')] = swing([0, 1, 0], unit(sub(neckC, hipC)));
    G[idx('Neck')] = frameXY(sub(P(p, J.left_shoulder), P(p, J.right_shoulder)), sub(neckC, hipC));
  }
  if (allValid(p, [J.nose, J.left_eye, J.right_eye, J.left_ear, J.right_ear])) {
    const F = headFrame(p);
    // Head: rest frame is the identity, so the rotation is the frame itself; the face chain inherits it.
    for (const name of ['Head', 'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear']) G[idx(name)] = F;
  }
  // Limb joints: shortest rotation of the child's rest direction onto the actual bone.
  const chains: [string, string][] = [];
  for (const side of ['left', 'right']) {
    chains.push([`${side}_hip`, `${side}_knee`], [`${side}_knee`, `${side}_ankle`], [`${side}_shoulder`, `${side}_elbow`], [`${side}_elbow`, `${side}_wrist`]);
  }
  for (const [a, b] of chains) {
    const ja = idx(a), jb = idx(b);
    if (!p.valid[joints[ja].coco] || !p.valid[joints[jb].coco]) continue;
    G[ja] = swing(unit(joints[jb].offset), unit(sub(P(p, joints[jb].coco), P(p, joints[ja].coco))));
  }
  for (const side of ['left', 'right']) for (const leaf of [`${side}_ankle`, `${side}_wrist`]) G[idx(leaf)] = G[idx(leaf.replace(/ankle|wrist/, (m) => (m === 'ankle' ? 'knee' : 'elbow')))];
  return G;
}

export interface BvhOptions {
  fps: number;
  /** Units per metre in the file; 100 = centimetres. */
  unitsPerMetre?: number;
  onProgress?: (done: number, total: number) => void;
}

const fmt = (v: number) => (Math.abs(v) < 5e-7 ? '0' : v.toFixed(4));

/** Writes the BVH text. Frames without a pose (or with missing joints) repeat the previous frame's values. */
export function writeBvh(poses: ReadonlyArray<PoseLike | null>, opts: BvhOptions): string {
  const k = opts.unitsPerMetre ?? 100;
  const joints = bvhSkeleton(poses);
  const lines: string[] = ['HIERARCHY'];
  const children = joints.map((_, i) => joints.map((j, c) => (j.parent === i ? c : -1)).filter((c) => c >= 0));
  const emit = (i: number, depth: number) => {
    const pad = '  '.repeat(depth), j = joints[i];
    lines.push(`${pad}${j.parent < 0 ? 'ROOT' : 'JOINT'} ${j.name}`, `${pad}{`);
    lines.push(`${pad}  OFFSET ${j.offset.map((v) => fmt(v * k)).join(' ')}`);
    lines.push(`${pad}  CHANNELS ${j.parent < 0 ? '6 Xposition Yposition Zposition Zrotation Xrotation Yrotation' : '3 Zrotation Xrotation Yrotation'}`);
    for (const c of children[i]) emit(c, depth + 1);
    if (!children[i].length) {
      const e = j.end ?? [0, 0.05, 0];
      lines.push(`${pad}  End Site`, `${pad}  {`, `${pad}    OFFSET ${e.map((v) => fmt(v * k)).join(' ')}`, `${pad}  }`);
    }
    lines.push(`${pad}}`);
  };
  emit(0, 0);
  lines.push('MOTION', `Frames: ${poses.length}`, `Frame Time: ${(1 / opts.fps).toFixed(6)}`);
  let prevG: (M3 | null)[] = joints.map(() => I3);
  let prevRoot: V3 = [0, 0, 0];
  poses.forEach((p, f) => {
    let G = prevG, root = prevRoot;
    if (p) {
      const g = globalRotations(joints, p);
      G = g.map((m, i) => m ?? prevG[i]);
      if (p.valid[JOINT.left_hip] && p.valid[JOINT.right_hip]) root = mid(P(p, JOINT.left_hip), P(p, JOINT.right_hip));
    }
    const vals: number[] = [root[0] * k, root[1] * k, root[2] * k];
    joints.forEach((j, i) => {
      const local = j.parent < 0 ? G[i]! : mul(tr(G[j.parent]!), G[i]!);
      vals.push(...toEulerZXY(local));
    });
    lines.push(vals.map(fmt).join(' '));
    prevG = G;
    prevRoot = root;
    if (opts.onProgress && f % 256 === 0) opts.onProgress(f, poses.length);
  });
  return lines.join('\n') + '\n';
}

export const BVH_COCO_NAMES = COCO17_NAMES;
export { NUM_JOINTS as BVH_NUM_COCO };
