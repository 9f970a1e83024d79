import { test, expect } from '@playwright/test';
import { APP_LIFTER } from './pixels';
import { writeFile } from 'node:fs/promises';
import { cameraToJSON, transformCameraWorld } from '../src/geometry/camera';
import { rodriguesToMatrix } from '../src/geometry/rotation';
import { COCO17_NAMES } from '../src/keypoints/coco17';
import { placedPose, projectPose, ringRig, seededRandom, standingPose } from '../src/testing/synthetic';

/**
 * A take from a detector with no face keypoints and no confidences (every detected joint scored 1.0), with truth,
 * calibrated z-up with the origin 2 m away (as Pose2Sim's and most lab calibrations are).
 */
function noFaceNoScoresTake(): string {
  const M = rodriguesToMatrix(Math.PI / 2, 0, 0); // y → z
  const shift = [2, -1, 0];
  const toWorld = (p: Float64Array) => {
    const q = new Float64Array(p.length);
    for (let j = 0; j < p.length / 3; j++)
      for (let a = 0; a < 3; a++) q[3 * j + a] = M[3 * a] * p[3 * j] + M[3 * a + 1] * p[3 * j + 1] + M[3 * a + 2] * p[3 * j + 2] + shift[a];
    return q;
  };
  const cams = ringRig(4).map((c) => transformCameraWorld(c, M, shift));
  const rand = seededRandom(8);
  const frames = Array.from({ length: 60 }, (_, i) => {
    const body = standingPose();
    for (let j = 0; j < 17; j++) body[3 * j] += 0.005 * i; // walking slowly sideways
    const pose = toWorld(body);
    const views = projectPose(cams, pose, 3, rand).map((v) =>
      Array.from({ length: 17 }, (_, j) => (j < 5 ? [0, 0, 0] : [v[3 * j], v[3 * j + 1], 1])),
    );
    const gt = Object.fromEntries(COCO17_NAMES.map((n, j) => [n, [pose[3 * j], pose[3 * j + 1], pose[3 * j + 2]]]));
    return { time: i / 30, views, gt };
  });
  return JSON.stringify({ format: 'multiview-take', version: 1, fps: 30, keypoints2d: 'coco17', cameras: cams.map(cameraToJSON), frames });
}

/** Every view sees another body (another place and heading): views that cannot be fused into one person. */
function disagreeingViewsTake(): string {
  const cams = ringRig(4);
  const rand = seededRandom(5);
  const frames = Array.from({ length: 30 }, (_, i) => ({
    time: i / 30,
    views: cams.map((cam) => {
      const p = placedPose(6.28 * rand(), 2 * (rand() - 0.5), 2 * (rand() - 0.5));
      const v = projectPose([cam], p, 2, rand)[0];
      return Array.from({ length: 17 }, (_, j) => [v[3 * j], v[3 * j + 1], v[3 * j + 2]]);
    }),
    gt: null,
  }));
  return JSON.stringify({ format: 'multiview-take', version: 1, fps: 30, keypoints2d: 'coco17', cameras: cams.map(cameraToJSON), frames });
}

test('where every view shows another body, the lifter gives way to robust triangulation and the panel says so', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // The single-frame lifter's error heads (issue 8): with its shipped weights they flag such frame sets nearly
  // always. The temporal lifter (the app's default) keeps the same fallback rule, but its heads see the window and
  // flag these less reliably, so this test pins the single-frame one.
  await page.goto('/?lifter=lifter');
  await expect(page.getByTestId('mpjpe-lifter-mean')).toHaveText(/^\d/, { timeout: 60_000 });
  const before = Number(await page.getByTestId('lifter-fallback-count').textContent());
  const file = info.outputPath('disagreeing-views.take.json');
  await writeFile(file, disagreeingViewsTake());
  await page.getByTestId('take-file').setInputFiles(file);
  await expect(page.getByTestId('take-info')).toContainText('4 cameras');
  await page.getByTestId('replay-toggle').click();
  await expect(page.getByTestId('lifter-fallback-now')).toContainText('fallback to triangulation', { timeout: 20_000 });
  await expect.poll(async () => Number(await page.getByTestId('timeline').inputValue()), { timeout: 20_000 }).toBeGreaterThan(20);
  // The error heads decide per frame set; with the shipped weights they flag such frame sets nearly always. A busy
  // machine fuses only some of the 30 replayed frame sets (the pipeline keeps the newest), hence the margin.
  expect(Number(await page.getByTestId('lifter-fallback-count').textContent()) - before).toBeGreaterThanOrEqual(5);
  expect(errors).toEqual([]);
});

test('a z-up take with no face keypoints and every score 1.0 replays through both fusions, finite and upright', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  // The lifter is the app's first method once its weights are in; wait for it before replacing the simulation.
  await expect(page.getByTestId(`mpjpe-${APP_LIFTER}-mean`)).toHaveText(/^\d/, { timeout: 60_000 });
  const file = info.outputPath('noface-noscores.take.json');
  await writeFile(file, noFaceNoScoresTake());
  await page.getByTestId('take-file').setInputFiles(file);
  await expect(page.getByTestId('take-info')).toContainText('4 cameras');
  await page.getByTestId('replay-toggle').click();
  await expect(page.getByTestId('simulation-panel')).toContainText('(off: the source is take');
  await expect.poll(async () => Number(await page.getByTestId('timeline').inputValue()), { timeout: 20_000 }).toBeGreaterThan(20);
  for (const m of [APP_LIFTER, 'robust', 'dlt']) {
    await expect(page.getByTestId(`mpjpe-${m}-current`)).toHaveText(/^\d+(\.\d+)?$/);
    const mm = Number(await page.getByTestId(`mpjpe-${m}-current`).textContent());
    // Against this take's own truth: a few centimetres, not a blow-up (the lifter also places the face joints).
    expect(mm, m).toBeGreaterThan(0);
    expect(mm, m).toBeLessThan(120);
  }
  await expect(page.getByTestId('lifter-fallback-count')).toHaveText(/^\d+$/);
  // The 3D view stands the z-up world upright: shoulders above hips above ankles on screen.
  const screenY = await page.evaluate(() => {
    const v = (window as unknown as { __parallaxView: { projectJoint(id: string, j: number): { x: number; y: number } | null } }).__parallaxView;
    return [5, 6, 11, 12, 15, 16].map((j) => v.projectJoint('robust', j)?.y ?? NaN);
  });
  const [shoulder, hip, ankle] = [0, 2, 4].map((i) => (screenY[i] + screenY[i + 1]) / 2);
  expect(shoulder).toBeLessThan(hip - 10);
  expect(hip).toBeLessThan(ankle - 10);
  expect(errors).toEqual([]);
});
