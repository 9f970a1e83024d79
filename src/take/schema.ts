/**
 * The take file, version 1: the one format in which a multi-view recording travels into and out of Parallax.
 * Documented in docs/formats.md. Later versions may add fields, never change these; unknown fields are kept.
 */
import { z } from 'zod';
import { makeCamera } from '../geometry/camera';
import { checkCamera } from '../geometry/camera-check';
import { LAYOUTS } from '../keypoints/layouts';
import { LIMITS } from './limits';

const finite = z.number().finite();
const row3 = z.tuple([finite, finite, finite]);
const mat3 = z.tuple([row3, row3, row3]);

export const cameraSchema = z
  .object({
    name: z.string().min(1),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    K: mat3,
    dist: z.array(finite).max(5).default([]),
    R: mat3,
    t: row3,
  })
  .passthrough()
  .superRefine((cam, ctx) => {
    // The one camera check (src/geometry/camera-check.ts); zod above has already checked the shapes.
    for (const p of checkCamera(makeCamera(cam))) ctx.addIssue({ code: 'custom', path: [p.field], message: `camera "${cam.name}": ${p.message}` });
  });

const pixel = finite.min(-LIMITS.maxPixel).max(LIMITS.maxPixel);
const metres = finite.min(-LIMITS.maxMetres).max(LIMITS.maxMetres);
const point2d = z.tuple([pixel, pixel, z.number().finite().min(0).max(1)]);

/** A frame's schema for a layout with `nPoints` points per view and `nCams` cameras. */
export function frameSchema(nPoints: number, nCams: number) {
  return z
    .object({
      time: finite.min(-LIMITS.maxSeconds).max(LIMITS.maxSeconds),
      views: z.array(z.array(point2d).length(nPoints).nullable()).length(nCams, {
        message: `views must have one entry per camera (${nCams})`,
      }),
      // Joint names are checked against COCO-17 when the frame is read (take.ts), with the frame in the message.
      gt: z.record(z.string(), z.tuple([metres, metres, metres])).nullable().optional(),
    })
    .passthrough();
}

export const headerSchema = z
  .object({
    format: z.literal('multiview-take'),
    version: z.literal(1),
    fps: finite.min(LIMITS.minFps).max(LIMITS.maxFps),
    keypoints2d: z.enum(Object.keys(LAYOUTS) as [string, ...string[]]),
    cameras: z.array(cameraSchema).min(1).max(64),
    frames: z.array(z.unknown()),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough()
  .superRefine((h, ctx) => {
    const seen = new Set<string>();
    h.cameras.forEach((c, i) => {
      if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: ['cameras', i, 'name'], message: `duplicate camera name "${c.name}"` });
      seen.add(c.name);
    });
  });

export type CameraJSON = z.infer<typeof cameraSchema>;
