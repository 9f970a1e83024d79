/**
 * One simulated frame set: the figure at time t, projected into every camera with the one camera model, turned
 * into detections by the noise model. The result has the shape live detection produces, so the same fusion runs.
 */
import { projectPoint, type Camera } from '../geometry/camera';
import { NUM_JOINTS } from '../keypoints';
import { figurePose } from './figure';
import { sampleDetection, type NoiseParams } from './noise';
import type { Rng } from './rng';

export interface SimOptions {
  noise: NoiseParams;
  /** Noise level multiplier (0 = perfect detections). */
  level: number;
  /** Indices of cameras that are "dropped": their slot stays, with no detection and status 'lost'. */
  dropped: ReadonlySet<number>;
}

export interface SimFrame {
  time: number;
  views: (Float32Array | null)[];
  status: ('ok' | 'lost' | 'no-detection')[];
  gt: { joints: Float64Array; valid: Uint8Array };
}

/** A detector finds nobody when fewer than this many joints fall inside the image. */
const MIN_VISIBLE = 5;

export function simulateFrame(t: number, cameras: readonly Camera[], opts: SimOptions, rng: Rng): SimFrame {
  const joints = figurePose(t);
  const uv = new Float64Array(NUM_JOINTS * 2);
  const views: (Float32Array | null)[] = [];
  const status: SimFrame['status'] = [];
  cameras.forEach((cam, i) => {
    if (opts.dropped.has(i)) {
      views.push(null);
      status.push('lost');
      return;
    }
    let inside = 0;
    for (let j = 0; j < NUM_JOINTS; j++) {
      const ok = projectPoint(cam, joints[3 * j], joints[3 * j + 1], joints[3 * j + 2], uv, 2 * j);
      if (ok && uv[2 * j] >= 0 && uv[2 * j] <= cam.width - 1 && uv[2 * j + 1] >= 0 && uv[2 * j + 1] <= cam.height - 1) inside++;
    }
    if (inside < MIN_VISIBLE) {
      views.push(null);
      status.push('no-detection');
      return;
    }
    views.push(sampleDetection(uv, cam.width, cam.height, opts.noise, opts.level, rng));
    status.push('ok');
  });
  return { time: t, views, status, gt: { joints, valid: new Uint8Array(NUM_JOINTS).fill(1) } };
}
