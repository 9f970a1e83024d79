/**
 * Fusion off the main thread, measured in headless Chromium on the built app (run `npm run build` first):
 *
 *  longtasks: main-thread long tasks (> 50 ms, Long Tasks API) during `--seconds` of the 8-camera simulation with
 *             every default method (the lifter included), fusion in its worker vs on the main thread
 *             (`?fusion=main`). Both runs share every other source of long tasks (rendering, React, the
 *             simulation), so the difference between them is what fusion on the main thread costs.
 *  backends:  the lifter's time per frame set on each backend: the start-up measurement in the worker (the fixed
 *             8-view input, median of 5 runs after 2 warm-up runs) and, with the backend forced, the live lifter
 *             time of the 8-camera simulation's frame sets over `--backend-seconds`.
 *
 *   npm run build && npm run bench:fusion-worker -- [--part longtasks|backends|all] [--seconds 60]
 *     [--backend-seconds 15] [--gpu]   (--gpu: Chromium without --disable-gpu, with --enable-unsafe-webgpu)
 */
import { chromium, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { chromiumArgs } from '../playwright.config';
import { REPO_ROOT } from './lib/node-tf';
import { quantile } from '../src/util/stats';

const { values: args } = parseArgs({
  options: {
    part: { type: 'string', default: 'all' },
    seconds: { type: 'string', default: '60' },
    'backend-seconds': { type: 'string', default: '15' },
    gpu: { type: 'boolean', default: false },
  },
});
let h = 0;
for (const ch of REPO_ROOT) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
const PORT = Number(process.env.PARALLAX_BENCH_PORT) || 5100 + (h % 500);
const BASE = `http://127.0.0.1:${PORT}`;
const SECONDS = Number(args.seconds), BACKEND_SECONDS = Number(args['backend-seconds']);

// Its own process group: npx starts vite as a child, and both must go at the end.
const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], { cwd: REPO_ROOT, stdio: 'ignore', detached: true });
const stopServer = () => {
  try {
    process.kill(-server.pid!, 'SIGTERM');
  } catch {
    // already gone
  }
};
let up = false;
for (let i = 0; i < 60 && !up; i++) {
  try {
    up = (await fetch(BASE)).ok;
  } catch { /* not up yet */ }
  if (!up) await new Promise((r) => setTimeout(r, 500));
}
if (!up) {
  stopServer();
  throw new Error(`vite preview did not answer on ${BASE} (run npm run build first)`);
}
const launchArgs = args.gpu ? [...chromiumArgs.filter((a) => a !== '--disable-gpu'), '--enable-unsafe-webgpu'] : chromiumArgs;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: launchArgs });

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');

interface Sample {
  longTasks: { start: number; duration: number }[];
  /** Main-thread intervals of fusion work: the client's calls, and (fusion on the main thread) the pipeline's run. */
  fusionSpans: { start: number; end: number }[];
  fused: { fusion: number; lifter: number }[];
  sets: number;
  seconds: number;
}

/** Records long tasks from page load (buffered) and every fused frame set's timings from when asked. */
async function instrument(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** Opens the app on the 8-camera simulation and waits for the lifter on its backend; returns that backend. */
async function open(page: Page, query: string): Promise<string> {
  await instrument(page);
  await page.goto(`${BASE}/${query}`);
  await page.getByTestId('sim-cameras').fill('8');
  await page.getByTestId('status-lifter').and(page.locator('[data-backend]:not([data-backend=""])')).waitFor({ timeout: 180_000 });
  await page.waitForFunction(() => {
    const s = (window as unknown as { __parallaxSession: { fused: { latest(): { people: Array<{ poses: Record<string, unknown> }> } | null } } }).__parallaxSession;
    return !!s.fused.latest()?.people[0]?.poses.lifter;
  }, null, { timeout: 120_000 });
  return (await page.getByTestId('status-lifter').getAttribute('data-backend'))!;
}

/**
 * Samples `seconds`: long tasks, fused frame sets, and the main thread's fusion intervals. The client's own calls
 * (packing and posting a frame set, reading a result) are timed by wrapping them; with fusion on the main thread
 * the pipeline's run ends where the client reads its result and lasts the result's own `fusion` time.
 */
async function sample(page: Page, seconds: number): Promise<Sample> {
  await page.evaluate(() => {
    type Msg = { type: string; timings?: Record<string, number> };
    const w = window as unknown as {
      __fused: { fusion: number; lifter: number }[]; __spans: { start: number; end: number }[]; __t0: number; __sets0: number;
      __parallaxSession: { fused: { subscribe(fn: (f: { timings: Record<string, number> } | null) => void): void }; getSnapshot(): { stats: { frameSets: number } } };
      __parallaxFusion: { fuse(f: unknown): unknown; onMessage(m: Msg): void; current: { where: string } };
    };
    w.__fused = [];
    w.__spans = [];
    w.__t0 = performance.now();
    w.__sets0 = w.__parallaxSession.getSnapshot().stats.frameSets;
    w.__parallaxSession.fused.subscribe((f) => f && w.__fused.push({ fusion: f.timings.fusion, lifter: f.timings.lifter ?? NaN }));
    const c = w.__parallaxFusion;
    const fuse = c.fuse.bind(c), onMessage = c.onMessage.bind(c);
    const inMain = c.current.where === 'main';
    c.fuse = (f) => {
      const t = performance.now();
      try {
        return fuse(f);
      } finally {
        w.__spans.push({ start: t, end: performance.now() });
      }
    };
    c.onMessage = (m) => {
      const t = performance.now();
      if (inMain && m.type === 'fused' && m.timings) w.__spans.push({ start: t - m.timings.fusion, end: t });
      onMessage(m);
      w.__spans.push({ start: t, end: performance.now() });
    };
  });
  await page.waitForTimeout(seconds * 1000);
  return page.evaluate(() => {
    const w = window as unknown as {
      __fused: { fusion: number; lifter: number }[]; __spans: { start: number; end: number }[]; __t0: number; __sets0: number; __longTasks: { start: number; duration: number }[];
      __parallaxSession: { getSnapshot(): { stats: { frameSets: number } } };
    };
    return {
      longTasks: w.__longTasks.filter((t) => t.start >= w.__t0),
      fusionSpans: w.__spans.slice(),
      fused: w.__fused.slice(),
      sets: w.__parallaxSession.getSnapshot().stats.frameSets - w.__sets0,
      seconds: (performance.now() - w.__t0) / 1000,
    };
  });
}

/** Long tasks that overlap main-thread fusion work, and how much of their time that work took. */
function attribute(s: Sample): { tasks: number; fusionMs: number; mainFusionMs: number } {
  let tasks = 0, fusionMs = 0;
  for (const t of s.longTasks) {
    const end = t.start + t.duration;
    let inTask = 0;
    for (const f of s.fusionSpans) inTask += Math.max(0, Math.min(end, f.end) - Math.max(t.start, f.start));
    if (inTask > 0) tasks++;
    fusionMs += inTask;
  }
  return { tasks, fusionMs, mainFusionMs: s.fusionSpans.reduce((a, f) => a + f.end - f.start, 0) };
}

async function longTaskRow(where: 'worker' | 'main'): Promise<string> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    const backend = await open(page, where === 'main' ? '?fusion=main' : '');
    const got = await page.getByTestId('status-fusion').getAttribute('data-where');
    if (got !== where) return `| ${where} | – | fusion ran in ${got}, not ${where} |`;
    const s = await sample(page, SECONDS);
    const d = s.longTasks.map((t) => t.duration);
    const total = d.reduce((a, b) => a + b, 0);
    const fusion = s.fused.map((f) => f.fusion);
    const lifter = s.fused.map((f) => f.lifter).filter(Number.isFinite);
    const a = attribute(s);
    return `| ${where} | ${backend} | ${s.seconds.toFixed(0)} | ${(s.sets / s.seconds).toFixed(1)} | ${(s.fused.length / s.seconds).toFixed(1)} | ${d.length} | ${total.toFixed(0)} | ${f1(quantile(d, 0.5))} | ${f1(d.length ? Math.max(...d) : NaN)} | ${a.tasks} | ${a.fusionMs.toFixed(0)} | ${(a.mainFusionMs / Math.max(1, s.fused.length)).toFixed(2)} | ${f1(quantile(fusion, 0.5))} / ${f1(quantile(fusion, 0.9))} | ${f1(quantile(lifter, 0.5))} |`;
  } catch (e) {
    return `| ${where} | – | failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]} |`;
  } finally {
    await page.close();
  }
}

async function backendRows(): Promise<string[]> {
  const rows: string[] = [];
  let probe: string[] = [];
  for (const b of ['wasm', 'webgl', 'webgpu']) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      const got = await open(page, `?lifterBackend=${b}`);
      if (!probe.length) {
        const ms = await page.evaluate(() => (window as unknown as { __parallaxFusion: { current: { backend: { measurements: { id: string; medianMs: number | null; maxDiffM: number | null; reason: string | null }[]; reasons: Record<string, string> } } } }).__parallaxFusion.current.backend);
        probe = ms.measurements.map((m) => `| ${m.id} | ${m.medianMs === null ? '–' : m.medianMs.toFixed(1)} | ${m.maxDiffM === null ? (m.id === 'wasm' ? 'reference' : '–') : m.maxDiffM.toExponential(1)} | ${m.reason ?? ms.reasons[m.id] ?? ''} |`);
      }
      if (got !== b) {
        rows.push(`| ${b} | – | – | – | not used: the lifter runs on ${got} (${(await page.getByTestId(`lifter-backend-${b}`).textContent()) ?? ''}) |`);
        continue;
      }
      const s = await sample(page, BACKEND_SECONDS);
      const lifter = s.fused.map((f) => f.lifter).filter(Number.isFinite);
      rows.push(`| ${b} | ${lifter.length} | ${f1(quantile(lifter, 0.5))} | ${f1(quantile(lifter, 0.9))} | |`);
    } catch (e) {
      rows.push(`| ${b} | – | – | – | failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]} |`);
    } finally {
      await page.close();
    }
  }
  return [
    'Start-up measurement in the fusion worker (fixed input: 3 frame sets × 8 views, ms per frame set, median of 5 after 2 warm-up runs):',
    '',
    '| backend | ms per frame set | max difference from wasm (m) | reason not used / note |',
    '| --- | ---: | ---: | --- |',
    ...probe,
    '',
    `Live, the backend forced, 8-camera simulation, lifter time per frame set in the worker over ${BACKEND_SECONDS} s:`,
    '',
    '| backend | frame sets | median ms | p90 ms | note |',
    '| --- | ---: | ---: | ---: | --- |',
    ...rows,
  ];
}

try {
  const version = browser.version();
  console.log(`Chromium ${version}, flags: ${launchArgs.join(' ')}; load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (args.part === 'all' || args.part === 'longtasks') {
    console.log(`\nLong tasks (> 50 ms) on the main thread during ${SECONDS} s of the 8-camera simulation (15 frame sets/s asked):\n`);
    console.log('| fusion in | lifter backend | s | frame sets/s | fused sets/s | long tasks | total ms | median ms | max ms | long tasks with fusion work in them | fusion ms inside long tasks | main-thread fusion ms per set | fusion ms per set (median / p90) | lifter ms per set (median) |');
    console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const w of ['worker', 'main'] as const) console.log(await longTaskRow(w));
  }
  if (args.part === 'all' || args.part === 'backends') {
    console.log('');
    for (const l of await backendRows()) console.log(l);
  }
  console.log(`\nload average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  await browser.close();
  stopServer();
}
