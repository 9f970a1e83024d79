/**
 * Checkerboard detector time per 1280x720 frame in headless Chromium (the live-feedback budget: 30 ms).
 *
 * The same core as the app (src/calibration/detect.ts) is bundled with esbuild and run in a blank page, no
 * server, no network. Each timed frame does what the wizard does per camera frame: canvas getImageData → grey →
 * detectCheckerboard, live mode ({ fast: true }) as in the wizard, and full mode as in the CLI. Frames: the same
 * synthetic 9x6 boards as `npm run bench:calib` (5 poses) and a frame without a board.
 *
 *   npm run bench:calib:browser -- [--reps 10]      (nice it on shared machines)
 */
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromiumArgs } from '../playwright.config';

const { values: args } = parseArgs({ options: { reps: { type: 'string', default: '10' } } });
const reps = Math.max(1, Number(args.reps));
const root = fileURLToPath(new URL('..', import.meta.url));

// Runs inside the page: renders the frames once, then times grab + grey + detect per frame.
const entry = `
import { lookAtCamera } from './src/geometry/camera';
import { detectCheckerboard } from './src/calibration/detect';
import { rgbaToGray } from './src/calibration/image';
import { renderBoard } from './src/calibration/synth';
import { heldBoardPose } from './src/calibration/synthRig';
import { median, quantile } from '../src/util/stats';

function toCanvas(img) {
  const c = document.createElement('canvas');
  c.width = img.width; c.height = img.height;
  const ctx = c.getContext('2d', { willReadFrequently: true });
  const d = ctx.createImageData(img.width, img.height);
  for (let i = 0; i < img.data.length; i++) {
    const v = Math.max(0, Math.min(255, img.data[i]));
    d.data[4 * i] = d.data[4 * i + 1] = d.data[4 * i + 2] = v; d.data[4 * i + 3] = 255;
  }
  ctx.putImageData(d, 0, 0);
  return ctx;
}

window.runBench = (reps) => {
  const cam = lookAtCamera({ name: 'c', width: 1280, height: 720, hfovDeg: 65, eye: [0, 1, 1.3], target: [0, 1, 0], dist: [-0.1, 0.02, 0, 0, 0] });
  const b = { cols: 9, rows: 6, squareMm: 40 };
  const boards = [0, 1, 2, 3, 4].map((i) => toCanvas(renderBoard(cam, b, heldBoardPose(b, [0.1 * i - 0.2, 1, 0], -0.3 + 0.1 * i, 0.3 - 0.1 * i, 0.1 * i), { supersample: 2, seed: i })));
  const empty = [toCanvas(renderBoard(cam, b, heldBoardPose(b, [5, 1, 0], 0, 0, 0), { supersample: 1 }))];
  const frame = (ctx, fast) => {
    const t0 = performance.now();
    const gray = rgbaToGray(ctx.getImageData(0, 0, 1280, 720).data, 1280, 720);
    const t1 = performance.now();
    const found = detectCheckerboard(gray, 9, 6, { fast }) !== null;
    return { grab: t1 - t0, detect: performance.now() - t1, found };
  };
  for (const c of boards) frame(c, true); // warm-up (JIT)
  const run = (frames, fast) => {
    const all = [], grabs = [];
    let found = 0;
    for (let r = 0; r < reps; r++) for (const c of frames) { const t = frame(c, fast); all.push(t.grab + t.detect); grabs.push(t.grab); if (t.found) found++; }
    return { min: Math.min(...all), mean: all.reduce((a, v) => a + v, 0) / all.length, median: median(all), p90: quantile(all, 0.9), grab: grabs.reduce((a, v) => a + v, 0) / grabs.length, found, n: all.length };
  };
  return { liveBoard: run(boards, true), fullBoard: run(boards, false), liveEmpty: run(empty, true), fullEmpty: run(empty, false), ua: navigator.userAgent };
};
`;

const bundle = await build({
  stdin: { contents: entry, resolveDir: root, loader: 'ts', sourcefile: 'bench-calib-browser-entry.ts' },
  bundle: true, format: 'iife', platform: 'browser', write: false, logLevel: 'silent',
});
// Same browser choice as playwright.config.ts: PARALLAX_CHROMIUM, else Debian's, else Playwright's own.
const executablePath = process.env.PARALLAX_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const browser = await chromium.launch({ args: chromiumArgs, executablePath });
try {
  const page = await browser.newPage();
  await page.setContent('<!doctype html><title>bench</title>');
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  type Stat = { min: number; mean: number; median: number; p90: number; grab: number; found: number; n: number };
  const r = await page.evaluate((n) => (window as unknown as { runBench: (n: number) => unknown }).runBench(n), reps) as Record<'liveBoard' | 'fullBoard' | 'liveEmpty' | 'fullEmpty', Stat> & { ua: string };
  const fmt = (s: Stat) => `min ${s.min.toFixed(1)} ms, median ${s.median.toFixed(1)}, mean ${s.mean.toFixed(1)}, p90 ${s.p90.toFixed(1)} (of which getImageData + grey ${s.grab.toFixed(1)}), found ${s.found}/${s.n}`;
  console.log(`## Detector time per 1280x720 frame in headless Chromium (${/Chrome\/[\d.]+/.exec(r.ua)?.[0] ?? r.ua}), ${reps} reps`);
  console.log(`board, live mode:    ${fmt(r.liveBoard)}`);
  console.log(`board, full mode:    ${fmt(r.fullBoard)}`);
  console.log(`no board, live mode: ${fmt(r.liveEmpty)}`);
  console.log(`no board, full mode: ${fmt(r.fullEmpty)}`);
} finally {
  await browser.close();
}
