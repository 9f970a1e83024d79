/**
 * Browser measurements in headless Chromium on the built app (run `npm run build` first):
 *  1. detection time per frame per model and backend (Videos source, one Pose2Sim view, per-view median);
 *  2. frame sets per second end to end with 1, 2, 4 fake cameras (the Pose2Sim videos as captureStream()s)
 *     and the scheduler's overhead: 1 − (sum of the set's inference times) / (time between sets).
 *
 *   npm run bench:capture -- [--backends wasm,webgl] [--models ...] [--frames 100] [--webgl-frames 20] [--live-seconds 20]
 */
import { chromium, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromiumArgs } from '../playwright.config';
import { installFakeCameras, VIDEO_FILES } from '../e2e/fixtures/fake-cameras';
import { MODEL_IDS } from '../src/detection/models';
import { REPO_ROOT } from './lib/node-tf';

const { values: args } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm,webgl' },
    models: { type: 'string', default: MODEL_IDS.join(',') },
    'webgl-models': { type: 'string', default: 'movenet-lightning' },
    frames: { type: 'string', default: '100' },
    'live-seconds': { type: 'string', default: '20' },
    cameras: { type: 'string', default: '1,2,4' },
    skip: { type: 'string', default: '' },
  },
});
const PORT = 4327;
const BASE = `http://127.0.0.1:${PORT}`;

const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], { cwd: REPO_ROOT, stdio: 'ignore' });
for (let i = 0; i < 60; i++) {
  try {
    if ((await fetch(BASE)).ok) break;
  } catch { /* not up yet */ }
  await new Promise((r) => setTimeout(r, 500));
}
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
const attr = async (page: Page, name: string) => Number(await page.getByTestId('camera-panel').getAttribute(name));

async function detectionTime(model: string, backend: string, frames: number) {
  const page = await browser.newPage();
  await page.goto(BASE);
  await page.getByTestId('model-select').selectOption(model);
  await page.getByTestId('backend-select').selectOption(backend);
  await page.getByTestId('source-videos').check();
  await page.getByTestId('video-files').setInputFiles(join(VIDEO_FILES[2]));
  await page.getByLabel('video fps').fill('60');
  await page.getByTestId('start-videos').click();
  const t0 = Date.now();
  // Each set here is one frame of one view; stop after `frames` (+5 warm-up is inside the median's window).
  while ((await attr(page, 'data-sets')) < frames && Date.now() - t0 < 20 * 60_000) {
    if ((await page.getByTestId('camera-panel').getAttribute('data-phase')) === 'finished') break;
    await page.waitForTimeout(500);
  }
  const got = await page.getByTestId('detection-backend').textContent();
  const res = { model, backend: got, sets: await attr(page, 'data-sets'), medianMs: await attr(page, 'data-infer-median-ms') };
  await page.close();
  return res;
}

async function liveRate(nCams: number, seconds: number) {
  const page = await browser.newPage();
  await installFakeCameras(page);
  await page.goto(BASE);
  await page.getByTestId('backend-select').selectOption('wasm');
  await page.getByTestId('connect-cameras').click();
  for (let i = nCams; i < 4; i++) await page.getByTestId(`device-${i}`).uncheck();
  await page.getByTestId('start-cameras').click();
  while ((await attr(page, 'data-sets')) < 3) await page.waitForTimeout(200);
  const s0 = await attr(page, 'data-sets'), i0 = await attr(page, 'data-mean-infer-ms'), t0 = Date.now();
  await page.waitForTimeout(seconds * 1000);
  const s1 = await attr(page, 'data-sets'), i1 = await attr(page, 'data-mean-infer-ms'), t1 = Date.now();
  // Mean inference sum per set over the window only (the snapshot holds running means since the start).
  const inferWindow = (i1 * s1 - i0 * s0) / (s1 - s0);
  const interval = (t1 - t0) / (s1 - s0);
  await page.close();
  return { nCams, setsPerSec: (1000 * (s1 - s0)) / (t1 - t0), intervalMs: interval, inferSumMs: inferWindow, overhead: 1 - inferWindow / interval };
}

try {
  if (!args.skip.includes('detect')) {
    console.log('| model | backend | frames | median ms/frame |\n| --- | --- | --- | --- |');
    for (const backend of args.backends!.split(',')) {
      const models = backend === 'webgl' ? args['webgl-models']!.split(',') : args.models!.split(',');
      for (const m of models) {
        const r = await detectionTime(m, backend, Number(args.frames));
        console.log(`| ${r.model} | ${r.backend} | ${r.sets} | ${r.medianMs.toFixed(1)} |`);
      }
    }
  }
  if (!args.skip.includes('live')) {
    console.log('\n| cameras | frame sets/s | ms between sets | inference ms per set | scheduler overhead |\n| --- | --- | --- | --- | --- |');
    for (const n of args.cameras!.split(',').map(Number)) {
      const r = await liveRate(n, Number(args['live-seconds']));
      console.log(`| ${n} | ${r.setsPerSec.toFixed(2)} | ${r.intervalMs.toFixed(0)} | ${r.inferSumMs.toFixed(0)} | ${(100 * r.overhead).toFixed(1)} % |`);
    }
  }
} finally {
  await browser.close();
  server.kill();
}
