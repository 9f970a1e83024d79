/**
 * The lifter inside the eval harness on a small generated take (the fixture network: the plumbing, not accuracy),
 * including a take from a detector with no face keypoints and no confidences (every score 1.0).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cameraToJSON } from '../geometry/camera';
import { COCO17_NAMES, FACE_JOINTS } from '../keypoints/coco17';
import { evaluateTake } from '../eval/evaluate';
import { parseTake } from '../take/take';
import { projectPose, ringRig, seededRandom, standingPose } from '../testing/synthetic';
import { LifterMethod } from './lifter';
import { loadLifterFromDir } from './load-node';

let lifter: LifterMethod, raw: LifterMethod;
beforeAll(async () => {
  await tf.setBackend('wasm');
  lifter = await loadLifterFromDir(join(__dirname, '__fixtures__'), 'parity-');
  // The fixture net is untrained, so its error head may send frames to triangulation: the network alone shows
  // that it places every joint.
  raw = await loadLifterFromDir(join(__dirname, '__fixtures__'), 'parity-', { fallback: null });
});

function take(opts: { noFace?: boolean; scoresOne?: boolean }) {
  const cams = ringRig(4);
  const pose = standingPose();
  const rand = seededRandom(3);
  const frames = Array.from({ length: 5 }, (_, i) => {
    const views = projectPose(cams, pose, 2, rand);
    for (const v of views) {
      for (let j = 0; j < 17; j++) {
        if (opts.noFace && FACE_JOINTS.includes(j)) v[3 * j] = v[3 * j + 1] = v[3 * j + 2] = 0;
        else if (opts.scoresOne && v[3 * j + 2] > 0) v[3 * j + 2] = 1;
      }
    }
    return {
      time: i / 30,
      views: views.map((v, c) => (i === 4 && c > 0 ? null : Array.from({ length: 17 }, (_, j) => [v[3 * j], v[3 * j + 1], v[3 * j + 2]]))),
      gt: Object.fromEntries(COCO17_NAMES.map((n, j) => [n, [pose[3 * j], pose[3 * j + 1], pose[3 * j + 2]]])),
    };
  });
  return parseTake({ format: 'multiview-take', version: 1, fps: 30, keypoints2d: 'coco17', cameras: cams.map(cameraToJSON), frames });
}

describe('lifter in eval', () => {
  it('scores a generated take per view count, with no pose where only one view is left', async () => {
    const rows = await evaluateTake(take({}), [lifter], { viewCounts: [2, 4], maxSubsets: 3 });
    expect(rows.map((r) => `${r.views}:${r.method}`)).toEqual(['2:lifter', '4:lifter']);
    for (const r of rows) {
      expect(Number.isFinite(r.meanMm)).toBe(true);
      expect(r.noPose).toBe(r.subsets); // frame 4 keeps one view in every subset
      expect(r.frames).toBe(5 * r.subsets);
    }
  });

  it('takes detections without face keypoints and without confidences', async () => {
    const rows = await evaluateTake(take({ noFace: true, scoresOne: true }), [lifter, raw], { viewCounts: [2, 3], maxSubsets: 2 });
    expect(rows.map((r) => `${r.views}:${r.method}`)).toEqual(['2:lifter', '2:lifter-raw', '3:lifter', '3:lifter-raw']);
    for (const r of rows) {
      expect(Number.isFinite(r.meanMm)).toBe(true);
      expect(r.noPose).toBe(r.subsets); // only frame 4, which keeps one view
      if (r.method === 'lifter-raw') expect(r.jointCoverage).toBe(1); // the network places the face joints from the body
    }
  });
});
