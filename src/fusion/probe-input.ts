/**
 * The fixed input every lifter backend is measured on: frame sets of the simulated figure seen by the 8-camera
 * virtual ring without detector noise, generated deterministically (same numbers on every machine and thread), so
 * a backend's output can be compared with wasm's joint for joint.
 */
import type { Camera } from '../geometry/camera';
import type { FrameViews } from './types';
import { BUNDLED_NOISE } from '../sim/noise-params';
import { ringRig } from '../sim/rig';
import { makeRng } from '../sim/rng';
import { simulateFrame } from '../sim/simulate';

export interface ProbeInput {
  rig: Camera[];
  frames: FrameViews[];
}

/** Three moments of the figure's loop (seconds). */
const TIMES = [0.4, 1.7, 3.1];

export function probeInput(cameras = 8): ProbeInput {
  const rig = ringRig(cameras);
  const rng = makeRng(11);
  const frames = TIMES.map((t) => simulateFrame(t, rig, { noise: BUNDLED_NOISE.params, level: 0, dropped: new Set() }, rng).views);
  return { rig, frames };
}
