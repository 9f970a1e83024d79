/**
 * The calibration wizard refuses what would spoil a calibration: two cameras each shown their own board, still at the
 * same moments, are never counted as shared views (checked by geometry), and every blocked step says why.
 */
import { expect, test, type Page } from '@playwright/test';
import { boardCameras } from './fixtures/board-cameras';

async function numberOf(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).textContent());
}

test('two cameras shown unrelated boards are not linked; the blocked steps say why; closing resumes the simulation', async ({ page }, info) => {
  test.setTimeout(180_000);
  await page.addInitScript(boardCameras, { unrelated: true });
  await page.goto('/');
  await expect(page.getByTestId('status-source')).toHaveAttribute('data-phase', 'running', { timeout: 30_000 }); // the simulation runs
  await page.getByTestId('calib-open').click();
  await page.getByTestId('board-cols').fill('7');
  await page.getByTestId('board-rows').fill('5');
  await page.getByTestId('board-square').fill('60');
  await page.getByTestId('calib-min-views').fill('4');
  await page.getByTestId('calib-min-shared').fill('3');
  await page.getByTestId('calib-start').click();
  await expect.poll(async () => Math.min(await numberOf(page, 'snap-count-0'), await numberOf(page, 'snap-count-1')), { timeout: 90_000 }).toBeGreaterThanOrEqual(4);
  await page.getByTestId('calib-intrinsics-run').click();
  await page.getByTestId('calib-next-pairs').click();

  // Both cameras hold still together again and again (the old rule counted each as shared), on different poses.
  await expect.poll(() => numberOf(page, 'calib-extrinsics-seen'), { timeout: 60_000 }).toBeGreaterThanOrEqual(6);
  const pair = page.getByTestId('calib-pair-0-1');
  await expect(pair).toHaveAttribute('data-confirmed', '0');
  await expect(pair).toContainText('views disagree: not the same board pose');
  expect(await numberOf(page, 'calib-extrinsics-count')).toBe(0);
  await expect(page.getByTestId('calib-extrinsics-run')).toBeDisabled();
  await expect(page.getByTestId('calib-extrinsics-run')).toHaveAttribute('title', 'show the board to Fake board camera 1 and Fake board camera 2 together: 0/3 shared views');
  await expect(page.getByTestId('calib-extrinsics-run-why')).toHaveText('show the board to Fake board camera 1 and Fake board camera 2 together: 0/3 shared views');
  await expect(page.getByTestId('calib-next-floor')).toBeDisabled();
  await expect(page.getByTestId('calib-next-floor-why')).toContainText('0/3 shared views');
  await expect(page.getByTestId('calib-step-floor')).toBeDisabled();
  await expect(page.getByTestId('calib-step-floor')).toHaveAttribute('title', 'first finish "Camera pairs"');
  await page.screenshot({ path: info.outputPath('unrelated-boards.png') });

  // Leaving without a calibration changes nothing and lets the simulation go on.
  await page.getByTestId('calib-close').click();
  await expect(page.getByTestId('calib-wizard')).toHaveCount(0);
  await expect(page.getByTestId('status-source')).toHaveAttribute('data-phase', 'running', { timeout: 20_000 }); // the simulation runs
});
