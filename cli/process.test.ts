import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrationToJSON } from '../src/calibration/io';
import { parseBvh } from '../src/export/bvh-reader';
import { takeMethods, takePoses } from '../src/record/take-poses';
import { personLabel } from '../src/people/label';
import { parseTake, serializeTake } from '../src/take';
import { parseMultiTake, serializeMultiTake } from '../src/take/multi';
import { proceduralFigures } from '../src/sim/figures';
import { DEFAULT_NOISE } from '../src/sim/noise';
import { ringRig } from '../src/sim/rig';
import { makeRng } from '../src/sim/rng';
import { simulateScene } from '../src/sim/scene';
import { placedPose } from '../src/testing/synthetic';
import { runCli } from './lib/run-cli';

const TAKE = 'docs/data/pose2sim-movenet-lightning.take.json';
const VIDEOS = '../shared/data/pose2sim-demo/videos'; // beside the checkout, as every test reads shared data

function hasFfmpeg(): boolean {
  try {
    execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Every file the run should have written for `methods`, read back by a parser of its format. */
function checkOutputs(dir: string, base: string, methods: string[], minFrames: number): void {
  const take = parseMultiTake(readFileSync(join(dir, `${base}.take.json`), 'utf8'));
  expect(take.version).toBe(1); // one person: the take stays version 1
  expect(take.frames.length).toBeGreaterThanOrEqual(minFrames);
  for (const m of methods) {
    const poses = takePoses(take, m);
    expect(poses.filter(Boolean).length).toBeGreaterThan(0.8 * take.frames.length);
    const n = take.frames.length;
    const csv = readFileSync(join(dir, `${base}-${m}.csv`), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^# frame: calibration; units: m; up: /); // the frame it is in, then a header and a row a frame
    expect(csv.length).toBe(n + 2);
    expect(JSON.parse(readFileSync(join(dir, `${base}-${m}.json`), 'utf8')).frames.length).toBe(n);
    const trc = readFileSync(join(dir, `${base}-${m}.trc`), 'utf8').trim().split('\n');
    expect(trc[2].split('\t')[2]).toBe(String(n));
    expect(parseBvh(readFileSync(join(dir, `${base}-${m}.bvh`), 'utf8')).motion.length).toBe(n);
    const c3d = readFileSync(join(dir, `${base}-${m}.c3d`));
    expect(c3d.readInt16LE(2)).toBe(17);
    expect(c3d.readInt16LE(8)).toBe(n);
    expect(c3d.readFloatLE(20)).toBeCloseTo(take.fps, 3);
  }
}

describe('npm run process', () => {
  it('synchronises, fuses and exports detections whose views started at different times', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-process-'));
    const take = parseTake(readFileSync(TAKE, 'utf8'));
    // cam_02's video started 7 frames late: its frame i shows what the others show at frame i + 7.
    const shifted = take.frames.map((f, i) => ({ ...f, views: f.views.map((v, c) => (c === 1 ? take.frames[i + 7]?.views[1] ?? null : v)) }));
    writeFileSync(join(dir, 'late.take.json'), serializeTake({ ...take, frames: shifted }));
    writeFileSync(join(dir, 'calib.json'), JSON.stringify(calibrationToJSON(take.cameras)));
    const out = join(dir, 'out');
    const r = runCli('cli/process.ts', ['--calib', join(dir, 'calib.json'), '--detections', join(dir, 'late.take.json'), '-o', out, '--methods', 'robust,dlt', '--fill-gaps', '0.2', '--filter-hz', '6']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/wrote 11 files/);
    expect(r.out).not.toMatch(/not filtered/);
    const written = parseTake(readFileSync(join(out, 'late.take.json'), 'utf8'));
    const sync = (written.meta.sync as { views: { camera: string; offsetS: number }[] }).views;
    expect(Math.abs(sync[1].offsetS * 60 - 7)).toBeLessThan(1);
    checkOutputs(out, 'late', ['robust', 'dlt'], 80);
  });

  it('processes a folder of sessions, going on past one that cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-sessions-'));
    const take = parseTake(readFileSync(TAKE, 'utf8'));
    const short = { ...take, frames: take.frames.slice(0, 40) };
    mkdirSync(join(dir, 'in', 'a'), { recursive: true });
    mkdirSync(join(dir, 'in', 'b'));
    writeFileSync(join(dir, 'in', 'a', 'calib.json'), JSON.stringify(calibrationToJSON(take.cameras)));
    writeFileSync(join(dir, 'in', 'a', 'walk.take.json'), serializeTake(short));
    writeFileSync(join(dir, 'in', 'b', 'notes.txt'), 'no calibration here');
    const r = runCli('cli/process.ts', ['--sessions', join(dir, 'in'), '-o', join(dir, 'out'), '--methods', 'dlt']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/session b failed: .*expected one calibration file, found none/);
    expect(r.out).toMatch(/2 sessions: 1 complete, 0 with something left out, 1 failed \(b\)/);
    checkOutputs(join(dir, 'out', 'a'), 'walk', ['dlt'], 35);
  });

  it('says what is wrong with its input, naming it', () => {
    expect(runCli('cli/process.ts', ['--calib', 'x.json', '--filter-hz', 'abc', 'a.mp4']).out).toMatch(/--filter-hz/);
    const r = runCli('cli/process.ts', ['--calib', 'nope.json', `${VIDEOS}/cam01.mp4`]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/nope\.json/);
  });

  // Decoding videos needs ffmpeg, which CI does not have: there this test is skipped (and says so in its name).
  it.skipIf(!hasFfmpeg() || !existsSync(VIDEOS))('runs two of the shared videos end to end (needs ffmpeg; skipped without it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-process-video-'));
    const take = parseTake(readFileSync(TAKE, 'utf8'));
    writeFileSync(join(dir, 'calib.json'), JSON.stringify(calibrationToJSON(take.cameras.slice(0, 2))));
    const r = runCli('cli/process.ts', ['--calib', join(dir, 'calib.json'), `${VIDEOS}/cam01.mp4`, `${VIDEOS}/cam02.mp4`, '-o', dir, '--methods', 'robust,dlt', '--max-frames', '40']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/detecting movenet-lightning in 2 videos \(80 frames\)/);
    checkOutputs(dir, 'cam01', ['robust', 'dlt'], 35);
  }, 300_000);

  it('several people (a version-2 take): associated, tracked, and each exported in its own folder with a summary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-process-people-'));
    const cams = ringRig(4);
    const figs = proceduralFigures(2);
    const rng = makeRng(9);
    // A poster in view 0: a body only that view sees, a false detection the association must give to nobody.
    const opts = { noise: DEFAULT_NOISE, level: 0.5, occlusion: true, grabProbability: 0.3, posters: [{ view: 0, joints: placedPose(0.3, 2.5, 2.5), presence: 1 }], reflections: [] };
    const scenes = Array.from({ length: 45 }, (_, i) => simulateScene(i / 30, cams, figs, opts, rng));
    // With a byte-order mark, as some editors save it: read as everywhere else.
    writeFileSync(join(dir, 'two.take.json'), '\uFEFF' + serializeMultiTake({
      version: 2, fps: 30, sourceLayout: 'coco17', cameras: cams, meta: {}, extra: {},
      frames: scenes.map((f) => ({ time: f.time, views: f.views, labels: null, gt: null, extra: {} })),
    }));
    writeFileSync(join(dir, 'calib.json'), JSON.stringify(calibrationToJSON(cams)));
    const out = join(dir, 'out');
    const r = runCli('cli/process.ts', ['--calib', join(dir, 'calib.json'), '--detections', join(dir, 'two.take.json'), '-o', out, '--methods', 'robust,dlt', '--no-sync']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/people found: 2 \(2 exported: P\d, P\d\)/);
    expect(r.out).toMatch(/frame sets by people found: .*2: 4\d/);
    const unassigned = Number(/given to nobody[^:]*: (\d+) of/.exec(r.out)![1]);
    const falseDetections = scenes.reduce((n, f) => n + f.labels.flat().filter((l) => l === -1).length, 0);
    expect(falseDetections).toBeGreaterThan(20);
    expect(unassigned).toBeGreaterThanOrEqual(falseDetections); // the poster, every time it fired
    const labels = [...r.out.matchAll(/^ {2}(P\d+): /gm)].map((m) => m[1]);
    expect(labels).toHaveLength(2);
    // The detections with the association, as a version-2 take.
    const people = parseMultiTake(readFileSync(join(out, 'two.people.take.json'), 'utf8'));
    expect(people.frames).toHaveLength(45);
    expect((people.frames[10].extra.association as unknown[]).length).toBe(2);
    // … with every person's 3D (the app's Record panel exports it per person), and everyone in one CSV and TRC.
    expect(takeMethods(people)).toEqual(expect.arrayContaining(['robust', 'dlt']));
    expect((people.frames[10].extra.poses3d as { id: number }[]).map((p) => personLabel(p.id)).sort()).toEqual([...labels].sort());
    const csv = readFileSync(join(out, 'two-robust-all.csv'), 'utf8').split('\n');
    expect(csv.find((l) => !l.startsWith('#'))).toMatch(/person/);
    expect(readFileSync(join(out, 'two-robust-all.trc'), 'utf8')).toMatch(new RegExp(`${labels[0]}_nose`));
    // Each person: a take and every export, its robust poses on one figure all along (a different one each).
    const hip = (j: ArrayLike<number>) => [0.5 * (j[33] + j[36]), 0.5 * (j[35] + j[38])];
    const figureOf = new Set<number>();
    for (const label of labels) {
      checkOutputs(join(out, label), 'two', ['robust', 'dlt'], 45);
      const poses = takePoses(parseMultiTake(readFileSync(join(out, label, 'two.take.json'), 'utf8')), 'robust');
      const ids = new Set<number>();
      poses.forEach((p, i) => {
        if (!p) return;
        const [x, z] = hip(p.joints);
        const near = scenes[i].truth.map((t) => Math.hypot(hip(t.joints)[0] - x, hip(t.joints)[1] - z));
        expect(Math.min(...near)).toBeLessThan(0.1);
        ids.add(scenes[i].truth[near.indexOf(Math.min(...near))].id);
      });
      expect(ids.size).toBe(1);
      figureOf.add([...ids][0]);
    }
    expect(figureOf.size).toBe(2);
  });

  it.skipIf(!hasFfmpeg() || !existsSync(VIDEOS))('runs MoveNet MultiPose on two of the shared videos: one person found and exported (needs ffmpeg)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-process-multipose-'));
    const take = parseTake(readFileSync(TAKE, 'utf8'));
    writeFileSync(join(dir, 'calib.json'), JSON.stringify(calibrationToJSON(take.cameras.slice(0, 2))));
    const r = runCli('cli/process.ts', ['--calib', join(dir, 'calib.json'), `${VIDEOS}/cam01.mp4`, `${VIDEOS}/cam02.mp4`, '-o', dir, '--model', 'movenet-multipose', '--methods', 'robust,dlt', '--max-frames', '20', '--no-sync']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/detecting movenet-multipose in 2 videos \(40 frames\)/);
    expect(r.out).toMatch(/people found: 1 \(1 exported: P1\)/);
    expect(r.out).toMatch(/P1: 20 of 20 frame sets/);
    checkOutputs(join(dir, 'P1'), 'cam01', ['robust', 'dlt'], 20);
    // One person found: everyone's files are still written, as for several (a batch's files do not depend on the count).
    for (const ext of ['csv', 'json', 'trc', 'c3d']) expect(existsSync(join(dir, `cam01-robust-all.${ext}`)), ext).toBe(true);
    expect(readFileSync(join(dir, 'cam01-robust-all.csv'), 'utf8').split('\n')[2]).toMatch(/^0,[0-9.]+,P1,/);
    const people = parseMultiTake(readFileSync(join(dir, 'cam01.people.take.json'), 'utf8'));
    expect(people.frames).toHaveLength(20);
    for (const f of people.frames) for (const v of f.views) expect(v!.length).toBeGreaterThanOrEqual(1);
  }, 300_000);
});
