import { test, expect } from '@playwright/test';
import { APP_LIFTER, secondMethod } from './pixels';

const num = async (page: import('@playwright/test').Page, id: string) => Number(await page.getByTestId(id).textContent());

test('the simulation starts on page load without asking for cameras and shows finite MPJPE for each method', async ({ page, context }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // No permission is granted: the simulation must not need one.
  await context.clearPermissions();
  await page.goto('/');
  await expect(page.getByTestId('simulation-panel')).toContainText('Simulation');
  await expect(page.getByTestId('sim-tiles')).toBeVisible();
  await expect(page.getByTestId('sim-tile-3')).toBeVisible();
  const methods = (await secondMethod(page)) === APP_LIFTER ? [APP_LIFTER, 'robust', 'dlt'] : ['robust', 'dlt'];
  for (const m of methods) {
    // A method may give no pose for one frame set ("—" now); its running mean is always a number.
    await expect(page.getByTestId(`mpjpe-${m}-mean`)).toHaveText(/^\d+(\.\d+)?$/, { timeout: 60_000 });
    await expect
      .poll(async () => Number.isFinite(await num(page, `mpjpe-${m}-current`)), { timeout: 20_000 })
      .toBe(true);
    const mean = await num(page, `mpjpe-${m}-mean`);
    // Millimetres: a working fusion of the simulated detections is within a few cm of the truth.
    expect(mean).toBeGreaterThan(0);
    expect(mean).toBeLessThan(150);
  }
  await expect(page.getByTestId('between')).toContainText(/\d+\.\d mm/);
  // The lifter says how often it stepped aside for robust triangulation (its own error predictions decide).
  if (methods.includes('lifter')) await expect(page.getByTestId('lifter-fallback-count')).toHaveText(/^\d+$/);
  await expect(page.getByTestId('camera-fps')).toContainText('cam4');

  // Dropping all but two cameras keeps the fusion going on two views.
  await page.getByTestId('sim-drop-0').check();
  await page.getByTestId('sim-drop-1').check();
  await expect(page.getByTestId('sim-tile-0')).toBeVisible();
  await page.waitForTimeout(1500);
  await expect(page.getByTestId('mpjpe-robust-current')).toHaveText(/^\d+(\.\d+)?$/);
  // Six cameras: six tiles.
  await page.getByTestId('sim-cameras').fill('6');
  await expect(page.getByTestId('sim-tile-5')).toBeVisible();
  expect(errors).toEqual([]);
});
