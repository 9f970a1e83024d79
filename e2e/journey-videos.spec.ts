/**
 * Journey (b) of issue 16: Videos mode. The four Pose2Sim videos with their calibration are processed completely
 * (sampled at 6 frames per second to keep the test short) with progress and a time estimate, and the run is
 * exported without pressing record. Processing can be cancelled, keeping what was fused. A file the browser
 * cannot decode is named on its tile and nothing is processed (deliverable 9).
 */
import { test, expect, type Page } from '@playwright/test';
import { APP_LIFTER } from './pixels';
import { readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { POSE2SIM_VIDEOS, videosAvailable } from './fixtures/fake-cameras';
import { expectNoNaN, peekSession, shot } from './fixtures/journey';
import { readBvh, readCsv, readJson, readTrc } from './fixtures/read-exports';

const CALIB = join(POSE2SIM_VIDEOS, '..', 'calibration', 'Calib_qualisys.toml');
const VIDEOS = [1, 2, 3, 4].map((i) => join(POSE2SIM_VIDEOS, `cam0${i}.mp4`));

async function chooseVideos(page: Page, files: string[], fps: number) {
  await page.getByTestId('source-videos').check();
  await page.getByTestId('backend-select').selectOption('wasm');
  await page.getByLabel('video fps').fill(String(fps));
  await page.getByTestId('video-files').setInputFiles(files);
}

test('process four videos with their calibration and export the run without recording', async ({ page }, info) => {
  test.skip(!videosAvailable(), 'needs ../shared/data/pose2sim-demo');
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await page.getByTestId('capture-calibration-file').setInputFiles(CALIB);
  await chooseVideos(page, VIDEOS, 6);
  await page.getByTestId('start-videos').click();

  const progress = page.getByTestId('video-progress');
  await expect(page.getByTestId('status-source')).toHaveText('source: video files (processing)', { timeout: 60_000 });
  await expect(page.getByTestId('status-3d')).toHaveText('3D on 4 views');
  await expect(page.getByTestId('run-progress')).toContainText('no need to record');
  await expect(page.getByTestId('video-eta')).toContainText(/about \d+ (s|min) left|almost done/, { timeout: 120_000 });
  await shot(page, info, 'b1-processing');
  await expect(page.getByTestId('camera-panel')).toHaveAttribute('data-phase', 'finished', { timeout: 200_000 });
  const total = Number(await progress.getAttribute('data-count'));
  expect(total).toBeGreaterThanOrEqual(8); // 1.67 s of video at 6 fps
  await expect(progress).toContainText(`${total} / ${total} · done`);
  await expect(page.getByTestId('status-source')).toHaveText('source: video files (finished)');

  // The run is the take: every frame set, no record pressed.
  const s = await peekSession(page);
  expect(s.recording).toEqual({ active: false, frames: 0 });
  expect(s.run.frames).toBe(total);
  await expect(page.getByTestId('take-info')).toContainText(`processed videos: ${total} frames, 4 cameras`);
  await expectNoNaN(page);
  await shot(page, info, 'b2-finished');

  const read = async (method: string, format: string) => {
    await page.getByTestId('export-method').selectOption(method);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${format}`).click()]);
    return readFile(await dl.path(), 'utf8');
  };
  for (const method of [APP_LIFTER, 'robust']) {
    const json = readJson(await read(method, 'json'));
    const all = [json, readCsv(await read(method, 'csv'), json.up), readTrc(await read(method, 'trc')), readBvh(await read(method, 'bvh'))];
    for (const r of all) {
      expect(r.frames).toBe(total);
      expect(Number.isFinite(r.height)).toBe(true);
    }
    console.log(`${method}: head above ankles along the declared up (m): ${all.map((r) => r.height.toFixed(2)).join(', ')} (json, csv, trc, bvh)`);
  }
  expect(errors).toEqual([]);
});

test('cancelling keeps what was processed and says so', async ({ page }, info) => {
  test.skip(!videosAvailable(), 'needs ../shared/data/pose2sim-demo');
  test.setTimeout(180_000);
  await page.goto('/');
  await page.getByTestId('capture-calibration-file').setInputFiles(CALIB);
  await chooseVideos(page, VIDEOS, 12);
  await page.getByTestId('start-videos').click();
  const progress = page.getByTestId('video-progress');
  await expect.poll(async () => Number(await progress.getAttribute('data-frame')), { timeout: 150_000 }).toBeGreaterThanOrEqual(2);
  await page.getByTestId('stop-capture').click();
  await expect(page.getByTestId('session-messages')).toContainText(/Cancelled at frame set \d+ of \d+: the run keeps the \d+ fused so far\./);
  await expect(page.getByTestId('status-source')).toHaveText('source: video files (stopped)');
  const kept = (await peekSession(page)).run.frames;
  expect(kept).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('take-info')).toContainText(`processed videos: ${kept} frames`);
  await expectNoNaN(page);
  await shot(page, info, 'b3-cancelled');
});

test('a file the browser cannot decode is named on its tile and nothing is processed', async ({ page }, info) => {
  test.skip(!videosAvailable(), 'needs ../shared/data/pose2sim-demo');
  const broken = info.outputPath('broken.mp4');
  await writeFile(broken, randomBytes(64 * 1024));
  await page.goto('/');
  await chooseVideos(page, [VIDEOS[0], broken], 6);
  await page.getByTestId('start-videos').click();
  // Files are taken in name order: broken.mp4 is the first view.
  await expect(page.getByTestId('camera-failed-0')).toHaveText('CANNOT DECODE', { timeout: 60_000 });
  await expect(page.getByTestId('camera-tile-0')).toContainText('broken.mp4');
  await expect(page.getByTestId('camera-message-0')).toContainText('broken.mp4: the browser cannot decode this file');
  await expect(page.getByTestId('camera-tile-1')).not.toHaveAttribute('data-status', 'error');
  await expect(page.getByTestId('capture-error')).toContainText('Not processed: the browser cannot decode broken.mp4');
  await expect(page.getByTestId('camera-panel')).toHaveAttribute('data-phase', 'error');
  await expect(page.getByTestId('video-progress')).toHaveCount(0);
  expect((await peekSession(page)).run.frames).toBe(0);
  await expectNoNaN(page);
  await shot(page, info, 'b4-cannot-decode');
});

test('processing a take also gives a run to export without recording', async ({ page }, info) => {
  const TAKE = fileURLToPath(new URL('../docs/data/pose2sim-movenet-lightning.take.json', import.meta.url));
  await page.goto('/');
  await page.getByTestId('source-take').check();
  await page.getByTestId('capture-take-file').setInputFiles(TAKE);
  await expect(page.getByTestId('status-source')).toHaveText('source: take (replaying)');
  await expect(page.getByTestId('camera-panel')).toHaveAttribute('data-phase', 'finished', { timeout: 30_000 });
  await expect(page.getByTestId('take-info')).toContainText('processed take: 100 frames, 4 cameras');
  const s = await peekSession(page);
  expect(s.run.frames).toBe(100);
  expect(s.recording.frames).toBe(0);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-trc').click()]);
  expect(readTrc(await readFile(await dl.path(), 'utf8')).frames).toBe(100);
  await expectNoNaN(page);
  await shot(page, info, 'b5-take-processed');
});
