import { test, expect } from '@playwright/test';

test('the built app opens and shows its shell', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await expect(page.getByTestId('app-shell')).toBeVisible();
  await expect(page.getByTestId('camera-panel')).toBeVisible();
  await expect(page.getByTestId('viewer-panel')).toBeVisible();
  await expect(page.getByTestId('status-bar')).toBeVisible();
  await expect(page.locator('h1')).toHaveText('Parallax');
  expect(errors).toEqual([]);
});
