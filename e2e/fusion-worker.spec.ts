import { test, expect, type Page } from '@playwright/test';
import { APP_LIFTER, countColours, pauseWithPoses } from './pixels';
import { METHOD_COLORS } from '../src/viewer/styles';

/** The newest fused frame set's time and whether each listed method's pose there is finite (null: no frame set yet). */
async function latest(page: Page, ids: string[]): Promise<{ time: number; finite: Record<string, boolean> } | null> {
  return page.evaluate((ids) => {
    type Pose = { joints: Float64Array } | null;
    const s = (window as unknown as { __parallaxSession: { fused: { latest(): { frame: { time: number }; people: Array<{ poses: Record<string, Pose> }> } | null } } }).__parallaxSession;
    const f = s.fused.latest();
    if (!f) return null;
    const finite = Object.fromEntries(ids.map((id) => {
      const p = f.people[0]?.poses[id];
      return [id, !!p && p.joints.length === 51 && Array.from(p.joints).every(Number.isFinite)];
    }));
    return { time: f.frame.time, finite };
  }, ids);
}

/** Fused frame sets keep coming with a finite pose from every listed method. */
async function keepsFusing(page: Page, ids: string[]) {
  let first: number | null = null;
  await expect
    .poll(async () => {
      const l = await latest(page, ids);
      if (!l || !ids.every((id) => l.finite[id])) return false;
      first ??= l.time;
      return l.time > first + 0.5;
    }, { timeout: 30_000, intervals: [250] })
    .toBe(true);
}

test('fusion runs in its worker with a measured lifter backend; switching backends and a worker crash keep it going', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const logs: string[] = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  await page.goto('/');

  const where = page.getByTestId('status-fusion');
  await expect(where).toHaveAttribute('data-where', 'worker');
  await expect(where).toHaveText('fusion: worker');
  const lifter = page.getByTestId('status-lifter');
  // Measured at start: every backend is listed with a time or the reason it could not run.
  await expect(lifter).toHaveAttribute('data-backend', /^(webgpu|webgl|wasm)$/, { timeout: 90_000 });
  await expect(lifter).toHaveText(/^lifter-temporal: (webgpu|webgl|wasm) \d+\.\d ms$/, { timeout: 20_000 });
  const chosen = (await lifter.getAttribute('data-backend'))!;
  const list = page.getByTestId('lifter-backends');
  for (const id of ['webgpu', 'webgl', 'wasm']) await expect(list.getByTestId(`lifter-backend-${id}`)).toBeVisible();
  await expect(list.getByTestId(`lifter-backend-${chosen}`)).toHaveAttribute('data-chosen', 'yes');
  const lines = await list.locator('li').allTextContents();
  console.log(`lifter backends (chosen ${chosen}):\n  ${lines.join('\n  ')}`);
  // wasm, the reference, always runs; every backend not in use says why.
  expect(Number(await list.getByTestId('lifter-backend-wasm').getAttribute('data-ms'))).toBeGreaterThan(0);
  for (const l of lines) if (!l.includes('in use')) expect(l).toMatch(/ · \S/);

  for (const m of [APP_LIFTER, 'robust', 'dlt']) await expect(page.getByTestId(`mpjpe-${m}-mean`)).toHaveText(/^\d+(\.\d+)?$/, { timeout: 60_000 });
  await keepsFusing(page, [APP_LIFTER, 'robust', 'dlt']);

  // Forcing another backend moves the lifter there (WebGL here is SwiftShader, slow but exact); then back to wasm.
  const glMs = await list.getByTestId('lifter-backend-webgl').getAttribute('data-ms');
  if (glMs !== null && chosen !== 'webgl') {
    await page.getByTestId('lifter-backend-select').selectOption('webgl');
    await expect(lifter).toHaveAttribute('data-backend', 'webgl', { timeout: 60_000 });
    await keepsFusing(page, [APP_LIFTER, 'robust']);
  } else {
    console.log(`webgl ${glMs === null ? 'cannot run here' : 'is already in use'}: the switch goes to wasm only`);
  }
  await page.getByTestId('lifter-backend-select').selectOption('wasm');
  await expect(lifter).toHaveAttribute('data-backend', 'wasm', { timeout: 60_000 });
  await expect(lifter).toHaveText(/^lifter-temporal: wasm \d+\.\d ms$/);
  await expect(page.getByTestId('lifter-backend-wasm')).toHaveAttribute('data-chosen', 'yes');
  await keepsFusing(page, [APP_LIFTER, 'robust']);

  // Skeletons are drawn from the worker's poses.
  await pauseWithPoses(page, ['robust', APP_LIFTER]);
  const canvas = page.getByTestId('viewer-canvas');
  const counts = await countColours(page, await canvas.screenshot(), { robust: METHOD_COLORS.robust, lifter: METHOD_COLORS[APP_LIFTER] });
  console.log('pixels by colour:', counts);
  expect(counts.robust).toBeGreaterThan(40);
  expect(counts.lifter).toBeGreaterThan(40);
  await page.screenshot({ path: info.outputPath('fusion-worker.png') });
  await page.getByTestId('sim-toggle').click(); // resume

  // A crashed worker: the app says so and fuses on the main thread, the lifter included.
  await page.evaluate(() => (window as unknown as { __parallaxFusion: { crashWorkerForTest(): void } }).__parallaxFusion.crashWorkerForTest());
  await expect(where).toHaveAttribute('data-where', 'main');
  await expect(where).toHaveText('fusion: main thread (the worker crashed)');
  await expect(where).toHaveAttribute('title', /crash requested/);
  await expect(lifter).toHaveText(/^lifter-temporal: wasm \d+\.\d ms$/, { timeout: 60_000 });
  await keepsFusing(page, [APP_LIFTER, 'robust', 'dlt']);
  await page.screenshot({ path: info.outputPath('fusion-main-after-crash.png') });
  expect(errors).toEqual([]);
  expect(logs.filter((l) => l.startsWith('error:') && !l.includes('fusion worker crashed'))).toEqual([]);
});
