import { test, expect, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { POSE2SIM_VIDEOS, installFakeCameras, videosAvailable } from './fixtures/fake-cameras';

const TAKE = fileURLToPath(new URL('../docs/data/pose2sim-movenet-lightning.take.json', import.meta.url));
// Pose2Sim's calibration of the four videos (its distortion values are 1/64 of the reference ones: a few pixels
// at the image borders, which this test does not depend on).
const CALIB = join(POSE2SIM_VIDEOS, '..', 'calibration', 'Calib_qualisys.toml');


async function tile(page: Page, i: number) {
  const t = page.getByTestId(`camera-tile-${i}`);
  return {
    status: () => t.getAttribute('data-status'),
    processed: async () => Number(await t.getAttribute('data-processed')),
    detected: async () => Number(await t.getAttribute('data-detected')),
  };
}

test('four camera streams: a skeleton in every view, the 3D results in every tile once calibrated; one unplugged camera is lost, the others keep running', async ({ page }) => {
  test.skip(!videosAvailable(), 'needs ../shared/data/pose2sim-demo/videos');
  test.setTimeout(150_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // The 60 fps videos at quarter speed: 15 fps cameras, so decoding four 1080×1920 streams leaves CPU for detection.
  await installFakeCameras(page, undefined, { playbackRate: 0.25 });
  await page.goto('/');
  // Loading the page must not touch the cameras.
  expect(await page.evaluate(() => document.querySelectorAll('video[data-testid^="camera-video"]').length)).toBe(0);

  await page.getByTestId('backend-select').selectOption('wasm');
  await page.getByTestId('source-cameras').check();
  await page.getByTestId('connect-cameras').click();
  await expect(page.getByTestId('device-list')).toBeVisible();
  for (let i = 0; i < 4; i++) await expect(page.getByTestId(`device-${i}`)).toBeChecked();
  await page.getByLabel('frame rate').fill('15');
  await page.getByTestId('start-cameras').click();

  await expect(page.getByTestId('detection-backend')).toHaveText('wasm');
  for (let i = 0; i < 4; i++) await expect(page.getByTestId(`camera-settings-${i}`)).toContainText('×');

  const tiles = await Promise.all([0, 1, 2, 3].map((i) => tile(page, i)));
  const N = 10;
  await expect.poll(async () => Math.min(...(await Promise.all(tiles.map((t) => t.processed())))), { timeout: 90_000 }).toBeGreaterThanOrEqual(N);
  for (let i = 0; i < 4; i++) {
    const p = await tiles[i].processed(), d = await tiles[i].detected();
    // >= 14 of 17 joints with score >= 0.3 in >= 90% of the frames of every view.
    expect(d / p, `view ${i}: ${d}/${p} frames with >= 14 confident joints`).toBeGreaterThanOrEqual(0.9);
  }
  // The overlay has a skeleton drawn on it (the latest frame set's: one whose cam3 frame found no partner in time
  // has no detection there, so the overlay is sampled until a frame set with one is shown).
  const drawn = () => page.getByTestId('camera-overlay-2').evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let k = 3; k < data.length; k += 4) if (data[k] > 0) n++;
    return n;
  });
  await expect.poll(drawn, { timeout: 20_000 }).toBeGreaterThan(500);

  // Calibrated: both 3D results are reprojected into every tile, with each method's mean error in px over the
  // confident joints. The fake cameras are not perfectly synchronised (cam02, VP9, drifts by up to half a second
  // on a busy machine), so a view can be off by 100 px; the best fit shows the calibration belongs to these views
  // (a calibration of other cameras misses by hundreds of px).
  await page.getByTestId('capture-calibration-file').setInputFiles(CALIB);
  await expect(page.getByTestId('capture-calibration')).toContainText('4 cameras');
  const reproj: number[] = [];
  for (let i = 0; i < 4; i++) {
    for (const m of ['robust', 'dlt']) {
      const el = page.getByTestId(`camera-reproj-${i}`).locator(`[data-method="${m}"]`);
      await expect(el).toHaveAttribute('data-value', /\d/, { timeout: 30_000 });
      await expect(el).toHaveText(/^\w+ \d+\.\d px$/);
      reproj.push(Number(await el.getAttribute('data-value')));
    }
  }
  console.log(`reprojection errors, robust/dlt per view: ${reproj.map((e) => e.toFixed(1)).join(' ')} px`);
  for (const e of reproj) expect(e).toBeGreaterThan(0);
  expect(Math.min(...reproj)).toBeLessThan(60);
  // No tensor leak: once warm, the detection worker's tensor count stays flat over 20 more frame sets.
  const panel = page.getByTestId('camera-panel');
  expect(Number(await panel.getAttribute('data-num-tensors-warm'))).toBeGreaterThan(0);
  const sets = async () => Number(await panel.getAttribute('data-sets'));
  const t1 = await panel.getAttribute('data-num-tensors');
  const s1 = await sets();
  await expect.poll(sets, { timeout: 120_000 }).toBeGreaterThanOrEqual(s1 + 20);
  expect(await panel.getAttribute('data-num-tensors')).toBe(t1);

  // Unplug camera 3 (index 2): it is shown lost, the other three keep producing detections.
  await page.evaluate(() => (window as unknown as { __fakeCams: { unplug(i: number): void } }).__fakeCams.unplug(2));
  await expect(page.getByTestId('camera-tile-2')).toHaveAttribute('data-status', 'lost');
  await expect(page.getByTestId('camera-lost-2')).toBeVisible();
  const before = await Promise.all(tiles.map((t) => t.processed()));
  await expect.poll(async () => Math.min(...(await Promise.all([0, 1, 3].map((i) => tiles[i].processed())))), { timeout: 60_000 })
    .toBeGreaterThanOrEqual(Math.max(before[0], before[1], before[3]) + 2);
  expect(await tiles[2].processed()).toBe(before[2]);
  for (const i of [0, 1, 3]) expect(await tiles[i].status()).toBe('ok');
  expect(await panel.getAttribute('data-num-tensors')).toBe(t1);

  // Plugged back in: re-opened on devicechange and detected again.
  await page.evaluate(() => (window as unknown as { __fakeCams: { replug(i: number): void } }).__fakeCams.replug(2));
  await expect(page.getByTestId('camera-tile-2')).toHaveAttribute('data-status', 'ok', { timeout: 30_000 });
  await expect.poll(() => tiles[2].processed(), { timeout: 60_000 }).toBeGreaterThan(before[2] + 1);

  await page.getByTestId('stop-capture').click();
  expect(errors).toEqual([]);
});

test('denied camera permission shows the message and nothing throws', async ({ browser }) => {
  // Real Chromium denial: a fake device exists, but the permission prompt is answered "block".
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = async () => {
      throw new DOMException('Permission denied', 'NotAllowedError');
    };
  });
  await page.goto('/');
  await page.getByTestId('source-cameras').check();
  await page.getByTestId('connect-cameras').click();
  await expect(page.getByTestId('capture-error')).toContainText('permission was denied');
  await expect(page.getByTestId('connect-cameras')).toBeEnabled();
  expect(errors).toEqual([]);
  await context.close();
});

test('a take file replays at its own rate with its skeletons on every tile', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await page.getByTestId('source-take').check();
  await page.getByTestId('capture-take-file').setInputFiles(TAKE);
  await expect(page.getByTestId('camera-panel')).toHaveAttribute('data-phase', 'finished', { timeout: 20_000 });
  for (let i = 0; i < 4; i++) {
    const t = page.getByTestId(`camera-tile-${i}`);
    expect(Number(await t.getAttribute('data-processed'))).toBe(100);
    expect(Number(await t.getAttribute('data-detected'))).toBeGreaterThanOrEqual(90);
  }
  expect(errors).toEqual([]);
});

test('four video files step in lockstep with a skeleton in every view', async ({ page }) => {
  test.skip(!videosAvailable(), 'the shared Pose2Sim videos are not beside the repository');
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await page.getByTestId('source-videos').check();
  await page.getByTestId('video-files').setInputFiles([1, 2, 3, 4].map((i) => join(POSE2SIM_VIDEOS, `cam0${i}.mp4`)));
  await page.getByTestId('start-videos').click();
  const progress = page.getByTestId('video-progress');
  await expect(progress).toBeVisible({ timeout: 60_000 });
  // Step well into the recording, then look at what every tile saw.
  await expect
    .poll(async () => Number(await progress.getAttribute('data-frame')), { timeout: 180_000, intervals: [1000] })
    .toBeGreaterThanOrEqual(20);
  const count = Number(await progress.getAttribute('data-count'));
  expect(count).toBeGreaterThanOrEqual(95); // 100 frames at 60 fps; the decoder may report one or two fewer
  await page.getByTestId('stop-capture').click();
  const processed = await Promise.all([0, 1, 2, 3].map(async (i) => (await tile(page, i)).processed()));
  const detected = await Promise.all([0, 1, 2, 3].map(async (i) => (await tile(page, i)).detected()));
  for (let i = 0; i < 4; i++) {
    expect(processed[i]).toBeGreaterThanOrEqual(20);
    // Lockstep: every view went through the same frame sets.
    expect(Math.abs(processed[i] - processed[0])).toBeLessThanOrEqual(1);
    expect(detected[i]).toBeGreaterThanOrEqual(0.9 * processed[i]);
  }
  expect(errors).toEqual([]);
});
