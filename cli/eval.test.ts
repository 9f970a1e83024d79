import { runCli } from './lib/run-cli';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cameraToJSON } from '../src/geometry/camera';
import { COCO17_NAMES } from '../src/keypoints/coco17';
import { projectPose, ringRig, standingPose } from '../src/testing/synthetic';
import { cameraSubsets } from '../src/eval/evaluate';

/**
 * A take whose answers are known: the views are exact projections of a pose, and the ground truth is that pose
 * moved 10 mm along x, so every method that triangulates exactly scores 10.0 mm on every frame. One frame has
 * no detections at all (no pose), and the left wrist is never detected.
 */
function knownTake() {
  const cams = ringRig(4);
  const pose = standingPose();
  const frames = Array.from({ length: 6 }, (_, i) => {
    const views = projectPose(cams, pose, 0);
    for (const v of views) v[3 * 9 + 2] = 0; // left wrist missing everywhere
    return {
      time: i / 30,
      views: i === 5 ? cams.map(() => null) : views.map((v) => Array.from({ length: 17 }, (_, j) => [v[3 * j], v[3 * j + 1], v[3 * j + 2]])),
      gt: Object.fromEntries(COCO17_NAMES.map((n, j) => [n, [pose[3 * j] + 0.01, pose[3 * j + 1], pose[3 * j + 2]]])),
    };
  });
  return { format: 'multiview-take', version: 1, fps: 30, keypoints2d: 'coco17', cameras: cams.map(cameraToJSON), frames };
}

function runEval(args: string[]) {
  const r = runCli('cli/eval.ts', args);
  return { stdout: r.out, code: r.code };
}

describe('npm run eval', () => {
  it('prints the table and writes JSON with the known answers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-eval-'));
    const file = join(dir, 'known.json');
    writeFileSync(file, JSON.stringify(knownTake()));
    const out = join(dir, 'out.json');
    const { stdout, code } = runEval([file, '--views', '2,4', '--methods', 'dlt,robust', '--json', out]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/mean mm/);
    expect(stdout).toMatch(/robust/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const rows = report.takes[0].rows;
    expect(rows.map((r: { views: number; method: string }) => `${r.views}:${r.method}`)).toEqual(['2:dlt', '2:robust', '4:dlt', '4:robust']);
    for (const r of rows) {
      expect(r.meanMm).toBeCloseTo(10, 3);
      expect(r.medianMm).toBeCloseTo(10, 3);
      expect(r.p90Mm).toBeCloseTo(10, 3);
      expect(r.frames).toBe(6 * r.subsets);
      expect(r.noPose).toBe(r.subsets); // the empty frame, once per subset
      expect(r.jointCoverage).toBeCloseTo(16 / 17, 6);
    }
    expect(rows[0].subsets).toBe(6); // all 6 pairs of 4 cameras
    expect(rows[2].subsets).toBe(1);
  });

  it('scores the lifter (with its fallback) beside triangulation by default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-eval-'));
    const file = join(dir, 'known.json');
    writeFileSync(file, JSON.stringify(knownTake()));
    const out = join(dir, 'out.json');
    const { stdout, code } = runEval([file, '--views', '3', '--max-subsets', '2', '--json', out]);
    expect(code, stdout).toBe(0);
    expect(stdout).not.toMatch(/not evaluated/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.methods).toEqual(['lifter', 'robust', 'dlt']);
    const rows = report.takes[0].rows;
    expect(rows.map((r: { views: number; method: string }) => `${r.views}:${r.method}`)).toEqual(['3:lifter', '3:robust', '3:dlt']);
    // Exact projections: the lifter is near the truth (10 mm off by construction) and gives a pose wherever triangulation does.
    expect(rows[0].meanMm).toBeLessThan(60);
    expect(rows[0].noPose).toBe(rows[0].subsets);
    expect(rows[0].fallbacks).toBe(0); // consistent views: the network's own pose
    expect(stdout).toMatch(/no pose\s+fallback/);
  });

  it('names the field and frame of a bad take and exits non-zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-eval-'));
    const take = knownTake();
    (take.frames[3].views[1] as unknown as number[][])[2][2] = 'x' as unknown as number;
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(take));
    const { stdout, code } = runEval([file]);
    expect(code).toBe(1);
    expect(stdout).toContain('frame 3: frames[3].views[1][2][2]');
  });

  it('samples camera subsets deterministically', () => {
    expect(cameraSubsets(4, 2, 10)).toHaveLength(6);
    const a = cameraSubsets(8, 4, 10), b = cameraSubsets(8, 4, 10);
    expect(a).toHaveLength(10);
    expect(a).toEqual(b);
    expect(new Set(a.map((s) => s.join())).size).toBe(10);
  });
});
