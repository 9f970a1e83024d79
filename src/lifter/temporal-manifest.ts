/**
 * public/models/lifter-temporal/manifest.json (training/parallax_train/export_temporal.py): the single-frame
 * lifter's format with format "parallax-lifter-temporal", the temporal config (the encoder's under `frame`) and the
 * window rule; validated at the edge, then turned into a TemporalNet.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { FEATURE_CONSTANTS } from './features';
import { LifterConfigSchema, LifterManifestSchema } from './manifest';
import { TemporalNet } from './temporal-model';
import { WINDOW_CONSTANTS } from './window';

const posInt = z.number().int().positive();
const count = z.number().int().nonnegative();

export const TemporalConfigSchema = z.object({
  frame: LifterConfigSchema,
  dim: posInt,
  heads: posInt,
  ffn: posInt,
  n_time: count,
  n_pose: count,
  out_scale: z.number().positive(),
  ln_eps: z.number().positive(),
  time_scale_s: z.number().positive(),
  diff_scale: z.number().positive(),
});
export type TemporalConfig = z.infer<typeof TemporalConfigSchema>;

export const TemporalManifestSchema = z.object({
  format: z.literal('parallax-lifter-temporal'),
  version: z.literal(1),
  config: TemporalConfigSchema,
  features: z.record(z.string(), z.unknown()),
  window: z.record(z.string(), z.unknown()),
  weights: z.string().min(1),
  byte_length: count,
  tensors: LifterManifestSchema.shape.tensors,
  provenance: z.record(z.string(), z.unknown()),
});
export type TemporalManifest = z.infer<typeof TemporalManifestSchema>;

/** Parses and checks a temporal manifest; the error names the field. */
export function parseTemporalManifest(json: unknown): TemporalManifest {
  const r = TemporalManifestSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`temporal lifter manifest: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const m = r.data;
  const pinned = (field: 'features' | 'window', want: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(want)) {
      if (JSON.stringify(m[field][k]) !== JSON.stringify(v))
        throw new Error(`temporal lifter manifest: ${field}.${k} is ${JSON.stringify(m[field][k])}, this build uses ${JSON.stringify(v)}`);
    }
  };
  pinned('features', FEATURE_CONSTANTS);
  pinned('window', WINDOW_CONSTANTS);
  return m;
}

/** Builds the network from a manifest and the weights file's bytes (little-endian float32). */
export function temporalNetFromParts(manifestJson: unknown, weights: ArrayBuffer): TemporalNet {
  const m = parseTemporalManifest(manifestJson);
  if (weights.byteLength !== m.byte_length)
    throw new Error(`temporal lifter weights: ${m.weights} has ${weights.byteLength} bytes, the manifest says ${m.byte_length}`);
  const tensors = new Map<string, tf.Tensor>();
  try {
    for (const t of m.tensors) {
      const n = t.shape.reduce((a, b) => a * b, 1);
      if (t.offset % 4 !== 0 || t.offset + 4 * n > weights.byteLength)
        throw new Error(`temporal lifter weights: tensor "${t.name}" lies outside ${m.weights}`);
      tensors.set(t.name, tf.tensor(new Float32Array(weights, t.offset, n), t.shape, 'float32'));
    }
    return new TemporalNet(m.config, tensors);
  } catch (e) {
    for (const t of tensors.values()) if (!t.isDisposed) t.dispose();
    throw e;
  }
}
