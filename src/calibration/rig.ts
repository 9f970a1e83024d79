/**
 * The whole rig calibration on in-memory detections, shared by the wizard and the CLI:
 * intrinsics per camera → PnP → spanning-tree initialisation → bundle adjustment → metric check → world frame.
 */
import { makeCamera, type Camera } from '../geometry/camera';
import type { BoardSpec } from './board';
import { bundleAdjust, type BoardObservation, type BundleOptions, type BundleResult } from './bundle';
import { initialiseRig, type RigInit } from './extrinsics';
import { calibrateIntrinsics, type IntrinsicsOptions, type IntrinsicsResult } from './intrinsics';
import { metricCheck, type MetricCheck } from './metric';
import { applyWorldFrame, floorFrame } from './world';

export interface CameraInput {
  name: string;
  width: number;
  height: number;
  /** Corners of the intrinsics views (board order). */
  views: Float64Array[];
}

export function intrinsicsToCameras(inputs: readonly CameraInput[], results: ReadonlyArray<IntrinsicsResult | null>): Camera[] {
  return inputs.map((c, i) =>
    makeCamera({ name: c.name, width: c.width, height: c.height, K: results[i]?.K ?? [1, 0, 0, 0, 1, 0, 0, 0, 1], dist: results[i]?.dist, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] }),
  );
}

export function calibrateAllIntrinsics(board: BoardSpec, inputs: readonly CameraInput[], options: Partial<IntrinsicsOptions> = {}): Array<IntrinsicsResult | null> {
  return inputs.map((c) => calibrateIntrinsics(board, c.views, c.width, c.height, options));
}

export interface RigResult {
  init: RigInit;
  bundle: BundleResult;
  metric: MetricCheck;
  /** Final cameras: in the floor world frame when a floor snapshot was given, else in the reference camera's frame. */
  cameras: Camera[];
  worldFromFloor: boolean;
}

/**
 * cameras: calibrated intrinsics. observations: simultaneous board snapshots. floorFrame: index of the snapshot
 * where the board lies on the floor (optional).
 */
export function calibrateRig(
  board: BoardSpec, cameras: readonly Camera[], observations: readonly BoardObservation[],
  options: { floorFrame?: number; bundle?: Partial<BundleOptions> } = {},
): RigResult {
  const init = initialiseRig(board, cameras, observations);
  const usable = observations.filter((o) => !init.unreachable.includes(o.camera));
  const bundle = bundleAdjust(board, init.cameras, init.boardPoses, usable, { fixedCamera: init.reference, ...options.bundle });
  const metric = metricCheck(board, bundle.cameras, usable);
  let out = bundle.cameras;
  let worldFromFloor = false;
  const fp = options.floorFrame !== undefined ? bundle.boardPoses[options.floorFrame] : null;
  if (fp) {
    out = applyWorldFrame(bundle.cameras, floorFrame(fp, bundle.cameras.filter((_, i) => !init.unreachable.includes(i))));
    worldFromFloor = true;
  }
  return { init, bundle, metric, cameras: out, worldFromFloor };
}
