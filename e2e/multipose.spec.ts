/**
 * MoveNet MultiPose in the app: the four Pose2Sim videos processed with the multi-person model (a few frames, wasm)
 * go through association and fusion per person, and the 3D view draws the person with an id label (P1…) and finite
 * numbers; each tile says how many people it found. Then live: two fake webcams playing two of the videos.
 */
import { test, expect, type Page } from '@playwright/test';
import { join } from 'node:path';
import { installFakeCameras, POSE2SIM_VIDEOS, videosAvailable } from './fixtures/fake-cameras';
import { expectNoNaN } from './fixtures/journey';

const CALIB = join(POSE2SIM_VIDEOS, '..', 'calibration', 'Calib_qualisys.toml');
const VIDEOS = [1, 2, 3, 4].map((i) => join(POSE2SIM_VIDEOS, `cam0${i}.mp4`));

interface Drawn { person: number; label: string; methods: string[]; screen: { x: number; y: number } | null }
type View = { drawnPeople(): Drawn[]; current(): { frame: { people?: unknown[] }; people: { person: number; poses: Record<string, { joints: Record<number, number> } | null> }[] } | null };
const view = (page: Page) => page.evaluate(() => {
  const v = (window as unknown as { __parallaxView: View }).__parallaxView;
  const f = v.current();
  return {
    drawn: v.drawnPeople(),
    multi: !!f?.frame.people,
    people: (f?.people ?? []).map((p) => ({ person: p.person, joints: Object.fromEntries(Object.entries(p.poses).filter(([, q]) => q).map(([id, q]) => [id, Object.values(q!.joints)])) })),
  };
});

test('videos processed with MoveNet MultiPose give labelled people with finite poses', async ({ page }, info) => {
  test.skip(!videosAvailable(), 'needs ../shared/data/pose2sim-demo');
  test.setTimeout(150_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await page.getByTestId('capture-calibration-file').setInputFiles(CALIB);
  await page.getByTestId('source-videos').check();
  await expect(page.getByTestId('model-select').locator('option[value="movenet-multipose"]')).toHaveText('MoveNet MultiPose (several people)');
  await page.getByTestId('model-select').selectOption('movenet-multipose');
  await page.getByTestId('backend-select').selectOption('wasm');
  await page.getByLabel('video fps').fill('3');
  await page.getByTestId('video-files').setInputFiles(VIDEOS);
  await page.getByTestId('start-videos').click();
  await expect(page.getByTestId('camera-panel')).toHaveAttribute('data-phase', 'finished', { timeout: 120_000 });
  await expect(page.getByTestId('status-3d')).toHaveText('3D on 4 views');

  // The last frame set: a multi-person frame set, the athlete fused as a tracked person with a label.
  const v = await view(page);
  expect(v.multi).toBe(true);
  expect(v.people.length).toBeGreaterThanOrEqual(1);
  const robust = v.people.filter((p) => p.joints.robust);
  expect(robust.length).toBeGreaterThanOrEqual(1);
  for (const p of robust) {
    expect(p.joints.robust).toHaveLength(51);
    expect(p.joints.robust.every(Number.isFinite)).toBe(true);
  }
  expect(v.drawn.length).toBe(v.people.length);
  for (const d of v.drawn) {
    expect(d.label).toMatch(/^P\d+$/);
    expect(d.screen).not.toBeNull();
    expect(Number.isFinite(d.screen!.x) && Number.isFinite(d.screen!.y)).toBe(true);
  }
  // Every tile counts the people its view holds (the athlete at least).
  for (let i = 0; i < 4; i++) {
    await expect(page.getByTestId(`camera-people-${i}`)).toHaveText(/· [1-6] (person|people)/);
    await expect(page.getByTestId(`camera-reproj-${i}`).locator('[data-method="robust"]')).toHaveAttribute('data-value', /^\d+(\.\d+)?$/);
  }
  await page.screenshot({ path: info.outputPath('multipose-videos.png') });
  await expectNoNaN(page);
  expect(errors).toEqual([]);
});

test('live webcams with MoveNet MultiPose fuse a labelled person per frame set', async ({ page }) => {
  test.skip(!videosAvailable(), 'needs ../shared/data/pose2sim-demo');
  test.setTimeout(150_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await installFakeCameras(page, ['cam01.mp4', 'cam02.mp4'], { playbackRate: 0.25 });
  await page.goto('/');
  await page.getByTestId('capture-calibration-file').setInputFiles(CALIB);
  await page.getByTestId('source-cameras').check();
  await page.getByTestId('model-select').selectOption('movenet-multipose');
  await page.getByTestId('backend-select').selectOption('wasm');
  await page.getByTestId('connect-cameras').click();
  for (let i = 0; i < 2; i++) await expect(page.getByTestId(`device-${i}`)).toBeChecked();
  await page.getByLabel('frame rate').fill('15');
  await page.getByTestId('start-cameras').click();
  await expect(page.getByTestId('status-source')).toHaveText('source: webcams');
  await expect(page.getByTestId('status-3d')).toHaveText('3D on 2 views', { timeout: 60_000 });
  // A multi-person frame set with the athlete fused and labelled.
  await expect.poll(async () => {
    const v = await view(page);
    return v.multi && v.drawn.some((d) => /^P\d+$/.test(d.label) && d.screen) && v.people.some((p) => p.joints.robust?.every(Number.isFinite));
  }, { timeout: 90_000 }).toBe(true);
  for (let i = 0; i < 2; i++) await expect(page.getByTestId(`camera-people-${i}`)).toHaveText(/· [1-6] (person|people)/);
  await expectNoNaN(page);
  expect(errors).toEqual([]);
});

