/**
 * A frame set through the detection worker's core (detectSet) with the real models in Node (wasm): a multi-person
 * model gives every person per view (a two-person composite of Pose2Sim frames: 2; a blank frame: []; an empty
 * slot: null) with the first person in `views`; a single-person model gives views only, as before. Every frame is
 * released, also when detection throws, and each keypoint buffer is listed once for the transfer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { createViewDetector, type ViewDetector } from './detector';
import { detectSet, keypointBuffers } from './detect-set';
import type { ModelId } from './models';
import { diskResolver, initNodeWasm, REPO_ROOT } from '../../cli/lib/node-tf';

const W = 180, H = 320;
const fixture = (name: string) => gunzipSync(readFileSync(join(REPO_ROOT, 'e2e', 'fixtures', name)));

function composite(): tf.Tensor3D {
  const a = fixture('pose2sim-cam03-f050-180x320.rgb.gz'), b = fixture('pose2sim-cam01-f050-180x320.rgb.gz');
  const out = new Uint8Array(H * 2 * W * 3);
  for (let y = 0; y < H; y++) {
    out.set(a.subarray(y * W * 3, (y + 1) * W * 3), y * 2 * W * 3);
    out.set(b.subarray(y * W * 3, (y + 1) * W * 3), (y * 2 + 1) * W * 3);
  }
  return tf.tensor3d(out, [H, 2 * W, 3], 'int32');
}

function detectorsOf(model: ModelId) {
  const made: Promise<ViewDetector>[] = [];
  return { get: (c: number) => (made[c] ??= createViewDetector(model, diskResolver)), all: made };
}

beforeAll(async () => {
  await initNodeWasm();
});

describe('detectSet', () => {
  it('multi-person: everyone per view, [] for nobody, null for an empty slot, first person in views', async () => {
    const two = composite(), blank = tf.zeros([H, W, 3], 'int32') as tf.Tensor3D;
    const dets = detectorsOf('movenet-multipose');
    const released: number[] = [];
    const r = await detectSet(dets.get, [two, null, blank], [1, 1, 1], [0, 0, 0], true, (c) => released.push(c));
    expect(released).toEqual([0, 2]);
    expect(r.people).toHaveLength(3);
    expect(r.people![0]).toHaveLength(2);
    expect(r.people![1]).toBeNull();
    expect(r.people![2]).toEqual([]);
    expect(Array.from(r.views[0]!)).toEqual(Array.from(r.people![0]![0]));
    expect(r.views[0]).not.toBe(r.people![0]![0]); // its own buffer: each is transferred once
    expect(r.views.slice(1)).toEqual([null, null]);
    expect(Number.isNaN(r.inferMs[1])).toBe(true);
    expect(r.inferMs[0]).toBeGreaterThan(0);
    expect(keypointBuffers(r)).toHaveLength(3);
    // Through a message port as the worker posts it (every buffer transferred once): the lists arrive intact.
    const { port1, port2 } = new MessageChannel();
    const got = new Promise<typeof r>((res) => port2.once('message', res));
    const sent = { views: r.views.map((v) => v && Array.from(v)), people: r.people!.map((l) => l && l.map((kp) => Array.from(kp))) };
    port1.postMessage(r, keypointBuffers(r));
    const back = await got;
    port1.close();
    expect(back.views.map((v) => v && Array.from(v))).toEqual(sent.views);
    expect(back.people!.map((l) => l && l.map((kp) => Array.from(kp)))).toEqual(sent.people);
    expect(r.people![0]![0].length).toBe(0); // transferred away from this side
    two.dispose();
    blank.dispose();
    for (const d of dets.all) (await d)?.dispose();
  });

  it('single-person: views only, as before', async () => {
    const two = composite();
    const dets = detectorsOf('movenet-lightning');
    const r = await detectSet(dets.get, [null, two], [1, 2], [0, 0], false);
    expect(r.people).toBeUndefined();
    expect(r.views[0]).toBeNull();
    expect(r.views[1]).toHaveLength(51);
    expect(keypointBuffers(r)).toEqual([r.views[1]!.buffer]);
    two.dispose();
    (await dets.all[1]).dispose();
  });

  it('releases every frame when a detector fails', async () => {
    const released: number[] = [];
    const failing = () => Promise.reject(new Error('model file missing'));
    await expect(detectSet(failing, [tf.zeros([2, 2, 3]) as tf.Tensor3D], [1], [0], true, (c) => released.push(c))).rejects.toThrow(/model file missing/);
    expect(released).toEqual([0]);
  });
});
