/**
 * Browser measurements in headless Chromium on the built app (run `npm run build` first). Every run is bounded
 * (a number of frames or seconds, whichever comes first) and reports what it got, so a slow backend never stalls
 * the rest.
 *
 *  detect: detection time per frame per model and backend: one fake camera (cam03 as a 30 fps stream), the app's
 *          worker, median of the per-view inference time over `--frames` frames after 5 warm-up frames, or over
 *          what ran in `--max-seconds`.
 *  live:   frame sets per second end to end with 1, 2, 4 fake cameras (the Pose2Sim videos as 30 fps
 *          captureStream()s), MoveNet Lightning, wasm, over `--sets` sets after 3 warm-up sets, and the
 *          scheduler's overhead: (time between sets − sum of the set's inference times) / time between sets.
 *
 *   npm run build && npm run bench:capture -- [--part detect|live|all] [--backends wasm,webgl,webgpu]
 *     [--models movenet-lightning,...] [--frames 100] [--max-seconds 60] [--cameras 1,2,4] [--sets 40]
 */
import { chromium, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { chromiumArgs } from '../playwright.config';
import { installFakeCameras } from '../e2e/fixtures/fake-cameras';
import { MODEL_IDS } from '../src/detection/models';
import type { SetTiming } from '../src/cameras/detect-sets';
import { REPO_ROOT } from './lib/node-tf';
import { quantile } from '../src/util/stats';

const { values: args } = parseArgs({
  options: {
    part: { type: 'string', default: 'all' },
    backends: { type: 'string', default: 'wasm,webgl,webgpu' },
    models: { type: 'string', default: MODEL_IDS.join(',') },
    frames: { type: 'string', default: '100' },
    'max-seconds': { type: 'string', default: '60' },
    cameras: { type: 'string', default: '1,2,4' },
    sets: { type: 'string', default: '40' },
    'live-max-seconds': { type: 'string', default: '90' },
  },
});
const PORT = 4327;
const BASE = `http://127.0.0.1:${PORT}`;
const WARMUP_FRAMES = 5, WARMUP_SETS = 3;
/** The videos are 60 fps: half speed makes them 30 fps cameras, the app's default constraint. */
const PLAYBACK = 0.5;

const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], { cwd: REPO_ROOT, stdio: 'ignore' });
let up = false;
for (let i = 0; i < 60 && !up; i++) {
  try {
    up = (await fetch(BASE)).ok;
  } catch { /* not up yet */ }
  if (!up) await new Promise((r) => setTimeout(r, 500));
}
if (!up) throw new Error(`vite preview did not answer on ${BASE} (run npm run build first)`);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...chromiumArgs, '--enable-unsafe-webgpu'] });

const timings = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { __parallaxCapture: { recentSets(): SetTiming[] } }).__parallaxCapture.recentSets());

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Opens the app with `nCams` fake cameras and starts capture; returns the backend the worker really uses. */
async function startCameras(page: Page, nCams: number, model: string, backend: string, names?: string[]): Promise<string> {
  await installFakeCameras(page, names, { playbackRate: PLAYBACK });
  await page.goto(BASE);
  await page.getByTestId('model-select').selectOption(model);
  await page.getByTestId('backend-select').selectOption(backend);
  await page.getByTestId('source-cameras').check();
  await page.getByTestId('connect-cameras').click();
  for (let i = nCams; i < (names?.length ?? 4); i++) await page.getByTestId(`device-${i}`).uncheck();
  await page.getByTestId('start-cameras').click();
  const status = page.getByTestId('detection-status');
  await status.waitFor({ timeout: 120_000 });
  return (await status.getAttribute('data-backend')) ?? '?';
}

/** Polls the per-set timings until `want` sets or the deadline; returns them and whether the deadline ended it. */
async function collect(page: Page, want: number, deadline: number) {
  let t: SetTiming[] = [];
  while (Date.now() < deadline) {
    t = await timings(page);
    if (t.length >= want) return { t, bounded: false };
    const err = await page.getByTestId('capture-error').textContent({ timeout: 50 }).catch(() => null);
    if (err) throw new Error(err);
    await page.waitForTimeout(500);
  }
  return { t, bounded: true };
}

async function detectionTime(model: string, backend: string, frames: number, maxSec: number) {
  const page = await browser.newPage();
  const t0 = Date.now();
  try {
    const got = await startCameras(page, 1, model, backend, ['cam03.mp4']);
    if (got !== backend) return `| ${model} | ${backend} | – | – | – | not available (the worker fell back to ${got}) |`;
    const { t, bounded } = await collect(page, WARMUP_FRAMES + frames, t0 + maxSec * 1000);
    const ms = t.slice(WARMUP_FRAMES).map((s) => s.inferMs[0]).filter(Number.isFinite);
    if (!ms.length) return `| ${model} | ${backend} | ${t.length} | – | – | no frame after warm-up within ${maxSec} s |`;
    const note = bounded ? `stopped at ${maxSec} s` : '';
    return `| ${model} | ${backend} | ${ms.length} | ${quantile(ms, 0.5).toFixed(1)} | ${quantile(ms, 0.9).toFixed(1)} | ${note} |`;
  } catch (e) {
    return `| ${model} | ${backend} | – | – | – | failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]} |`;
  } finally {
    await page.close();
  }
}

async function liveRate(nCams: number, sets: number, maxSec: number) {
  const page = await browser.newPage();
  const t0 = Date.now();
  try {
    await startCameras(page, nCams, 'movenet-lightning', 'wasm');
    const { t, bounded } = await collect(page, WARMUP_SETS + sets, t0 + maxSec * 1000);
    const w = t.slice(WARMUP_SETS);
    if (w.length < 3) return `| ${nCams} | ${w.length} | – | – | – | – | – | too few sets within ${maxSec} s |`;
    // Time per set = mean interval between consecutive results (the throughput the user sees).
    const interval = (w[w.length - 1].tEnd - w[0].tEnd) / (w.length - 1);
    const infer = mean(w.slice(1).map((s) => s.inferMs.filter(Number.isFinite).reduce((a, b) => a + b, 0)));
    const worker = mean(w.slice(1).map((s) => s.workerMs));
    // Latency the pipelining costs: how old a set is when the worker starts on it.
    const age = quantile(w.map((s) => s.workerStart - s.tReady), 0.5);
    // Where the rest goes: messaging (send → result minus the worker's time) and the main thread's gap
    // between a result and the next send (waiting for frames when the next set was not ready).
    const msg = mean(w.map((s) => s.tEnd - s.tSend - s.workerMs));
    const gap = mean(w.slice(1).map((s, i) => s.tSend - w[i].tEnd));
    const idle = mean(w.slice(1).map((s, i) => s.workerStart - w[i].workerEnd));
    const late = mean(w.slice(1).map((s, i) => Math.max(0, s.tSend - w[i].workerEnd)));
    console.error(`  ${nCams} cams: messaging ${msg.toFixed(1)} ms, result→next send ${gap.toFixed(1)} ms, worker idle between sets ${idle.toFixed(1)} ms, next sent after worker end ${late.toFixed(1)} ms`);
    const overhead = (interval - infer) / interval;
    const note = bounded ? `stopped at ${maxSec} s` : '';
    return `| ${nCams} | ${w.length} | ${(1000 / interval).toFixed(2)} | ${interval.toFixed(0)} | ${infer.toFixed(0)} | ${(worker - infer).toFixed(1)} | ${age.toFixed(0)} | ${(100 * overhead).toFixed(1)} % ${note} |`;
  } catch (e) {
    return `| ${nCams} | – | – | – | – | – | – | failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]} |`;
  } finally {
    await page.close();
  }
}

try {
  if (args.part === 'all' || args.part === 'detect') {
    console.log(`\n| model | backend | frames timed | median ms | p90 ms | note |\n| --- | --- | --- | --- | --- | --- |`);
    for (const backend of args.backends!.split(','))
      for (const m of args.models!.split(',')) console.log(await detectionTime(m, backend, Number(args.frames), Number(args['max-seconds'])));
  }
  if (args.part === 'all' || args.part === 'live') {
    console.log('\n| cameras | sets timed | frame sets/s | ms per set | inference ms per set | worker ms beyond inference | set age at worker start ms (median) | scheduler overhead |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const n of args.cameras!.split(',').map(Number)) console.log(await liveRate(n, Number(args.sets), Number(args['live-max-seconds'])));
  }
} finally {
  await browser.close();
  server.kill();
}
