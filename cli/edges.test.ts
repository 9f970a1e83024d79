/**
 * The command-line edges of issue 12: eval and import:openpose refuse nonsense with a message naming the file,
 * field and frame, exit non-zero, and write nothing they were not asked for.
 */
import { runCli } from './lib/run-cli';
import { describe, expect, it } from 'vitest';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cameraToJSON } from '../src/geometry/camera';
import { LIMITS } from '../src/take/limits';
import { projectPose, ringRig, standingPose } from '../src/testing/synthetic';
import { parseInteger, parseNumber, parsePositiveIntList } from './lib/args';

const FIX = 'cli/__fixtures__/openpose';
const tmp = () => mkdtempSync(join(tmpdir(), 'parallax-edges-'));

describe('strict command-line numbers', () => {
  it('refuses hex, binary, Infinity, empty, 1e308 and words; takes plain decimals', () => {
    const r = { min: LIMITS.minFps, max: LIMITS.maxFps };
    for (const s of ['0x10', '0b1', 'Infinity', '', ' 12', '1e308', 'abc', '30fps', '-5', 'NaN'])
      expect(() => parseNumber(s, '--fps', r), s).toThrow(/^--fps: expected a decimal number in \[0\.01, 1000\]/);
    expect(parseNumber('29.97', '--fps', r)).toBe(29.97);
    expect(parseNumber('1e2', '--fps', r)).toBe(100);
    for (const s of ['abc', '1.5', '0x1', '1e3', '-1']) expect(() => parseInteger(s, '--floor'), s).toThrow(/^--floor: expected a whole number/);
    expect(parseInteger('3', '--floor')).toBe(3);
    expect(() => parsePositiveIntList('2,0x3', '--views')).toThrow(/--views/);
    expect(() => parsePositiveIntList('1e20', '--views')).toThrow(/--views/);
  });
});

function take(cams = ringRig(2)) {
  const v = projectPose(cams, standingPose())[0];
  const view = Array.from({ length: 17 }, (_, j) => [v[3 * j], v[3 * j + 1], v[3 * j + 2]]);
  return { format: 'multiview-take', version: 1, fps: 30, keypoints2d: 'coco17', cameras: cams.map(cameraToJSON), frames: [{ time: 0, views: cams.map(() => view), gt: { nose: [0, 1.6, 0] } }] };
}

describe('npm run eval at the edges', () => {
  it('writes no --json report when every take failed; names a folder, an oversized file and a repeated take', () => {
    const dir = tmp();
    const bad = join(dir, 'bad.json');
    const t = take();
    t.frames[0].views[0][4][0] = 1e308;
    writeFileSync(bad, JSON.stringify(t));
    const folder = join(dir, 'x_take.json');
    mkdirSync(folder);
    const huge = join(dir, 'huge.json');
    const fd = openSync(huge, 'w');
    ftruncateSync(fd, LIMITS.maxTakeBytes + 1); // sparse: costs no disk, and must be refused before it is read
    closeSync(fd);
    const out = join(dir, 'report.json');
    const r = runCli('cli/eval.ts', [bad, folder, huge, '--methods', 'dlt', '--json', out]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('bad.json: Invalid take file — frame 0: frames[0].views[0][4][0]');
    expect(r.out).toMatch(/x_take\.json: cannot read: not a file/);
    expect(r.out).toMatch(/huge\.json: cannot read: 256 MiB is more than the 256 MiB a take may have/);
    expect(r.out).toMatch(/no take could be read: .*report\.json not written/);
    expect(existsSync(out)).toBe(false);

    const r2 = runCli('cli/eval.ts', [bad, `${dir}/./bad.json`, '--methods', 'dlt']);
    expect(r2.code).toBe(2);
    expect(r2.out).toMatch(/bad\.json: the same take as .*bad\.json, given twice/);
    const r3 = runCli('cli/eval.ts', [bad, '--max-subsets', '0x10']);
    expect(r3.code).toBe(2);
    expect(r3.out).toMatch(/--max-subsets: expected a whole number/);
  });
});

function opRun(args: string[]) {
  return runCli('cli/import-openpose.ts', args);
}

describe('npm run import:openpose at the edges', () => {
  const calib = `${FIX}/calibration.json`;

  it('refuses bad --fps values and the same folder twice, writing nothing', () => {
    const dir = tmp();
    const out = join(dir, 'take.json');
    for (const fps of ['0x10', '1e308', '0']) {
      const r = opRun(['--calib', calib, '--fps', fps, `${FIX}/cam_a_json`, `${FIX}/cam_b_json`, '-o', out]);
      expect(r.code, fps).toBe(2);
      expect(r.out).toContain(`--fps: expected a decimal number in [0.01, 1000], got "${fps}"`);
    }
    const r = opRun(['--calib', calib, '--fps', '30', `${FIX}/cam_a_json`, `${FIX}/cam_a_json/`, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/cam_a_json\/: the same OpenPose folder as .*cam_a_json, given twice/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a calibration the camera check fails, huge coordinates, a frame index of 1e20 and a folder named like a frame file', () => {
    const dir = tmp();
    const out = join(dir, 'take.json');
    // A TOML whose cam_b has width 0: before, the import exited 0 and wrote a take eval refused.
    const toml = readFileSync(`${FIX}/calibration.toml`, 'utf8').replace('size = [ 1280.0, 720.0,]', 'size = [ 0.0, 720.0,]');
    writeFileSync(join(dir, 'bad.toml'), toml);
    let r = opRun(['--calib', join(dir, 'bad.toml'), '--fps', '30', `${FIX}/cam_a_json`, `${FIX}/cam_b_json`, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/bad\.toml: camera "cam_b" \(cameras\[0\]\): width: 0 is not a whole number of pixels/);

    const copy = (name: string) => {
      const d = join(dir, name);
      cpSync(`${FIX}/cam_a_json`, d, { recursive: true });
      return d;
    };
    const far = copy('cam_a');
    const f0 = join(far, readdirSync(far)[0]);
    const j = JSON.parse(readFileSync(f0, 'utf8'));
    j.people[0].pose_keypoints_2d[3] = 1e306;
    writeFileSync(f0, JSON.stringify(j));
    r = opRun(['--calib', calib, '--fps', '30', far, `${FIX}/cam_b_json`, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/cam_a\/clip_000000000000_keypoints\.json: people\[0\]\.pose_keypoints_2d\[3\]: 1e\+306 px is beyond ±100000 px/);

    const idx = copy('cam_a_idx');
    cpSync(`${FIX}/cam_a_json/clip_000000000000_keypoints.json`, join(idx, 'clip_100000000000000000000_keypoints.json'));
    r = opRun(['--calib', calib, '--fps', '30', idx, `${FIX}/cam_b_json`, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/clip_100000000000000000000_keypoints\.json: frame index 100000000000000000000 is beyond 10000000/);

    const withDir = copy('cam_a_dir');
    mkdirSync(join(withDir, 'x_000000000009_keypoints.json'));
    r = opRun(['--calib', calib, '--fps', '30', withDir, `${FIX}/cam_b_json`, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/cam_a_dir\/x_000000000009_keypoints\.json: cannot read: not a file/);
    expect(existsSync(out)).toBe(false);
  });

  it('reads files and a calibration that start with a byte-order mark', () => {
    const dir = tmp();
    const d = join(dir, 'cam_a');
    cpSync(`${FIX}/cam_a_json`, d, { recursive: true });
    for (const f of readdirSync(d)) writeFileSync(join(d, f), '\uFEFF' + readFileSync(join(d, f), 'utf8'));
    writeFileSync(join(dir, 'calib.toml'), '\uFEFF' + readFileSync(`${FIX}/calibration.toml`, 'utf8'));
    const out = join(dir, 'take.json');
    const r = opRun(['--calib', join(dir, 'calib.toml'), '--fps', '30', d, `${FIX}/cam_b_json`, '-o', out]);
    expect(r.code, r.out).toBe(0);
    expect(existsSync(out)).toBe(true);
  });
});
