import { test, expect } from '@playwright/test';
import { APP_LIFTER, countColours, pauseWithPoses, secondMethod } from './pixels';
import { METHOD_COLORS } from '../src/viewer/styles';

test('the 3D view renders both skeletons in their colours, the truth, frustums and the legend', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  const canvas = page.getByTestId('viewer-canvas');
  await expect(canvas).toBeVisible();
  const legend = page.getByTestId('legend');
  await expect(legend).toBeVisible();
  for (const id of [APP_LIFTER, 'robust', 'dlt', 'gt']) await expect(page.getByTestId(`legend-${id}`)).toBeVisible();
  // The lifter once loaded, DLT while it is unavailable, draws the second skeleton.
  const second = await secondMethod(page);
  // Fused poses are flowing once the MPJPE row of robust triangulation shows a number.
  await expect(page.getByTestId('mpjpe-robust-current')).toHaveText(/^\d+(\.\d+)?$/, { timeout: 60_000 });
  await pauseWithPoses(page, ['robust', second]);

  const png = await canvas.screenshot();
  await info.attach('viewer.png', { body: png, contentType: 'image/png' });
  const counts = await countColours(page, png, { robust: METHOD_COLORS.robust, second: METHOD_COLORS[second], gt: METHOD_COLORS.gt, bg: '#15171c' });
  console.log(`pixels by colour (second skeleton = ${second}):`, counts);
  expect(counts.bg).toBeGreaterThan(10_000); // the scene is drawn (cleared to its background)
  expect(counts.robust).toBeGreaterThan(40);
  expect(counts.second).toBeGreaterThan(40);

  // Hiding the robust skeleton removes its colour from the canvas: the pixels come from that skeleton.
  await page.getByTestId('legend-robust').locator('input').uncheck();
  await page.waitForTimeout(700);
  const hidden = await countColours(page, await canvas.screenshot(), { robust: METHOD_COLORS.robust });
  expect(hidden.robust).toBeLessThan(counts.robust / 4);
  await page.getByTestId('legend-robust').locator('input').check();

  // Side by side keeps both colours on screen.
  await page.getByTestId('layout').selectOption('side');
  await page.waitForTimeout(700);
  const side = await countColours(page, await canvas.screenshot(), { robust: METHOD_COLORS.robust, second: METHOD_COLORS[second] });
  expect(side.robust).toBeGreaterThan(40);
  expect(side.second).toBeGreaterThan(40);
  await page.screenshot({ path: info.outputPath('app.png') });
  expect(errors).toEqual([]);
});
