import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NUM_JOINTS } from '../src/keypoints/coco17';
import { serializeMultiTake, type MultiTake } from '../src/take/multi';
import { serializeTake, type Take } from '../src/take/take';
import { placedPose, projectPose, ringRig } from '../src/testing/synthetic';
import { runCli } from './lib/run-cli';

/**
 * Two people standing still, seen exactly by 4 cameras, truth 10 mm off along x; a poster in camera 2 every frame.
 * Known answers: recall and precision 100 %, no identity switch, DLT 10.0 mm for both, and each person's alone take
 * (the same detections) gives 10.0 mm too: ratio 1.
 */
function takes(): { multi: MultiTake; alone: Take[] } {
  const cams = ringRig(4);
  const poses = [placedPose(0.3, -0.5, 0), placedPose(2.8, 0.6, 0.2)];
  const views = poses.map((p) => projectPose(cams, p, 0));
  const poster = projectPose(cams, placedPose(0, 1.6, 1.6))[2];
  const moved = poses.map((p) => p.map((x, i) => (i % 3 === 0 ? x + 0.01 : x)));
  const all = new Uint8Array(NUM_JOINTS).fill(1);
  const frames = Array.from({ length: 5 }, (_, i) => ({
    time: i / 10,
    views: cams.map((_, v) => (v === 2 ? [views[1][v], poster, views[0][v]] : [views[0][v], views[1][v]])),
    labels: cams.map((_, v) => (v === 2 ? [1, -1, 0] : [0, 1])),
    gt: moved.map((joints, id) => ({ id, joints, valid: all })),
    extra: {},
  }));
  const alone = poses.map((_, k): Take => ({
    fps: 10, sourceLayout: 'coco17', cameras: cams, meta: {}, extra: {},
    frames: frames.map((f) => ({ time: f.time, views: views[k], gt: { joints: moved[k], valid: all }, extra: {} })),
  }));
  return { multi: { version: 2, fps: 10, sourceLayout: 'coco17', cameras: cams, meta: {}, extra: {}, frames }, alone };
}

describe('npm run eval:multi', () => {
  it('scores a take with known answers, reads the alone takes beside it, writes JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-eval-multi-'));
    const { multi, alone } = takes();
    writeFileSync(join(dir, 'two.json'), serializeMultiTake(multi, 4, 5));
    alone.forEach((t, k) => writeFileSync(join(dir, `two.alone-${k}.json`), serializeTake(t)));
    const r = runCli('cli/eval-multi.ts', [join(dir, 'two.json'), join(dir, 'two.alone-0.json'), '--methods', 'dlt', '--json', join(dir, 'out.json')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| two\.json \| 2 \| 4 \| 5 \| 100\.00 \| 100\.00 \| 100\.00 \| 100\.0 \/ 100\.0 \| 0\.00 \(0\) \|/);
    expect(r.out).toMatch(/\| 10\.0 \(10\.0, 1\.000\) \| 100\.0 \|/);
    const json = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(json.methods).toEqual(['dlt']);
    expect(json.takes).toHaveLength(1);
    expect(json.takes[0].found).toBe(10);
    expect(json.takes[0].methods[0].alone.frames).toBe(10);
    // Each method's time per frame set, for all its people.
    expect(r.out).toMatch(/\| two\.json \| 2 \| 4 \| \d+\.\d \| \d+\.\d\d, \d+\.\d\d \|/);
    expect(json.takes[0].fusionMs.dlt.mean).toBeGreaterThan(0);
  });

  it('names the file and field of a bad take and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-eval-multi-'));
    const j = JSON.parse(serializeMultiTake(takes().multi));
    j.frames[3].views[1][0][2][1] = 'x';
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(j));
    const r = runCli('cli/eval-multi.ts', [join(dir, 'bad.json'), '--methods', 'dlt']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/bad\.json: Invalid take file — frame 3: frames\[3\]\.views\[1\]\[0\]\[2\]\[1\]/);
  });

  it('npm run eval scores a version 2 take by the multi-person chain, beside a version 1 take scored as always', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-eval-multi-'));
    const { multi, alone } = takes();
    writeFileSync(join(dir, 'two.json'), serializeMultiTake(multi, 4, 5));
    writeFileSync(join(dir, 'one.json'), serializeTake(alone[0]));
    const r = runCli('cli/eval.ts', [join(dir, 'one.json'), join(dir, 'two.json'), '--methods', 'dlt', '--json', join(dir, 'out.json')]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/one\.json: 5 frames \(5 with ground truth\)/);
    expect(r.out).toMatch(/1 take of several people \(version 2\)/);
    expect(r.out).toMatch(/\| two\.json \| 2 \| 4 \| 5 \| 100\.00 \| 100\.00 \|/);
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).takes.map((t: { take: string }) => t.take)).toEqual([join(dir, 'one.json')]);
    expect(JSON.parse(readFileSync(join(dir, 'out.people.json'), 'utf8')).takes).toHaveLength(1);
    // A bad version 2 take fails the run, naming the frame.
    const j = JSON.parse(serializeMultiTake(multi));
    j.frames[2].views[0][0][1][0] = 'x';
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(j));
    const bad = runCli('cli/eval.ts', [join(dir, 'bad.json'), '--methods', 'dlt']);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/bad\.json: Invalid take file — frame 2/);
  });
});
