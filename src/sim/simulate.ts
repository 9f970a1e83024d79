/**
 * One simulated frame set: the figure at time t, moved to where the detector defines its joints, projected into
 * every camera with the one camera model and turned into detections by the noise model. The result has the
 * shape live detection produces, so the same fusion runs on it. The truth is the figure's own joints.
 */
import { projectPoint, type Camera } from '../geometry/camera';
import { NUM_JOINTS } from '../keypoints';
import { figurePose } from './figure';
import { applyDefinitionOffsets, sampleDetections, type NoiseParams } from './noise';
import type { Rng } from './rng';

export interface SimOptions {
  noise: NoiseParams;
  /** Noise level multiplier (0 = perfect detections). */
  level: number;
  /** Indices of cameras that are "dropped": their slot stays, with no detection and status 'lost'. */
  dropped: ReadonlySet<number>;
  /** The simulated person's detector definition offsets (drawDefinitionOffsets); none = zero. */
  definition?: Float64Array;
}

export interface SimFrame {
  time: number;
  views: (Float32Array | null)[];
  status: ('ok' | 'lost' | 'no-detection')[];
  gt: { joints: Float64Array; valid: Uint8Array };
}

/** A detector finds nobody when fewer than this many joints are detected. */
const MIN_DETECTED = 5;

export function simulateFrame(t: number, cameras: readonly Camera[], opts: SimOptions, rng: Rng): SimFrame {
  const joints = figurePose(t);
  const aimed = opts.definition ? applyDefinitionOffsets(joints, opts.definition, opts.level) : joints;
  const active = cameras.map((_, i) => i).filter((i) => !opts.dropped.has(i));
  const uvs = active.map((i) => {
    const uv = new Float64Array(NUM_JOINTS * 2);
    for (let j = 0; j < NUM_JOINTS; j++) projectPoint(cameras[i], aimed[3 * j], aimed[3 * j + 1], aimed[3 * j + 2], uv, 2 * j);
    return uv;
  });
  const dets = sampleDetections(uvs, active.map((i) => cameras[i]), opts.noise, opts.level, rng);
  const views: (Float32Array | null)[] = cameras.map(() => null);
  const status: SimFrame['status'] = cameras.map(() => 'lost');
  active.forEach((i, k) => {
    let n = 0;
    for (let j = 0; j < NUM_JOINTS; j++) if (dets[k][3 * j + 2] > 0.1) n++;
    views[i] = n >= MIN_DETECTED ? dets[k] : null;
    status[i] = n >= MIN_DETECTED ? 'ok' : 'no-detection';
  });
  return { time: t, views, status, gt: { joints, valid: new Uint8Array(NUM_JOINTS).fill(1) } };
}
