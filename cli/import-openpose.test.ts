import { runCli } from './lib/run-cli';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTake } from '../src/take/take';
import { parseMultiTake } from '../src/take/multi';
import { takePoses } from '../src/record/take-poses';
import { JOINT } from '../src/keypoints/coco17';
import { standingPose } from '../src/testing/synthetic';
import { TriangulationMethod } from '../src/triangulation/methods';

const FIX = 'cli/__fixtures__/openpose';

function run(args: string[]) {
  return runCli('cli/import-openpose.ts', args);
}

/**
 * The fixture: two BODY_25 cameras (cam_a at −30°, cam_b at +30°) filming standingPose() shifted 20 mm along x per
 * frame. cam_a has frames 0, 1, 2 (frame 1: a confident head-only fragment listed before the person; frame 2: the
 * left wrist undetected); cam_b has frames 0, 1 (nobody) and 3. The calibration lists cam_b first.
 */
describe('npm run import:openpose', () => {
  it('converts the fixture into a take that triangulates back to the filmed pose', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-op-'));
    const out = join(dir, 'take.json');
    const r = run(['--calib', `${FIX}/calibration.json`, '--fps', '30', `${FIX}/cam_a_json`, `${FIX}/cam_b_json`, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/body25: 4 frames .* by name/);
    const raw = JSON.parse(readFileSync(out, 'utf8'));
    expect(raw.keypoints2d).toBe('coco17');
    const take = parseTake(raw);
    expect(take.cameras.map((c) => c.name)).toEqual(['cam_a', 'cam_b']);
    expect(take.frames.map((f) => f.time)).toEqual([0, 1 / 30, 2 / 30, 3 / 30].map((t) => Math.round(t * 1e6) / 1e6));
    expect(take.frames.map((f) => f.views.map((v) => v !== null))).toEqual([[true, true], [true, false], [true, false], [false, true]]);
    expect(take.frames[1].views[0]![0]).not.toBeCloseTo(700, 0); // the fragment's nose was not chosen
    expect(take.frames[2].views[0]![3 * JOINT.left_wrist + 2]).toBe(0);
    expect(take.frames[2].views[0]![3 * JOINT.right_wrist + 2]).toBeCloseTo(0.9, 4);
    expect(take.meta.source).toBe('openpose');
    const [pose] = await new TriangulationMethod('robust').estimateFrames(take.cameras, [take.frames[0].views]);
    const truth = standingPose();
    for (let j = 0; j < 17; j++) {
      expect(pose!.valid[j]).toBe(1);
      const d = Math.hypot(pose!.joints[3 * j] - truth[3 * j], pose!.joints[3 * j + 1] - truth[3 * j + 1], pose!.joints[3 * j + 2] - truth[3 * j + 2]);
      expect(d).toBeLessThan(0.01);
    }
  });

  it('with --people keeps everyone per view (version 2), which process associates and fuses per person', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-op-'));
    const one = join(dir, 'one.take.json'), all = join(dir, 'all.take.json');
    expect(run(['--calib', `${FIX}/calibration.json`, '--fps', '30', `${FIX}/cam_a_json`, `${FIX}/cam_b_json`, '-o', one]).code).toBe(0);
    const r = run(['--calib', `${FIX}/calibration.json`, '--fps', '30', '--people', `${FIX}/cam_a_json`, `${FIX}/cam_b_json`, '-o', all]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/with several people \(all kept\)/);
    expect(r.out).toMatch(/version 2: every person/);
    const single = parseTake(readFileSync(one, 'utf8')), multi = parseMultiTake(readFileSync(all, 'utf8'));
    expect(multi.version).toBe(2);
    expect(multi.frames.map((f) => f.time)).toEqual(single.frames.map((f) => f.time));
    // cam_a frame 1: the person and the head-only fragment, the person first (the one the one-person take kept).
    expect(multi.frames[1].views[0]).toHaveLength(2);
    expect(Array.from(multi.frames[1].views[0]![0])).toEqual(Array.from(single.frames[1].views[0]!));
    expect(multi.frames[1].views[0]![1][0]).toBeCloseTo(700, 0);
    expect(multi.frames[1].views[1]).toEqual([]); // a file with nobody
    expect(multi.frames[2].views[1]).toBeNull(); // no file for that frame
    // The chain: these detections through association and fusion per person.
    const p = runCli('cli/process.ts', ['--calib', `${FIX}/calibration.toml`, '--detections', all, '-o', join(dir, 'out'), '--methods', 'robust', '--no-sync']);
    expect(p.code, p.out).toBe(0);
    expect(p.out).toMatch(/people found: 1 \(1 exported: P1\)/);
    expect(p.out).toMatch(/P1\/all-robust\.csv/);
    // The calibration lists cam_b first: the views are matched to it by name, so the person comes back where filmed.
    const [pose] = takePoses(parseTake(readFileSync(join(dir, 'out', 'P1', 'all.take.json'), 'utf8')), 'robust').filter(Boolean);
    const truth = standingPose();
    for (let j = 0; j < 17; j++) expect(Math.hypot(pose!.joints[3 * j] - truth[3 * j], pose!.joints[3 * j + 1] - truth[3 * j + 1], pose!.joints[3 * j + 2] - truth[3 * j + 2])).toBeLessThan(0.01);
  });

  it('reads the same rig from a Pose2Sim TOML calibration', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-op-'));
    const a = join(dir, 'json.json'), b = join(dir, 'toml.json');
    expect(run(['--calib', `${FIX}/calibration.json`, '--fps', '30', `${FIX}/cam_a_json`, `${FIX}/cam_b_json`, '-o', a]).code).toBe(0);
    expect(run(['--calib', `${FIX}/calibration.toml`, '--fps', '30', `${FIX}/cam_a_json`, `${FIX}/cam_b_json`, '-o', b]).code).toBe(0);
    const ta = parseTake(readFileSync(a, 'utf8')), tb = parseTake(readFileSync(b, 'utf8'));
    expect(tb.cameras.map((c) => c.name)).toEqual(['cam_a', 'cam_b']);
    for (let c = 0; c < 2; c++) {
      for (let k = 0; k < 9; k++) expect(tb.cameras[c].R[k]).toBeCloseTo(ta.cameras[c].R[k], 6);
      for (let k = 0; k < 3; k++) expect(tb.cameras[c].t[k]).toBeCloseTo(ta.cameras[c].t[k], 6);
    }
    expect(tb.frames.map((f) => f.views)).toEqual(ta.frames.map((f) => f.views));
    const bad = join(dir, 'bad.toml');
    writeFileSync(bad, readFileSync(`${FIX}/calibration.toml`, 'utf8').replace('size = [ 1280.0, 720.0,]', 'size = [ 1280.0,]'));
    const r = run(['--calib', bad, '--fps', '30', `${FIX}/cam_a_json`, `${FIX}/cam_b_json`, '-o', join(dir, 'x.json')]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/bad\.toml: \[cam_b\] size/);
  });

  it('fails with the file and field on bad input, writing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-op-'));
    const cams = JSON.parse(readFileSync(`${FIX}/calibration.json`, 'utf8'));
    cams[1].R[0][0] = 2;
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(cams));
    const out = join(dir, 'take.json');
    let r = run(['--calib', bad, '--fps', '30', `${FIX}/cam_a_json`, `${FIX}/cam_b_json`, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/bad\.json: \[1\]\.R: camera "cam_a": not a rotation/);
    r = run(['--calib', `${FIX}/calibration.json`, '--fps', 'x', `${FIX}/cam_a_json`, '-o', out]);
    expect(r.out).toMatch(/--fps: expected a decimal number in \[0\.01, 1000\], got "x"/);
    r = run(['--calib', `${FIX}/calibration.json`, '--fps', '30', `${FIX}/cam_a_json`, join(dir, 'nope'), '-o', out]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/nope: cannot read the folder/);
    expect(() => readFileSync(out)).toThrow();
  });
});
