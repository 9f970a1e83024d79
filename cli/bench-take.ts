/**
 * npm run bench:take — time to load a take of 50,000 frames × 8 views (JSON.parse + validation into typed
 * arrays) in Node and in headless Chromium, with the same src/take code.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { parseTake } from '../src/take/take';
import { chromiumArgs } from '../playwright.config';

const FRAMES = Number(process.env.BENCH_TAKE_FRAMES ?? 50_000);
const VIEWS = 8;

function makeTakeText(): string {
  const cams = Array.from({ length: VIEWS }, (_, i) => ({
    name: `cam${i + 1}`, width: 1280, height: 720, K: [[1000, 0, 640], [0, 1000, 360], [0, 0, 1]],
    dist: [0.1, 0, 0, 0, 0], R: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], t: [0, 0, 3 + i],
  }));
  const frames = Array.from({ length: FRAMES }, (_, f) => ({
    time: f / 30,
    views: cams.map((_, v) => Array.from({ length: 17 }, (_, j) => [100.123 + j + v, 200.456 + (f % 50), 0.9])),
    gt: null,
  }));
  return JSON.stringify({ format: 'multiview-take', version: 1, fps: 30, keypoints2d: 'coco17', cameras: cams, frames });
}

async function main() {
  const text = makeTakeText();
  console.log(`take: ${FRAMES} frames × ${VIEWS} views, ${(text.length / 1e6).toFixed(0)} MB of JSON`);
  let t0 = performance.now();
  const raw = JSON.parse(text);
  const tParse = performance.now() - t0;
  t0 = performance.now();
  const take = parseTake(raw);
  const tValidate = performance.now() - t0;
  console.log(`Node ${process.version}: JSON.parse ${(tParse / 1000).toFixed(2)} s, validate ${(tValidate / 1000).toFixed(2)} s, total ${((tParse + tValidate) / 1000).toFixed(2)} s (${take.frames.length} frames)`);

  // The same module, bundled for the browser.
  const dir = mkdtempSync(join(tmpdir(), 'parallax-bench-take-'));
  const bundle = join(dir, 'take.js');
  execFileSync('node_modules/.bin/esbuild', ['src/take/take.ts', '--bundle', '--format=iife', '--global-name=ParallaxTake', `--outfile=${bundle}`], { stdio: 'ignore' });
  writeFileSync(join(dir, 'take.json'), text);
  const browser = await chromium.launch({ executablePath: process.env.PARALLAX_CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs });
  try {
    const page = await browser.newPage();
    await page.addScriptTag({ path: bundle });
    // Hand the text over in one piece, as a File read would give it.
    await page.evaluate(() => ((globalThis as unknown as { chunks: string[] }).chunks = []));
    const CHUNK = 8_000_000;
    for (let i = 0; i < text.length; i += CHUNK) {
      await page.evaluate((c) => (globalThis as unknown as { chunks: string[] }).chunks.push(c), text.slice(i, i + CHUNK));
    }
    const r = await page.evaluate(() => {
      const g = globalThis as unknown as { chunks: string[]; ParallaxTake: { parseTake(x: unknown): { frames: unknown[] } } };
      const s = g.chunks.join('');
      g.chunks = [];
      let t = performance.now();
      const raw = JSON.parse(s);
      const parse = performance.now() - t;
      t = performance.now();
      const take = g.ParallaxTake.parseTake(raw);
      return { parse, validate: performance.now() - t, frames: take.frames.length, ua: navigator.userAgent };
    });
    console.log(`Chromium (${/Chrome\/[\d.]+/.exec(r.ua)?.[0]}): JSON.parse ${(r.parse / 1000).toFixed(2)} s, validate ${(r.validate / 1000).toFixed(2)} s, total ${((r.parse + r.validate) / 1000).toFixed(2)} s (${r.frames} frames)`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
