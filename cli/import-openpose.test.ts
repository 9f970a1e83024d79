import { runCli } from './lib/run-cli';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTake } from '../src/take/take';
import { parseMultiTake } from '../src/take/multi';
import { takePoses } from '../src/record/take-poses';
import { cameraToJSON } from '../src/geometry/camera';
import { LAYOUTS } from '../src/keypoints/layouts';
import { placedPose, projectPose, ringRig } from '../src/testing/synthetic';
import { PeopleStage } from '../src/people/stage';
import { mkdirSync } from 'node:fs';
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

  it('with --people all keeps everyone per view (version 2), which process associates and fuses per person', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-op-'));
    const one = join(dir, 'one.take.json'), all = join(dir, 'all.take.json');
    expect(run(['--calib', `${FIX}/calibration.json`, '--fps', '30', `${FIX}/cam_a_json`, `${FIX}/cam_b_json`, '-o', one]).code).toBe(0);
    const r = run(['--calib', `${FIX}/calibration.json`, '--fps', '30', '--people', 'all', `${FIX}/cam_a_json`, `${FIX}/cam_b_json`, '-o', all]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/1 with several people;|1 with several people$/m);
    expect(r.out).toMatch(/every person per view \(take version 2\)/);
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
    const [pose] = takePoses(parseMultiTake(readFileSync(join(dir, 'out', 'P1', 'all.take.json'), 'utf8')), 'robust').filter(Boolean);
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

  it('keeps every person of a multi-person recording (take version 2) and the association finds them again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-op-'));
    const cams = ringRig(3);
    writeFileSync(join(dir, 'calib.json'), JSON.stringify(cams.map(cameraToJSON)));
    const body25 = LAYOUTS.body25;
    const truths = (f: number) => [placedPose(0.3, -0.6 + 0.02 * f, 0), placedPose(2.5, 0.7, 0.3 - 0.02 * f)];
    const folders = cams.map((c) => join(dir, `${c.name}_json`));
    folders.forEach((d) => mkdirSync(d));
    for (let f = 0; f < 5; f++) {
      // Per camera, OpenPose's own order: person order differs between cameras (it knows nobody across views).
      const perPerson = truths(f).map((t) => projectPose(cams, t, 0.5));
      cams.forEach((_, c) => {
        const order = (f + c) % 2 ? [1, 0] : [0, 1];
        const people = order.map((k) => {
          const kp = new Array(75).fill(0);
          for (let j = 0; j < 17; j++) kp.splice(3 * body25.toCoco17[j], 3, ...perPerson[k][c].slice(3 * j, 3 * j + 3));
          return { pose_keypoints_2d: kp };
        });
        writeFileSync(join(folders[c], `v_${String(f).padStart(12, '0')}_keypoints.json`), JSON.stringify({ version: 1.3, people }));
      });
    }
    const out = join(dir, 'take.json');
    const r = run(['--calib', join(dir, 'calib.json'), '--fps', '30', ...folders, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/every person per view \(take version 2\)/);
    expect(() => parseTake(readFileSync(out, 'utf8'))).toThrow(/version/);
    const take = parseMultiTake(readFileSync(out, 'utf8'));
    expect(take.version).toBe(2);
    expect(take.frames).toHaveLength(5);
    expect(take.frames.every((fr) => fr.views.every((v) => v!.length === 2))).toBe(true);
    const stage = new PeopleStage(take.cameras);
    take.frames.forEach((fr, f) => {
      const step = stage.step(fr.time, fr.views);
      expect(step.people).toHaveLength(2);
      // Each found person is one of the truths within 2 cm at every joint, and the two are different truths.
      const matched = step.people.map((p) => {
        const errs = truths(f).map((t) => Math.max(...Array.from({ length: 17 }, (_, j) => Math.hypot(...[0, 1, 2].map((a) => p.person.joints[3 * j + a] - t[3 * j + a])))));
        expect(Math.min(...errs)).toBeLessThan(0.02);
        return errs.indexOf(Math.min(...errs));
      });
      expect(new Set(matched).size).toBe(2);
    });
    // --people one forces the single-person take, with the most confident person per view.
    const one = join(dir, 'one.json');
    expect(run(['--calib', join(dir, 'calib.json'), '--fps', '30', '--people', 'one', ...folders, '-o', one]).code).toBe(0);
    expect(parseTake(readFileSync(one, 'utf8')).frames).toHaveLength(5);
    expect(run(['--calib', join(dir, 'calib.json'), '--fps', '30', '--people', 'some', ...folders, '-o', one]).out).toMatch(/--people: expected auto, one or all, got "some"/);
  });
});
