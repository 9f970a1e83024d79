/**
 * Journey (c) of issue 16: the transitions that broke (findings 2-4), each ending with a clear message and no NaN
 * on screen. (2) A calibration loaded while the simulation runs: the simulation keeps its virtual rig and its
 * accuracy (and, finding 6, pausing it leaves it the simulation). (3) Live cameras without a calibration: no simulated figure, truth or frustums left in 3D, the cameras
 * counted, and a way to the calibration wizard. (4) The calibration loaded after 2 of its 4 cameras started: 3D
 * from those two, upright, and the missing ones named.
 */
import { test, expect, type Page } from '@playwright/test';
import { join } from 'node:path';
import { POSE2SIM_VIDEOS, installFakeCameras, videosAvailable } from './fixtures/fake-cameras';
import { expectNoNaN, peekSession, shot, uprightOnScreen } from './fixtures/journey';

const CALIB = join(POSE2SIM_VIDEOS, '..', 'calibration', 'Calib_qualisys.toml');

const mm = async (page: Page, id: string) => Number(await page.getByTestId(`mpjpe-${id}-current`).textContent());

test('finding 2: a calibration loaded while the simulation runs leaves the simulation as it was', async ({ page }, info) => {
  test.skip(!videosAvailable(), 'needs ../shared/data/pose2sim-demo');
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await expect(page.getByTestId('mpjpe-robust-current')).toHaveText(/^\d/, { timeout: 60_000 });
  await page.getByTestId('capture-calibration-file').setInputFiles(CALIB);
  await expect(page.getByTestId('capture-calibration')).toContainText('4 cameras');
  await expect(page.getByTestId('session-messages')).toContainText('The calibration "Calib_qualisys.toml" applies to cameras and videos; the simulation keeps its own cameras.');
  const frames = Number(await page.getByTestId('metrics-panel').getAttribute('data-frames'));
  await expect.poll(async () => Number(await page.getByTestId('metrics-panel').getAttribute('data-frames')), { timeout: 20_000 }).toBeGreaterThan(frames + 10);
  await expect(page.getByTestId('status-source')).toHaveText('source: simulation');
  await expect(page.getByTestId('sim-tiles').locator('canvas')).toHaveCount(4);
  // Still the simulation's accuracy (the broken state read about 700 mm).
  await expect.poll(() => mm(page, 'robust'), { timeout: 10_000 }).toBeLessThan(120);
  expect((await peekSession(page)).threeD.views).toHaveLength(4);
  await expectNoNaN(page);
  await shot(page, info, 'c1-calibration-over-simulation');
  // Finding 6: a paused simulation is still the simulation (not "live"), with no rate while it stands.
  await page.getByTestId('sim-toggle').click();
  await expect(page.getByTestId('status-source')).toHaveText('source: simulation (paused)');
  await expect(page.getByTestId('status-sets-rate')).toHaveCount(0);
  await page.getByTestId('sim-toggle').click();
  await expect(page.getByTestId('status-source')).toHaveText('source: simulation');
  expect(errors).toEqual([]);
});

test('findings 3 and 4: live cameras without a calibration, then 2 of its 4 cameras with it', async ({ page }, info) => {
  test.skip(!videosAvailable(), 'needs ../shared/data/pose2sim-demo');
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await installFakeCameras(page, undefined, { playbackRate: 0.25 });
  await page.goto('/');
  await expect(page.getByTestId('mpjpe-robust-current')).toHaveText(/^\d/, { timeout: 60_000 });

  const start = async (use: number[]) => {
    await page.getByTestId('source-cameras').check();
    await page.getByTestId('backend-select').selectOption('wasm');
    await page.getByTestId('connect-cameras').click();
    for (let i = 0; i < 4; i++) if (!use.includes(i)) await page.getByTestId(`device-${i}`).uncheck();
    await page.getByLabel('frame rate').fill('15');
    await page.getByTestId('start-cameras').click();
  };

  // Finding 3: three cameras, no calibration.
  await start([0, 1, 2]);
  await expect(page.getByTestId('status-source')).toHaveText('source: webcams');
  await expect(page.getByTestId('sim-tiles')).toHaveCount(0);
  await expect(page.getByTestId('viewer-2d-only')).toContainText('No calibration: 3D needs one for these cameras');
  await expect(page.getByTestId('viewer-calibrate')).toBeVisible();
  await expect.poll(async () => Number(await page.getByTestId('camera-tile-2').getAttribute('data-processed')), { timeout: 120_000 }).toBeGreaterThan(1);
  await expect(page.getByTestId('status-cameras')).toHaveText('3 cameras running');
  await expect(page.getByTestId('status-3d')).toHaveText('2D only');
  await expect(page.getByTestId('mpjpe-table')).toHaveCount(0);
  await expect(page.getByTestId('legend-gt')).toHaveCount(0);
  await expect(page.getByTestId('lifter-fallback')).toHaveCount(0);
  await expect(page.getByTestId('metrics-empty')).toBeVisible();
  await expect(page.getByTestId('record-toggle')).toBeDisabled();
  await expect(page.getByTestId('record-why')).toContainText('No calibration');
  for (let i = 0; i < 3; i++) await expect(page.getByTestId(`camera-2d-only-${i}`)).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __parallaxView: { current(): unknown } }).__parallaxView.current())).toBeNull();
  await expectNoNaN(page);
  await shot(page, info, 'c2-cameras-without-calibration');
  // The way out: the wizard on its own page, and back.
  await page.getByTestId('viewer-calibrate').click();
  await expect(page.getByTestId('wizard-page')).toBeVisible();
  await expect(page.getByTestId('camera-panel')).toHaveCount(0);
  await page.getByTestId('calib-close').click();
  await expect(page.getByTestId('camera-panel')).toBeVisible();

  // Finding 4: two of the calibration's four cameras, the calibration loaded after they started.
  await start([0, 1]);
  await expect.poll(async () => Number(await page.getByTestId('camera-tile-1').getAttribute('data-processed')), { timeout: 120_000 }).toBeGreaterThan(0);
  await page.getByTestId('capture-calibration-file').setInputFiles(CALIB);
  await expect(page.getByTestId('session-messages')).toContainText('No source for cam_03, cam_04 of the calibration: 3D from 2 of its 4 cameras.');
  await expect(page.getByTestId('status-3d')).toHaveText('3D on 2 views');
  await expect(page.getByTestId('viewer-2d-only')).toHaveCount(0);
  await expect.poll(async () => Number(await page.getByTestId('status-poses-robust').getAttribute('data-value')), { timeout: 120_000 }).toBeGreaterThan(0);
  await expect.poll(() => uprightOnScreen(page, 'robust'), { timeout: 60_000 }).toBeGreaterThan(40);
  await expectNoNaN(page);
  await shot(page, info, 'c3-two-of-four-calibrated');
  await page.getByTestId('stop-capture').click();
  expect(errors).toEqual([]);
});
