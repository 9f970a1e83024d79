/**
 * The detector-noise model, TypeScript sampler. The model and its parameters are defined on the Python side
 * (training/parallax_train/noise.py, parameters in training/noise/movenet_noise.json), which generates the lifter's
 * training data; this file draws from the same model for the simulation, and src/sim/noise.test.ts pins the two
 * together with statistics produced by scripts/sim-noise-fixture.py. Spreads are fractions of the person's box
 * diagonal in the view (the box of the visible true joints):
 *
 *   1. (3D, once per body) definition offsets: where the detector puts each joint relative to the mocap joint
 *      centre, [outward, up, forward] metres in the body frame, mean × U(definition_gain) + N(0, sd); with
 *      probability modes.hips_shift the hips move up/down by up to hips_shift_m.
 *   2. (2D, per view) error = z · sigma_j · s_view · diag, z an isotropic bivariate Student-t (nu), s_view log-normal
 *      (view_sigma_logsd); score = clip(hi − slope · log1p(|z|) + N(0, noise), min, 1); whole-view left/right swap
 *      (swap_view), per-limb swaps (swap_limb); a joint is missed with probability joints.<name>.miss.
 *   3. (per frame set) modes: all_one (scores 1.0), no_face, part_dropout (half the views lose a body part);
 *      corrupt_view: one view displaced and scrambled.
 *   4. joints outside the image: missed with probability outside.miss, else clamped with score U(outside.score).
 *   Missing joints are (0, 0, 0).
 *
 * `level` scales the model for the app's noise slider: spreads and definition offsets × level, probabilities of
 * misses, swaps, corrupt views and non-normal modes × min(level, 1). level 1 is the model as fitted; 0 is perfect.
 */
import { z } from 'zod';
import { COCO17_FLIP, COCO17_NAMES, JOINT, NUM_JOINTS } from '../keypoints';
import type { Rng } from './rng';

const prob = z.number().min(0).max(1);
const jointEntry = z.object({ sigma: z.number().min(0), miss: prob }).passthrough();
const defEntry = z.object({ mean: z.tuple([z.number(), z.number(), z.number()]), sd: z.number().min(0) }).passthrough();
const perJoint = <T extends z.ZodTypeAny>(t: T) => z.object(Object.fromEntries(COCO17_NAMES.map((n) => [n, t])) as Record<(typeof COCO17_NAMES)[number], T>).passthrough();

export const NoiseParamsSchema = z
  .object({
    version: z.literal(1),
    source: z.string().optional(),
    nu: z.number().positive(), // Infinity is not JSON; a Gaussian is a large nu
    joints: perJoint(jointEntry),
    view_sigma_logsd: z.number().min(0),
    swap_view: prob,
    swap_limb: prob,
    score: z.object({ hi: prob, slope: z.number().min(0), noise: z.number().min(0), min: prob }).passthrough(),
    definition: perJoint(defEntry),
    definition_gain: z.tuple([z.number(), z.number()]),
    hips_shift_m: z.number().min(0),
    outside: z.object({ miss: prob, score: z.tuple([prob, prob]) }).passthrough(),
    modes: z.object({ normal: z.number().min(0), all_one: z.number().min(0), no_face: z.number().min(0), part_dropout: z.number().min(0), hips_shift: prob }).passthrough(),
    corrupt_view: prob,
  })
  .passthrough();
export type NoiseParams = z.infer<typeof NoiseParamsSchema>;

/** The Python side's literature defaults (noise.py default_params), used when no JSON is bundled. */
export const DEFAULT_NOISE: NoiseParams = (() => {
  const rel: Record<string, number> = { nose: 0.012, eye: 0.011, ear: 0.016, shoulder: 0.02, elbow: 0.024, wrist: 0.028, hip: 0.026, knee: 0.024, ankle: 0.027 };
  const miss: Record<string, number> = { nose: 0.02, eye: 0.03, ear: 0.06, shoulder: 0.01, elbow: 0.03, wrist: 0.05, hip: 0.02, knee: 0.03, ankle: 0.05 };
  const defn: Record<string, [number, number, number]> = {
    nose: [0, 0, 0], eye: [0, 0, 0], ear: [0, 0, 0], shoulder: [0.01, 0.02, 0], elbow: [0, 0, -0.015], wrist: [0, 0, 0],
    hip: [0.025, 0.02, 0], knee: [0, 0, 0.02], ankle: [0, 0.04, -0.03],
  };
  const sd: Record<string, number> = { nose: 0.01, eye: 0.008, ear: 0.012, shoulder: 0.012, elbow: 0.01, wrist: 0.01, hip: 0.015, knee: 0.012, ankle: 0.012 };
  const key = (n: string) => (n === 'nose' ? 'nose' : n.split('_').pop()!);
  const per = <T,>(f: (k: string) => T) => Object.fromEntries(COCO17_NAMES.map((n) => [n, f(key(n))])) as Record<(typeof COCO17_NAMES)[number], T>;
  return {
    version: 1 as const,
    source: 'defaults (mirror of training/parallax_train/noise.py default_params)',
    nu: 3,
    joints: per((k) => ({ sigma: rel[k], miss: miss[k] })),
    view_sigma_logsd: 0.3,
    swap_view: 0.01,
    swap_limb: 0.02,
    score: { hi: 0.85, slope: 0.25, noise: 0.08, min: 0.05 },
    definition: per((k) => ({ mean: defn[k], sd: sd[k] })),
    definition_gain: [0.3, 1.5] as [number, number],
    hips_shift_m: 0.08,
    outside: { miss: 0.5, score: [0.05, 0.25] as [number, number] },
    modes: { normal: 0.7, all_one: 0.1, no_face: 0.07, part_dropout: 0.13, hips_shift: 0.1 },
    corrupt_view: 0.03,
  };
})();

/** Validates a parsed JSON object; the error names the field. */
export function parseNoiseParams(json: unknown): NoiseParams {
  const r = NoiseParamsSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`noise model: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}

const PARTS: number[][] = [[0, 1, 2, 3, 4], [7, 9], [8, 10], [13, 15], [14, 16], [11, 12, 13, 14, 15, 16], [15, 16], [5, 7, 9], [6, 8, 10]];
const LIMB_PAIRS: [number[], number[]][] = [[[7, 9], [8, 10]], [[13, 15], [14, 16]]];

/** Gamma(shape, 1) by Marsaglia–Tsang (with the shape < 1 boost). */
export function gamma(shape: number, rng: Rng): number {
  if (shape < 1) return gamma(shape + 1, rng) * Math.pow(rng.uniform() || 1e-300, 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

const clampP = (p: number, level: number) => Math.min(1, p * Math.min(level, 1));

/** Per-body definition offsets [outward, up, forward] × 17 (metres) at level 1, drawn once per simulated person. */
export function drawDefinitionOffsets(params: NoiseParams, rng: Rng): Float64Array {
  const out = new Float64Array(NUM_JOINTS * 3);
  const [lo, hi] = params.definition_gain;
  const gain = lo + (hi - lo) * rng.uniform();
  COCO17_NAMES.forEach((n, j) => {
    const d = params.definition[n];
    for (let k = 0; k < 3; k++) out[3 * j + k] = gain * d.mean[k] + d.sd * rng.normal();
  });
  if (rng.uniform() < params.modes.hips_shift) {
    const s = (2 * rng.uniform() - 1) * params.hips_shift_m;
    out[3 * JOINT.left_hip + 1] += s;
    out[3 * JOINT.right_hip + 1] += s;
  }
  return out;
}

/**
 * The joints the detector aims at: true joints plus the body-frame offsets × scale (the noise level), with up = +y (the app's world) and
 * left from the hips. Writes into out and returns it.
 */
export function applyDefinitionOffsets(joints: Float64Array, local: Float64Array, scale = 1, out = new Float64Array(joints.length)): Float64Array {
  const L = JOINT.left_hip, R = JOINT.right_hip;
  let lx = joints[3 * L] - joints[3 * R], lz = joints[3 * L + 2] - joints[3 * R + 2];
  const n = Math.hypot(lx, lz) || 1;
  lx /= n;
  lz /= n;
  // forward = left × up = (lx,0,lz) × (0,1,0) = (−lz, 0, lx)
  const fx = -lz, fz = lx;
  COCO17_NAMES.forEach((name, j) => {
    const s = name === 'nose' ? 0 : name.startsWith('left') ? 1 : -1;
    const o = scale * local[3 * j] * s, u = scale * local[3 * j + 1], f = scale * local[3 * j + 2];
    out[3 * j] = joints[3 * j] + o * lx + f * fx;
    out[3 * j + 1] = joints[3 * j + 1] + u;
    out[3 * j + 2] = joints[3 * j + 2] + o * lz + f * fz;
  });
  return out;
}

export interface SampleOptions {
  /** Apply the per-frame-set modes and corrupt views (the Python side's modes=True). */
  modes: boolean;
  /** Fixed per-view sigma multiplier instead of the log-normal draw (the Python side's view_scale). */
  viewScale?: number;
}

/** Box diagonal (px) of the finite points; 1 when there are none (as box_diag in noise.py). */
function boxDiag(uv: Float64Array): number {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let j = 0; j < NUM_JOINTS; j++) {
    const x = uv[2 * j], y = uv[2 * j + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  const d = Math.hypot(x1 - x0, y1 - y0);
  return Number.isFinite(d) && d > 0 ? d : 1;
}

/**
 * Detections for one frame set: `uvs[v]` holds the clean pixels (u,v × 17, NaN = behind the camera) of view v,
 * already including the definition offsets. Returns [x, y, score] × 17 per view (missing joints 0, 0, 0).
 */
export function sampleDetections(
  uvs: readonly Float64Array[],
  sizes: readonly { width: number; height: number }[],
  params: NoiseParams,
  level: number,
  rng: Rng,
  opts: SampleOptions = { modes: true },
): Float32Array[] {
  const V = uvs.length;
  const sc = params.score;
  const nu = params.nu;
  const out: Float32Array[] = [];
  const diags: number[] = [];
  const ex = new Float64Array(NUM_JOINTS * 2), sco = new Float64Array(NUM_JOINTS), det = new Uint8Array(NUM_JOINTS);
  const perm = new Int32Array(NUM_JOINTS);
  for (let v = 0; v < V; v++) {
    const uv = uvs[v];
    const diag = boxDiag(uv);
    diags.push(diag);
    const vs = opts.viewScale ?? Math.exp(params.view_sigma_logsd * rng.normal());
    for (let j = 0; j < NUM_JOINTS; j++) {
      let zx = rng.normal(), zy = rng.normal();
      if (Number.isFinite(nu)) {
        const w = Math.sqrt(nu / (2 * gamma(nu / 2, rng)));
        zx *= w;
        zy *= w;
      }
      const s = params.joints[COCO17_NAMES[j]].sigma * level * vs * diag;
      ex[2 * j] = uv[2 * j] + zx * s;
      ex[2 * j + 1] = uv[2 * j + 1] + zy * s;
      const score = sc.hi - sc.slope * Math.log1p(Math.hypot(zx, zy)) + sc.noise * rng.normal();
      sco[j] = Math.min(1, Math.max(sc.min, score));
    }
    for (let j = 0; j < NUM_JOINTS; j++) perm[j] = j;
    if (rng.uniform() < clampP(params.swap_view, level)) for (let j = 0; j < NUM_JOINTS; j++) perm[j] = COCO17_FLIP[j];
    for (const [l, r] of LIMB_PAIRS) {
      if (rng.uniform() < clampP(params.swap_limb, level)) {
        for (let k = 0; k < l.length; k++) {
          const t = perm[l[k]];
          perm[l[k]] = perm[r[k]];
          perm[r[k]] = t;
        }
      }
    }
    const kp = new Float32Array(NUM_JOINTS * 3);
    for (let j = 0; j < NUM_JOINTS; j++) {
      const p = perm[j];
      kp[3 * j] = ex[2 * p];
      kp[3 * j + 1] = ex[2 * p + 1];
      kp[3 * j + 2] = sco[p];
      const visible = Number.isFinite(uv[2 * p]) && Number.isFinite(uv[2 * p + 1]);
      det[j] = visible && rng.uniform() >= clampP(params.joints[COCO17_NAMES[j]].miss, level) ? 1 : 0;
      kp[3 * j + 2] = det[j] ? kp[3 * j + 2] : -1; // −1 marks "missed" until finalisation
    }
    out.push(kp);
  }
  if (opts.modes) applyModes(out, diags, params, level, rng);
  for (let v = 0; v < V; v++) finalize(out[v], sizes[v].width, sizes[v].height, params, rng);
  return out;
}

function applyModes(views: Float32Array[], diags: number[], params: NoiseParams, level: number, rng: Rng): void {
  const m = params.modes;
  const total = m.normal + m.all_one + m.no_face + m.part_dropout;
  const k = Math.min(level, 1) / (total || 1);
  const u = rng.uniform();
  const mode = u < m.all_one * k ? 'all_one' : u < (m.all_one + m.no_face) * k ? 'no_face' : u < (m.all_one + m.no_face + m.part_dropout) * k ? 'part_dropout' : 'normal';
  const V = views.length;
  if (mode === 'no_face') for (const kp of views) for (let j = 0; j < 5; j++) kp[3 * j + 2] = -1;
  if (mode === 'part_dropout') {
    for (const kp of views) {
      if (rng.uniform() >= 0.5) continue;
      for (const j of PARTS[Math.floor(rng.uniform() * PARTS.length)]) kp[3 * j + 2] = -1;
    }
  }
  if (V > 0 && rng.uniform() < clampP(params.corrupt_view, level)) {
    const v = Math.floor(rng.uniform() * V), kp = views[v], d = diags[v];
    const shift = (0.15 + 0.35 * rng.uniform()) * d, ang = 2 * Math.PI * rng.uniform();
    for (let j = 0; j < NUM_JOINTS; j++) {
      kp[3 * j] += Math.cos(ang) * shift + rng.normal() * 0.08 * d;
      kp[3 * j + 1] += Math.sin(ang) * shift + rng.normal() * 0.08 * d;
      if (kp[3 * j + 2] >= 0) kp[3 * j + 2] = 0.3 + 0.5 * rng.uniform();
    }
  }
  if (mode === 'all_one') for (const kp of views) for (let j = 0; j < NUM_JOINTS; j++) if (kp[3 * j + 2] >= 0) kp[3 * j + 2] = 1;
}

function finalize(kp: Float32Array, width: number, height: number, params: NoiseParams, rng: Rng): void {
  const [lo, hi] = params.outside.score;
  for (let j = 0; j < NUM_JOINTS; j++) {
    const x = kp[3 * j], y = kp[3 * j + 1];
    let ok = kp[3 * j + 2] >= 0 && Number.isFinite(x) && Number.isFinite(y);
    if (ok && (x < 0 || x > width - 1 || y < 0 || y > height - 1)) {
      if (rng.uniform() < params.outside.miss) ok = false;
      else {
        kp[3 * j] = Math.min(width - 1, Math.max(0, x));
        kp[3 * j + 1] = Math.min(height - 1, Math.max(0, y));
        kp[3 * j + 2] = lo + (hi - lo) * rng.uniform();
      }
    }
    if (!ok) {
      kp[3 * j] = 0; kp[3 * j + 1] = 0; kp[3 * j + 2] = 0;
    }
  }
}
