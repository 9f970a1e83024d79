/**
 * The built-in procedural figure: a parametric COCO-17 body animated by forward kinematics, so every bone length
 * is a constant of the body and left/right cannot be mixed up (both follow from the body frame).
 *
 * Body frame (right-handed): x = the person's LEFT, y = up, z = forward. In world (Y up) the heading ψ turns it
 * about +y: forward = (sin ψ, 0, cos ψ), left = up × forward = (cos ψ, 0, −sin ψ).
 *
 * One loop of `FIGURE_CYCLE_S` seconds: walk a full circle, turn on the spot, squat twice, wave the right hand,
 * raise both arms. Every segment eases in and out of the neutral stance, so the loop is continuous.
 */
import { JOINT, NUM_JOINTS } from '../keypoints';

/** Segment sizes in metres. Bone lengths of the figure are functions of these only. */
export interface BodyParams {
  /** Half the distance between the hip joints. */
  hipHalfWidth: number;
  /** Half the distance between the shoulder joints. */
  shoulderHalfWidth: number;
  /** Hip centre to shoulder centre. */
  torso: number;
  thigh: number;
  shin: number;
  upperArm: number;
  forearm: number;
  /** Ankle joint height above the floor when the foot is flat. */
  ankleHeight: number;
  /** Head points relative to the shoulder centre, head frame (x left, y up, z forward). */
  nose: readonly [number, number, number];
  eye: readonly [number, number, number];
  ear: readonly [number, number, number];
}

/** An adult of about 1.75 m. */
export const DEFAULT_BODY: BodyParams = {
  hipHalfWidth: 0.1,
  shoulderHalfWidth: 0.19,
  torso: 0.5,
  thigh: 0.44,
  shin: 0.42,
  ankleHeight: 0.08,
  upperArm: 0.29,
  forearm: 0.26,
  nose: [0, 0.2, 0.1],
  eye: [0.033, 0.235, 0.08],
  ear: [0.075, 0.215, -0.005],
};

export interface FigureMotion {
  /** Circle the figure walks: centre (x, z) and radius, metres. */
  centerX: number;
  centerZ: number;
  radius: number;
  /** Stride (two steps), metres. */
  stride: number;
}

export const DEFAULT_MOTION: FigureMotion = { centerX: 0, centerZ: 0, radius: 1.1, stride: 1.3 };

const SEGMENTS = [
  { name: 'walk', dur: 9 },
  { name: 'turn', dur: 3 },
  { name: 'squat', dur: 4 },
  { name: 'wave', dur: 3.5 },
  { name: 'raise', dur: 3 },
] as const;
export type FigureActivity = (typeof SEGMENTS)[number]['name'];
export const FIGURE_CYCLE_S = SEGMENTS.reduce((s, x) => s + x.dur, 0);

const D = Math.PI / 180;

/** Joint angles of one instant (radians); legs: hip flexion forward, knee flexion backward, abduction outward. */
interface Angles {
  heading: number;
  x: number;
  z: number;
  lean: number;
  headYaw: number;
  headPitch: number;
  hipFlex: [number, number]; // [left, right]
  hipAbd: [number, number];
  kneeFlex: [number, number];
  armAbd: [number, number];
  armFlex: [number, number];
  /** Forearm direction, same parameterisation as the upper arm. */
  foreAbd: [number, number];
  foreFlex: [number, number];
}

/** Which activity the figure is doing at time t, and how far into it (0..1). */
export function figureActivity(t: number): { activity: FigureActivity; u: number } {
  let s = ((t % FIGURE_CYCLE_S) + FIGURE_CYCLE_S) % FIGURE_CYCLE_S;
  for (const seg of SEGMENTS) {
    if (s < seg.dur) return { activity: seg.name, u: s / seg.dur };
    s -= seg.dur;
  }
  return { activity: 'walk', u: 0 };
}

/** 0 at both ends of a segment, 1 in the middle, with zero slope at the ends. */
function envelope(u: number, edge = 0.2): number {
  const r = Math.min(u / edge, (1 - u) / edge, 1);
  return r * r * (3 - 2 * r);
}

function neutral(m: FigureMotion): Angles {
  return {
    heading: 0,
    x: m.centerX + m.radius,
    z: m.centerZ,
    lean: 2 * D,
    headYaw: 0,
    headPitch: 0,
    hipFlex: [0, 0],
    hipAbd: [3 * D, 3 * D],
    kneeFlex: [3 * D, 3 * D],
    armAbd: [8 * D, 8 * D],
    armFlex: [0, 0],
    foreAbd: [8 * D, 8 * D],
    foreFlex: [12 * D, 12 * D],
  };
}

function anglesAt(t: number, m: FigureMotion): Angles {
  const { activity, u } = figureActivity(t);
  const a = neutral(m);
  const e = envelope(u);
  switch (activity) {
    case 'walk': {
      // Arc length grows as u − sin(2πu)/2π: speed is zero at both ends, so the figure starts and stops.
      const arc = u - Math.sin(2 * Math.PI * u) / (2 * Math.PI);
      const theta = 2 * Math.PI * arc;
      a.x = m.centerX + m.radius * Math.cos(theta);
      a.z = m.centerZ + m.radius * Math.sin(theta);
      a.heading = -theta; // tangent of the counter-clockwise (seen from above) circle
      const phase = (2 * Math.PI * m.radius * theta) / m.stride;
      for (let s = 0; s < 2; s++) {
        const ph = phase + s * Math.PI;
        a.hipFlex[s] = e * 24 * D * Math.sin(ph);
        a.kneeFlex[s] = a.kneeFlex[s] + e * 55 * D * Math.max(0, Math.cos(ph)) ** 2;
        a.armFlex[s] = -e * 20 * D * Math.sin(ph);
        a.foreFlex[s] = a.armFlex[s] + 12 * D + e * 15 * D * Math.max(0, -Math.sin(ph));
      }
      a.lean = 2 * D + e * 5 * D;
      break;
    }
    case 'turn': {
      const s = u * u * (3 - 2 * u);
      a.heading = -2 * Math.PI * s;
      a.headYaw = -e * 20 * D;
      break;
    }
    case 'squat': {
      const depth = e * (1 - Math.cos(4 * Math.PI * u)) / 2;
      for (let s = 0; s < 2; s++) {
        a.hipFlex[s] = depth * 95 * D;
        a.kneeFlex[s] = a.kneeFlex[s] + depth * 120 * D;
        a.hipAbd[s] = a.hipAbd[s] + depth * 10 * D;
        a.armFlex[s] = depth * 80 * D;
        a.foreFlex[s] = a.foreFlex[s] + depth * 75 * D;
        a.armAbd[s] = a.armAbd[s] * (1 - depth);
        a.foreAbd[s] = a.foreAbd[s] * (1 - depth);
      }
      a.lean = 2 * D + depth * 35 * D;
      a.headPitch = -depth * 20 * D;
      break;
    }
    case 'wave': {
      const R = 1; // right side index
      a.armAbd[R] = 8 * D + e * 92 * D;
      a.foreAbd[R] = 8 * D + e * (172 + 28 * Math.sin(2 * Math.PI * 2 * u * 3.5)) * D;
      a.headYaw = e * 15 * D;
      break;
    }
    case 'raise': {
      const lift = e * (1 - Math.cos(2 * Math.PI * u)) / 2;
      for (let s = 0; s < 2; s++) {
        a.armAbd[s] = 8 * D + lift * 160 * D;
        a.foreAbd[s] = 8 * D + lift * 168 * D;
      }
      a.headPitch = lift * 10 * D;
      break;
    }
  }
  return a;
}

/** Unit limb direction in the body frame for abduction α (towards side s) then flexion φ (towards forward). */
function limbDir(s: number, abd: number, flex: number, out: number[]): number[] {
  out[0] = s * Math.sin(abd);
  out[1] = -Math.cos(abd) * Math.cos(flex);
  out[2] = Math.cos(abd) * Math.sin(flex);
  return out;
}

const dirScratch = [0, 0, 0];

/**
 * The figure's 17 world-space joints at time t (seconds), x,y,z × 17 into `out`. Pure and deterministic.
 */
export function figurePose(
  t: number,
  out: Float64Array = new Float64Array(NUM_JOINTS * 3),
  body: BodyParams = DEFAULT_BODY,
  motion: FigureMotion = DEFAULT_MOTION,
): Float64Array {
  const a = anglesAt(t, motion);
  // Body-frame positions relative to the pelvis centre; converted to world at the end.
  const local = new Float64Array(NUM_JOINTS * 3);
  const set = (j: number, x: number, y: number, z: number) => {
    local[3 * j] = x; local[3 * j + 1] = y; local[3 * j + 2] = z;
  };
  const sides = [1, -1] as const; // left = +x
  const hips = [JOINT.left_hip, JOINT.right_hip], knees = [JOINT.left_knee, JOINT.right_knee];
  const ankles = [JOINT.left_ankle, JOINT.right_ankle];
  let lowest = 0;
  for (let i = 0; i < 2; i++) {
    const s = sides[i];
    const hx = s * body.hipHalfWidth;
    set(hips[i], hx, 0, 0);
    const d1 = limbDir(s, a.hipAbd[i], a.hipFlex[i], dirScratch);
    const kx = hx + body.thigh * d1[0], ky = body.thigh * d1[1], kz = body.thigh * d1[2];
    set(knees[i], kx, ky, kz);
    const d2 = limbDir(s, a.hipAbd[i], a.hipFlex[i] - a.kneeFlex[i], dirScratch);
    set(ankles[i], kx + body.shin * d2[0], ky + body.shin * d2[1], kz + body.shin * d2[2]);
    lowest = Math.min(lowest, ky + body.shin * d2[1]);
  }
  // Torso pitches forward by `lean` about the hip axis (body x), which keeps hip–shoulder lengths fixed.
  const cl = Math.cos(a.lean), sl = Math.sin(a.lean);
  const torso = (x: number, y: number, z: number, o: number[]) => {
    o[0] = x; o[1] = y * cl - z * sl; o[2] = y * sl + z * cl;
    return o;
  };
  const v = [0, 0, 0];
  torso(0, body.torso, 0, v);
  const scx = v[0], scy = v[1], scz = v[2];
  const shoulders = [JOINT.left_shoulder, JOINT.right_shoulder], elbows = [JOINT.left_elbow, JOINT.right_elbow];
  const wrists = [JOINT.left_wrist, JOINT.right_wrist];
  for (let i = 0; i < 2; i++) {
    const s = sides[i];
    const sx = scx + s * body.shoulderHalfWidth, sy = scy, sz = scz;
    set(shoulders[i], sx, sy, sz);
    const d1 = limbDir(s, a.armAbd[i], a.armFlex[i], dirScratch);
    torso(d1[0], d1[1], d1[2], v);
    const ex = sx + body.upperArm * v[0], ey = sy + body.upperArm * v[1], ez = sz + body.upperArm * v[2];
    set(elbows[i], ex, ey, ez);
    const d2 = limbDir(s, a.foreAbd[i], a.foreFlex[i], dirScratch);
    torso(d2[0], d2[1], d2[2], v);
    set(wrists[i], ex + body.forearm * v[0], ey + body.forearm * v[1], ez + body.forearm * v[2]);
  }
  // Head: rigid, turned by headYaw (about its up) and pitched by headPitch + lean, hinged at the shoulder centre.
  const cy = Math.cos(a.headYaw), sy = Math.sin(a.headYaw);
  const cp = Math.cos(a.headPitch), sp = Math.sin(a.headPitch);
  const head = (j: number, x: number, y: number, z: number) => {
    const x1 = x * cy + z * sy, z1 = -x * sy + z * cy; // yaw
    const y2 = y * cp - z1 * sp, z2 = y * sp + z1 * cp; // nod (positive = chin down)
    torso(x1, y2, z2, v);
    set(j, scx + v[0], scy + v[1], scz + v[2]);
  };
  head(JOINT.nose, ...body.nose);
  head(JOINT.left_eye, body.eye[0], body.eye[1], body.eye[2]);
  head(JOINT.right_eye, -body.eye[0], body.eye[1], body.eye[2]);
  head(JOINT.left_ear, body.ear[0], body.ear[1], body.ear[2]);
  head(JOINT.right_ear, -body.ear[0], body.ear[1], body.ear[2]);

  // Pelvis height puts the lower ankle at ankle height: the standing foot is on the floor.
  const pelvisY = body.ankleHeight - lowest;
  const fx = Math.sin(a.heading), fz = Math.cos(a.heading); // forward
  const lx = fz, lz = -fx; // left = up × forward
  for (let j = 0; j < NUM_JOINTS; j++) {
    const x = local[3 * j], y = local[3 * j + 1], z = local[3 * j + 2];
    out[3 * j] = a.x + x * lx + z * fx;
    out[3 * j + 1] = pelvisY + y;
    out[3 * j + 2] = a.z + x * lz + z * fz;
  }
  return out;
}

/** Heading of the figure at time t (radians about +y; 0 = facing +z). */
export function figureHeading(t: number, motion: FigureMotion = DEFAULT_MOTION): number {
  return anglesAt(t, motion).heading;
}
