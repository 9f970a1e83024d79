/**
 * public/models/lifter/manifest.json (written by training/parallax_train/export.py), validated at the edge, and
 * turned into a LifterNet from the manifest plus the weights.bin bytes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { FEATURE_CONSTANTS } from './features';
import { LifterNet } from './model';

const posInt = z.number().int().positive();

export const LifterConfigSchema = z.object({
  n_features: posInt,
  n_joints: posInt,
  dim: posInt,
  heads: posInt,
  ffn: posInt,
  n_spatial: z.number().int().nonnegative(),
  n_fusion: z.number().int().nonnegative(),
  n_pose: z.number().int().nonnegative(),
  out_scale: z.number().positive(),
  ln_eps: z.number().positive(),
});
export type LifterConfig = z.infer<typeof LifterConfigSchema>;

export const LifterManifestSchema = z.object({
  format: z.literal('parallax-lifter'),
  version: z.literal(1),
  config: LifterConfigSchema,
  features: z.record(z.string(), z.unknown()),
  weights: z.string().min(1),
  byte_length: z.number().int().nonnegative(),
  tensors: z.array(
    z.object({
      name: z.string().min(1),
      shape: z.array(z.number().int().nonnegative()),
      dtype: z.literal('float32'),
      offset: z.number().int().nonnegative(),
    }),
  ),
  provenance: z.record(z.string(), z.unknown()),
});
export type LifterManifest = z.infer<typeof LifterManifestSchema>;

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
      tensors.set(t.name, tf.tensor(data, t.shape, 'float32'));
    }
    return new LifterNet(m.config, tensors);
  } catch (e) {
    for (const t of tensors.values()) t.dispose();
    throw e;
  }
}
