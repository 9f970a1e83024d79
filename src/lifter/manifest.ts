/**
 * public/models/lifter/manifest.json (written by training/parallax_train/export.py), validated at the edge, and
 * turned into a LifterNet from the manifest plus the weights.bin bytes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { FEATURE_CONSTANTS } from './features';
import { LifterNet } from './model';

const posInt = z.number().int().positive();
/** Each config count is bounded: an integer like n_spatial = 1e7 is valid JSON and would build 10⁷ blocks. */
const count = (max: number) => z.number().int().min(0).max(max);

export const LifterConfigSchema = z.object({
  n_features: posInt.max(256),
  n_joints: posInt.max(64),
  dim: posInt.max(2048),
  heads: posInt.max(64),
  ffn: posInt.max(8192),
  n_spatial: count(32),
  n_fusion: count(32),
  n_pose: count(32),
  out_scale: z.number().positive().max(100),
  ln_eps: z.number().positive().max(1),
});
export type LifterConfig = z.infer<typeof LifterConfigSchema>;

/** Largest weights file loaded (bytes); the shipped one is ~0.5 MB and the budget 20 MB. */
export const MAX_WEIGHTS_BYTES = 256 * 1024 * 1024;

/** A plain file name next to the manifest: no folder part, no "..", nothing a URL or a path would resolve elsewhere. */
const WEIGHTS_NAME = /^(?!\.{1,2}$)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const LifterManifestSchema = z.object({
  format: z.literal('parallax-lifter'),
  version: z.literal(1),
  config: LifterConfigSchema,
  features: z.record(z.string(), z.unknown()),
  weights: z.string().regex(WEIGHTS_NAME, 'must be a plain file name next to the manifest (letters, digits, . _ -; no folder, no "..")'),
  byte_length: z.number().int().nonnegative().max(MAX_WEIGHTS_BYTES),
  tensors: z
    .array(
      z.object({
        name: z.string().min(1).max(256),
        shape: z.array(z.number().int().nonnegative().max(MAX_WEIGHTS_BYTES / 4)).max(8),
        dtype: z.literal('float32'),
        offset: z.number().int().nonnegative().multipleOf(4),
      }),
    )
    .max(10_000),
  provenance: z.record(z.string(), z.unknown()),
});
export type LifterManifest = z.infer<typeof LifterManifestSchema>;

/**
 * The weights file's name from a raw manifest, checked before anything is fetched or read: the loaders call this
 * instead of trusting `weights`, so "../x" or "/etc/x" never reaches a path or a URL.
 */
export function weightsFileName(json: unknown, fallback = 'weights.bin'): string {
  const w = typeof json === 'object' && json !== null ? (json as { weights?: unknown }).weights : undefined;
  if (w === undefined) return fallback;
  if (typeof w !== 'string' || !WEIGHTS_NAME.test(w))
    throw new Error(`lifter manifest: weights: ${JSON.stringify(w)} is not a plain file name next to the manifest`);
  return w;
}

/** Parses and checks a manifest; the error names the field. */
export function parseManifest(json: unknown): LifterManifest {
  const r = LifterManifestSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`lifter manifest: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const m = r.data;
  // The network is only valid with the feature definition it was trained on.
  for (const [k, v] of Object.entries(FEATURE_CONSTANTS)) {
    if (JSON.stringify(m.features[k]) !== JSON.stringify(v))
      throw new Error(`lifter manifest: features.${k} is ${JSON.stringify(m.features[k])}, this build computes ${JSON.stringify(v)}`);
  }
  if (m.config.dim % m.config.heads !== 0) throw new Error(`lifter manifest: config.dim: ${m.config.dim} is not a multiple of config.heads ${m.config.heads}`);
  // Layout: unique names, each tensor inside the file, no two sharing bytes.
  const seen = new Map<string, number>();
  const spans: { start: number; end: number; i: number }[] = [];
  m.tensors.forEach((t, i) => {
    const first = seen.get(t.name);
    if (first !== undefined) throw new Error(`lifter manifest: tensors.${i}.name: "${t.name}" is also tensors.${first}`);
    seen.set(t.name, i);
    const bytes = 4 * t.shape.reduce((a, b) => a * b, 1);
    if (t.offset + bytes > m.byte_length)
      throw new Error(`lifter manifest: tensors.${i} ("${t.name}"): bytes ${t.offset}–${t.offset + bytes} lie outside the ${m.byte_length} of ${m.weights}`);
    if (bytes > 0) spans.push({ start: t.offset, end: t.offset + bytes, i });
  });
  spans.sort((a, b) => a.start - b.start);
  for (let k = 1; k < spans.length; k++) {
    const a = spans[k - 1], b = spans[k];
    if (b.start < a.end)
      throw new Error(`lifter manifest: tensors.${b.i} ("${m.tensors[b.i].name}") overlaps tensors.${a.i} ("${m.tensors[a.i].name}") at bytes ${b.start}–${Math.min(a.end, b.end)}`);
  }
  return m;
}

/** Builds the network from a manifest and the weights file's bytes (little-endian float32). */
export function netFromParts(manifestJson: unknown, weights: ArrayBuffer): LifterNet {
  const m = parseManifest(manifestJson);
  if (weights.byteLength !== m.byte_length)
    throw new Error(`lifter weights: ${m.weights} has ${weights.byteLength} bytes, the manifest says ${m.byte_length}`);
  const tensors = new Map<string, tf.Tensor>();
  try {
    for (const t of m.tensors) {
      const n = t.shape.reduce((a, b) => a * b, 1);
      if (t.offset % 4 !== 0 || t.offset + 4 * n > weights.byteLength)
        throw new Error(`lifter weights: tensor "${t.name}" lies outside ${m.weights}`);
      const data = new Float32Array(weights, t.offset, n);
      // A NaN or Inf weight would make every frame fall back without a word: refused here, by tensor and index.
      for (let k = 0; k < n; k++)
        if (!Number.isFinite(data[k])) throw new Error(`lifter weights: tensor "${t.name}"[${k}] is ${data[k]}, not a finite number`);
      tensors.set(t.name, tf.tensor(data, t.shape, 'float32'));
    }
    return new LifterNet(m.config, tensors);
  } catch (e) {
    for (const t of tensors.values()) t.dispose();
    throw e;
  }
}
