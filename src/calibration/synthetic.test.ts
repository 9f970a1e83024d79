import { describe, expect, it } from 'vitest';
import { cameraCenter, projectPoints } from '../geometry/camera';
import { rotationAngleBetween } from '../geometry/rotation';
import type { BoardObservation } from './bundle';
import { detectCheckerboard } from './detect';
import { calibrateAllIntrinsics, calibrateRig, intrinsicsToCameras } from './rig';
import { projectBoardCorners, renderBoard } from './synth';
import { floorBoardPose, intrinsicPosesForCamera, randomHeldPoses, synthBoard, synthCameras } from './synthRig';
import { applyWorldFrame, floorFrame } from './world';

describe('synthetic rig, end to end (render → detect → intrinsics → extrinsics → bundle adjustment → floor)', () => {
  it('recovers 4 known cameras: focal < 0.5 %, centres < 1 cm, rotations < 0.2°, RMS < 0.3 px', () => {
    const board = synthBoard;
    const truth = synthCameras();
    const floor = floorBoardPose(-0.25, 0.1);
    const snapshots = [...randomHeldPoses(board, 20, 11), floor];
    const floorIdx = snapshots.length - 1;
    const observations: BoardObservation[] = [];
    let worstCorner = 0;
    snapshots.forEach((pose, frame) =>
      truth.forEach((cam, camera) => {
        const corners = detectCheckerboard(renderBoard(cam, board, pose, { supersample: 2, seed: frame * 7 + camera }), board.cols, board.rows);
        if (!corners) return;
        const gt = projectBoardCorners(cam, board, pose, (c, p) => projectPoints(c, p));
        for (let k = 0; k < corners.length; k++) worstCorner = Math.max(worstCorner, Math.abs(corners[k] - gt[k]));
        observations.push({ camera, frame, corners });
      }),
    );
    // Detected corners are never mis-ordered: each lies on its own true corner.
    expect(worstCorner).toBeLessThan(0.5);
    expect(observations.filter((o) => o.frame === floorIdx).length).toBeGreaterThanOrEqual(2);

    const inputs = truth.map((cam, c) => ({
      name: cam.name, width: cam.width, height: cam.height,
      views: intrinsicPosesForCamera(cam, board, 15, 100 + c)
        .map((pose, k) => detectCheckerboard(renderBoard(cam, board, pose, { supersample: 2, seed: 1000 + k }), board.cols, board.rows))
        .filter((v): v is Float64Array => v !== null),
    }));
    for (const i of inputs) expect(i.views.length).toBeGreaterThanOrEqual(10);
    const intr = calibrateAllIntrinsics(board, inputs);
    for (const r of intr) expect(r!.rms).toBeLessThan(0.3);

    const rig = calibrateRig(board, intrinsicsToCameras(inputs, intr), observations, { floorFrame: floorIdx });
    expect(rig.init.missingPairs).toEqual([]);
    expect(rig.worldFromFloor).toBe(true);
    expect(rig.bundle.rms).toBeLessThan(0.3);
    expect(Math.abs(rig.metric.errorPercent)).toBeLessThan(0.5);

    const expected = applyWorldFrame(truth, floorFrame(floor, truth));
    rig.cameras.forEach((cam, i) => {
      const a = cameraCenter(cam), b = cameraCenter(expected[i]);
      expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])).toBeLessThan(0.01);
      expect((rotationAngleBetween(cam.R, expected[i].R) * 180) / Math.PI).toBeLessThan(0.2);
      expect(Math.abs(cam.K[0] / expected[i].K[0] - 1)).toBeLessThan(0.005);
      expect(Math.abs(cam.K[4] / expected[i].K[4] - 1)).toBeLessThan(0.005);
      // Y up: every camera is above the floor.
      expect(a[1]).toBeGreaterThan(1);
    });
  }, 120_000);
});
