/**
 * The conversion from pose-detection's Pose[] to our people, with poses given out of order: the detector test on a
 * real image cannot prove the sort (two people come back sorted half the time by chance).
 */
import { describe, expect, it } from 'vitest';
import type { Keypoint, Pose } from '@tensorflow-models/pose-detection';
import { BLAZEPOSE33_LAYOUT, JOINT } from '../keypoints';
import { MAX_PEOPLE_PER_VIEW } from './models';
import { posesToPeople } from './poses';

/** A MoveNet pose whose every keypoint is at (x0 + j, y0 + j) with score s; `tag` marks x0 for identification. */
function movenet(score: number | undefined, tag: number, s = 0.5): Pose {
  const keypoints: Keypoint[] = Array.from({ length: 17 }, (_, j) => ({ x: tag + j, y: 2 * tag + j, score: s }));
  return { keypoints, score };
}
const tagOf = (kp: Float32Array) => kp[0];

describe('posesToPeople', () => {
  it('puts the most confident pose first by the pose score, not by keypoint scores; stable on ties', () => {
    const poses = [movenet(0.3, 100, 0.9), movenet(0.8, 200, 0.1), movenet(0.5, 300), movenet(0.5, 400)];
    const people = posesToPeople(poses, { family: 'movenet', maxPoses: 6 });
    expect(people.map(tagOf)).toEqual([200, 300, 400, 100]);
    // the input is not reordered in place
    expect(poses.map((p) => p.keypoints[0].x)).toEqual([100, 200, 300, 400]);
  });

  it('sorts a NaN or missing pose score last, and orders scores above 1 like any other', () => {
    const people = posesToPeople([movenet(NaN, 1), movenet(undefined, 2), movenet(1.7, 3), movenet(0.26, 4)], { family: 'movenet', maxPoses: 6 });
    expect(people.map(tagOf)).toEqual([3, 4, 1, 2]);
  });

  it('keeps at most maxPoses, the most confident ones, and drops poses without keypoints', () => {
    const poses = Array.from({ length: 8 }, (_, i) => movenet(i / 10, i + 1));
    poses.push({ keypoints: [], score: 0.99 });
    const people = posesToPeople(poses, { family: 'movenet', maxPoses: MAX_PEOPLE_PER_VIEW });
    expect(MAX_PEOPLE_PER_VIEW).toBe(6);
    expect(people.map(tagOf)).toEqual([8, 7, 6, 5, 4, 3]);
    expect(posesToPeople(poses, { family: 'movenet', maxPoses: 1 }).map(tagOf)).toEqual([8]);
    expect(posesToPeople([], { family: 'movenet', maxPoses: 6 })).toEqual([]);
  });

  it('zeroes non-finite keypoints, clamps keypoint scores to [0, 1] and scales pixels', () => {
    const p = movenet(0.9, 10);
    p.keypoints[1] = { x: NaN, y: 5, score: 0.9 };
    p.keypoints[2] = { x: 5, y: Infinity, score: 0.9 };
    p.keypoints[3] = { x: 5, y: 5, score: NaN };
    p.keypoints[4] = { x: 4, y: 6, score: 1.4 };
    p.keypoints[5] = { x: 4, y: 6, score: -0.2 };
    p.keypoints[6] = { x: 4, y: 6 };
    const [kp] = posesToPeople([p], { family: 'movenet', maxPoses: 6, scale: 2 });
    expect(kp).toHaveLength(51);
    expect(kp.every(Number.isFinite)).toBe(true);
    for (const j of [1, 2, 3]) expect([kp[3 * j], kp[3 * j + 1], kp[3 * j + 2]]).toEqual([0, 0, 0]);
    expect([kp[12], kp[13], kp[14]]).toEqual([8, 12, 1]);
    expect(kp[17]).toBe(0);
    expect(kp[20]).toBe(0);
    expect([kp[0], kp[1], kp[2]]).toEqual([20, 40, 0.5]);
  });

  it('refuses a MoveNet pose without 17 keypoints', () => {
    const p = movenet(0.9, 1);
    p.keypoints.pop();
    expect(() => posesToPeople([p], { family: 'movenet', maxPoses: 1 })).toThrow(/16 keypoints, expected 17/);
  });

  it('maps BlazePose-33 to COCO-17 without carrying points over from the pose before', () => {
    const full: Pose = { score: 0.9, keypoints: Array.from({ length: 33 }, (_, i) => ({ x: i, y: 100 + i, score: 0.8 })) };
    const short: Pose = { score: 0.5, keypoints: full.keypoints.slice(0, 11) }; // face only
    const [a, b] = posesToPeople([short, full], { family: 'blazepose', maxPoses: 6 });
    const wrist = BLAZEPOSE33_LAYOUT.toCoco17[JOINT.left_wrist];
    expect([a[3 * JOINT.left_wrist], a[3 * JOINT.left_wrist + 1]]).toEqual([wrist, 100 + wrist]);
    expect(a[3 * JOINT.nose + 2]).toBeCloseTo(0.8, 6);
    expect(b[3 * JOINT.nose + 2]).toBeCloseTo(0.8, 6);
    expect(b[3 * JOINT.left_wrist + 2]).toBe(0);
    expect(b.every(Number.isFinite)).toBe(true);
  });
});
