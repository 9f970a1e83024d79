/**
 * The bodies of a multi-person scene. A scene figure is any function of time giving world joints (or null while the
 * person is out of the scene): the procedural figure on its own walking circle, or a recorded motion (COCO-17 mocap
 * frames) carried along a circle. Start times are chosen so bodies pass each other without walking through each
 * other: paths cross, bodies keep a minimum distance.
 */
import { JOINT, NUM_JOINTS } from '../keypoints/coco17';
import { DEFAULT_BODY, FIGURE_CYCLE_S, figurePose, type BodyParams, type FigureMotion } from './figure';

export interface SceneFigure {
  /** The person's id in the scene's truth. */
  id: number;
  /** World joints at time t (metres, y up) into out, or null while the person is not in the scene. */
  pose(t: number, out: Float64Array): Float64Array | null;
}

/** A body scaled by `s` (a taller or shorter adult). */
export function scaledBody(s: number): BodyParams {
  const b = DEFAULT_BODY;
  const v = (x: readonly [number, number, number]) => [x[0] * s, x[1] * s, x[2] * s] as const;
  return {
    hipHalfWidth: b.hipHalfWidth * s, shoulderHalfWidth: b.shoulderHalfWidth * s, torso: b.torso * s, thigh: b.thigh * s,
    shin: b.shin * s, upperArm: b.upperArm * s, forearm: b.forearm * s, ankleHeight: b.ankleHeight * s,
    nose: v(b.nose), eye: v(b.eye), ear: v(b.ear),
  };
}

function hipCentre(p: Float64Array): [number, number] {
  return [0.5 * (p[3 * JOINT.left_hip] + p[3 * JOINT.right_hip]), 0.5 * (p[3 * JOINT.left_hip + 2] + p[3 * JOINT.right_hip + 2])];
}

/**
 * Time offsets (one per path, the first 0) from `candidates`, chosen one path at a time against the paths already
 * placed: with no `closest`, the offset keeping the hip centres as far apart as possible over [0, span); with
 * `closest` (metres), the offset whose closest approach is nearest above it, so bodies pass close without
 * walking through each other.
 */
export function spacedOffsets(at: ReadonlyArray<(t: number) => [number, number]>, candidates: readonly number[], span: number, step = 0.2, closest?: number): number[] {
  const offsets: number[] = [];
  for (let k = 0; k < at.length; k++) {
    let best = 0, bestMin = -Infinity, bestAbove = Infinity, above = -1;
    for (const off of k === 0 ? [0] : candidates) {
      let min = Infinity;
      for (let t = 0; t < span; t += step) {
        const p = at[k](t + off);
        for (let q = 0; q < k; q++) {
          const r = at[q](t + offsets[q]);
          min = Math.min(min, Math.hypot(p[0] - r[0], p[1] - r[1]));
        }
      }
      if (min > bestMin) {
        bestMin = min;
        best = off;
      }
      if (closest !== undefined && min >= closest && min < bestAbove) {
        bestAbove = min;
        above = off;
      }
    }
    offsets.push(above >= 0 ? above : best);
  }
  return offsets;
}

/**
 * n procedural figures (1–6) sharing the space: each walks its own circle (the circles overlap, so paths cross),
 * with its own size and a start time keeping the bodies apart.
 */
export function proceduralFigures(n: number, radius = 0.9, spread = 0.55): SceneFigure[] {
  const motions: FigureMotion[] = [], bodies: BodyParams[] = [];
  for (let k = 0; k < n; k++) {
    const a = (2 * Math.PI * k) / n;
    motions.push({ centerX: n > 1 ? spread * Math.cos(a) - radius / 2 : 0, centerZ: n > 1 ? spread * Math.sin(a) : 0, radius, stride: 1.3 });
    bodies.push(scaledBody([1, 0.93, 1.06, 0.97, 1.03, 0.9][k % 6]));
  }
  const scratch = new Float64Array(NUM_JOINTS * 3);
  const paths = motions.map((m, k) => (t: number) => hipCentre(figurePose(t, scratch, bodies[k], m)));
  const candidates = Array.from({ length: Math.round(FIGURE_CYCLE_S / 0.75) }, (_, i) => i * 0.75);
  const offsets = spacedOffsets(paths, candidates, FIGURE_CYCLE_S);
  return motions.map((m, k) => ({ id: k, pose: (t, out) => figurePose(t + offsets[k], out, bodies[k], m) }));
}

/** A recorded COCO-17 motion: frames (T × 51, metres, y up, floor at 0) at `fps`. */
export interface Motion {
  fps: number;
  frames: Float64Array[];
}

/**
 * A recorded motion carried along a circle: the motion's own horizontal hip travel is replaced by the circle at
 * `speed` m/s (its steps may slide; the body, its poses and its size are the recording's). Loops when the motion
 * ends. Present during [enter, leave) seconds.
 */
export function motionFigure(id: number, motion: Motion, circle: { x: number; z: number; r: number; speed: number; phase: number }, enter = -Infinity, leave = Infinity): SceneFigure {
  const T = motion.frames.length;
  return {
    id,
    pose(t, out) {
      if (t < enter || t >= leave || T === 0) return null;
      const f = motion.frames[((Math.round(t * motion.fps) % T) + T) % T];
      const [hx, hz] = hipCentre(f);
      const a = circle.phase + (circle.speed * t) / circle.r;
      const cx = circle.x + circle.r * Math.cos(a), cz = circle.z + circle.r * Math.sin(a);
      for (let j = 0; j < NUM_JOINTS; j++) {
        out[3 * j] = f[3 * j] - hx + cx;
        out[3 * j + 1] = f[3 * j + 1];
        out[3 * j + 2] = f[3 * j + 2] - hz + cz;
      }
      return out;
    },
  };
}
