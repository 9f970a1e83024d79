/**
 * The take file, version 1: the one format in which a multi-view recording travels into and out of Parallax.
 * Documented in docs/formats.md. Later versions may add fields, never change these; unknown fields are kept.
 */
import { z } from 'zod';
import { LAYOUTS } from '../keypoints/layouts';

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
    const [[fx, s, cx], [z0, fy, cy], [a, b, c]] = cam.K;
    void s; void cx; void cy;
    if (!(fx > 0) || !(fy > 0)) ctx.addIssue({ code: 'custom', path: ['K'], message: 'focal lengths K[0][0] and K[1][1] must be > 0' });
    if (z0 !== 0 || a !== 0 || b !== 0 || c !== 1) ctx.addIssue({ code: 'custom', path: ['K'], message: 'K must have the form [[fx,s,cx],[0,fy,cy],[0,0,1]]' });
    const R = cam.R;
    let maxErr = 0;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const dot = R[i][0] * R[j][0] + R[i][1] * R[j][1] + R[i][2] * R[j][2];
        maxErr = Math.max(maxErr, Math.abs(dot - (i === j ? 1 : 0)));
      }
    const det =
      R[0][0] * (R[1][1] * R[2][2] - R[1][2] * R[2][1]) -
      R[0][1] * (R[1][0] * R[2][2] - R[1][2] * R[2][0]) +
      R[0][2] * (R[1][0] * R[2][1] - R[1][1] * R[2][0]);
    if (maxErr > 1e-3 || det < 0) {
      ctx.addIssue({ code: 'custom', path: ['R'], message: `not a rotation matrix (max |RRᵀ − I| = ${maxErr.toExponential(2)}, det = ${det.toFixed(4)})` });
    }
  });

const point2d = z.tuple([finite, finite, z.number().finite().min(0).max(1)]);

/** A frame's schema for a layout with `nPoints` points per view and `nCams` cameras. */
export function frameSchema(nPoints: number, nCams: number) {
  return z
    .object({
      time: finite,
      views: z.array(z.array(point2d).length(nPoints).nullable()).length(nCams, {
        message: `views must have one entry per camera (${nCams})`,
      }),
      // Joint names are checked against COCO-17 when the frame is read (take.ts), with the frame in the message.
      gt: z.record(z.string(), row3).nullable().optional(),
    })
    .passthrough();
}

export const headerSchema = z
  .object({
    format: z.literal('multiview-take'),
    version: z.literal(1),
    fps: z.number().finite().positive(),
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
