/**
 * The detector-noise model: turns a true 2D projection of the 17 joints into what a MoveNet-like detector reports.
 * The Python side (training/, the lifter's synthetic data) implements the same model from the same JSON
 * (training/noise/movenet_noise.json); statistics tests pin the two together. Structure of the JSON:
 *
 *   version      1
 *   sigma        17 numbers: per-joint standard deviation of the core error, per image axis, as a fraction of the
 *                person's size (the height of the box around the true 2D joints, pixels)
 *   tail         { prob, scale }: with probability `prob` a joint's error is instead drawn with standard
 *                deviation `scale` × size (the heavy tail: a joint put on the wrong limb or background)
 *   swap_prob    probability that a left/right pair (eyes, ears, shoulders, … ankles) is swapped, per pair
 *   miss_prob    17 numbers: probability that a joint is "missed": its score drawn uniformly in [0, score.miss_max]
 *   score        { base, slope, jitter, min, miss_max }: score = clip(base − slope × err/size + N(0, jitter), min, 1)
 *                for detected joints, err = the joint's pixel error
 *   outside      { score_max }: a joint whose true projection lies outside the image is clamped to the border and
 *                gets a score uniform in [0, score_max]
 *
 * A `level` multiplies the core sigma, the tail probability and the swap and miss probabilities (0 = perfect
 * detections, 1 = the fitted model); the app's "noise level" slider is that number.
 */
import { z } from 'zod';
import { COCO17_FLIP, NUM_JOINTS } from '../keypoints';
import type { Rng } from './rng';

const n17 = z.array(z.number().min(0)).length(NUM_JOINTS);
const prob = z.number().min(0).max(1);

export const NoiseParamsSchema = z.object({
  version: z.literal(1),
  sigma: n17,
  tail: z.object({ prob, scale: z.number().min(0) }),
  swap_prob: prob,
  miss_prob: z.array(prob).length(NUM_JOINTS),
  score: z.object({
    base: prob,
    slope: z.number().min(0),
    jitter: z.number().min(0),
    min: prob,
    miss_max: prob,
  }),
  outside: z.object({ score_max: prob }),
});
export type NoiseParams = z.infer<typeof NoiseParamsSchema>;

/**
 * Defaults until the measured fit lands: per-joint spreads in the range reported for MoveNet on COCO-like views
 * (face tight, wrists and ankles loose), a 3% tail, rare swaps.
 */
export const DEFAULT_NOISE: NoiseParams = {
  version: 1,
  sigma: [0.008, 0.008, 0.008, 0.01, 0.01, 0.012, 0.012, 0.016, 0.016, 0.02, 0.02, 0.016, 0.016, 0.016, 0.016, 0.02, 0.02],
  tail: { prob: 0.03, scale: 0.12 },
  swap_prob: 0.01,
  miss_prob: [0.01, 0.02, 0.02, 0.04, 0.04, 0.01, 0.01, 0.02, 0.02, 0.04, 0.04, 0.01, 0.01, 0.02, 0.02, 0.03, 0.03],
  score: { base: 0.9, slope: 3, jitter: 0.05, min: 0.35, miss_max: 0.2 },
  outside: { score_max: 0.15 },
};

/** Validates a parsed JSON object; the error names the field. */
export function parseNoiseParams(json: unknown): NoiseParams {
  const r = NoiseParamsSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`noise model: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}

/** Left/right pairs, each once (from COCO17_FLIP). */
const PAIRS: [number, number][] = COCO17_FLIP.flatMap((m, j) => (m > j ? [[j, m] as [number, number]] : []));

/**
 * Samples one view's detection from the true pixel positions `uv` (u,v × 17; NaN = behind the camera) into
 * `out` ([x, y, score] × 17, the app's ViewKeypoints). Returns out. Joints behind the camera get score 0.
 */
export function sampleDetection(
  uv: Float64Array,
  width: number,
  height: number,
  params: NoiseParams,
  level: number,
  rng: Rng,
  out: Float32Array = new Float32Array(NUM_JOINTS * 3),
): Float32Array {
  let vmin = Infinity, vmax = -Infinity;
  for (let j = 0; j < NUM_JOINTS; j++) {
    const v = uv[2 * j + 1];
    if (Number.isFinite(v)) {
      vmin = Math.min(vmin, v);
      vmax = Math.max(vmax, v);
    }
  }
  const size = Math.max(vmax - vmin, 1);
  const sc = params.score;
  for (let j = 0; j < NUM_JOINTS; j++) {
    const u0 = uv[2 * j], v0 = uv[2 * j + 1];
    if (!Number.isFinite(u0) || !Number.isFinite(v0)) {
      out[3 * j] = 0; out[3 * j + 1] = 0; out[3 * j + 2] = 0;
      continue;
    }
    const tail = rng.uniform() < params.tail.prob * level;
    const s = (tail ? params.tail.scale : params.sigma[j] * level) * size;
    const dx = s * rng.normal(), dy = s * rng.normal();
    let x = u0 + dx, y = v0 + dy;
    let score: number;
    if (u0 < 0 || u0 > width - 1 || v0 < 0 || v0 > height - 1) {
      score = rng.uniform() * params.outside.score_max;
    } else if (rng.uniform() < params.miss_prob[j] * level) {
      score = rng.uniform() * sc.miss_max;
    } else {
      const err = Math.hypot(dx, dy) / size;
      score = Math.min(1, Math.max(sc.min, sc.base - sc.slope * err + sc.jitter * rng.normal()));
    }
    x = Math.min(width - 1, Math.max(0, x));
    y = Math.min(height - 1, Math.max(0, y));
    out[3 * j] = x; out[3 * j + 1] = y; out[3 * j + 2] = score;
  }
  for (const [a, b] of PAIRS) {
    if (rng.uniform() < params.swap_prob * level) {
      for (let k = 0; k < 3; k++) {
        const tmp = out[3 * a + k];
        out[3 * a + k] = out[3 * b + k];
        out[3 * b + k] = tmp;
      }
    }
  }
  return out;
}
