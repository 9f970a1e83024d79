import { test, expect } from '@playwright/test';

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
  await expect(page.getByTestId('legend-lifter')).not.toContainText('loading', { timeout: 60_000 });
  const lifterReady = (await page.getByTestId('lifter-unavailable').count()) === 0;
  const methods = lifterReady ? ['lifter', 'robust', 'dlt'] : ['robust', 'dlt'];
  for (const m of methods) {
    await expect(page.getByTestId(`mpjpe-${m}-current`)).toHaveText(/^\d+(\.\d+)?$/, { timeout: 60_000 });
    await expect(page.getByTestId(`mpjpe-${m}-mean`)).toHaveText(/^\d+(\.\d+)?$/);
    const cur = await num(page, `mpjpe-${m}-current`), mean = await num(page, `mpjpe-${m}-mean`);
    expect(Number.isFinite(cur) && Number.isFinite(mean)).toBe(true);
    // Millimetres: a working fusion of the simulated detections is within a few cm of the truth.
    expect(mean).toBeGreaterThan(0);
    expect(mean).toBeLessThan(150);
  }
  await expect(page.getByTestId('between')).toContainText(/\d+\.\d mm/);
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
