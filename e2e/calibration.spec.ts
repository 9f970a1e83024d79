import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { boardCameras } from './fixtures/board-cameras';

async function numberOf(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).textContent());
}

async function shot(page: Page, info: TestInfo, name: string) {
  const body = await page.screenshot({ path: info.outputPath(`${name}.png`) });
  await info.attach(name, { body, contentType: 'image/png' });
}

/** The 3D view's frustums: the camera names it draws (read from the running view, as the pixels cannot name them). */
async function frustumNames(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const v = (window as unknown as { __parallaxView?: { frustums: { cameras: { name: string }[] | null } } }).__parallaxView;
    return v?.frustums.cameras?.map((c) => c.name) ?? [];
  });
}

test('calibration wizard, journey (d): rendered board streams → lenses → pairs → floor → summary → use → frustums in 3D', async ({ page }, info) => {
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(boardCameras, { unrelated: false });
  await page.goto('/');
  await expect(page.getByTestId('status-source')).toHaveAttribute('data-phase', 'running', { timeout: 30_000 }); // the simulation runs
  await page.getByTestId('calib-open').click();
  const wizard = page.getByTestId('calib-wizard');
  await expect(wizard).toBeVisible();
  // Its own page over the app, not pushing it down; the simulation beneath is paused.
  const box = (await wizard.boundingBox())!;
  expect([box.x, box.y, box.width, box.height]).toEqual([0, 0, 1280, 800]);
  await expect(page.getByTestId('status-source')).toHaveAttribute('data-phase', 'paused', { timeout: 10_000 });
  // Steps in order: nothing past the first is open, and the closed ones say why.
  await expect(page.getByTestId('calib-step-intrinsics')).toBeDisabled();
  await expect(page.getByTestId('calib-step-summary')).toHaveAttribute('title', /first finish/);
  await expect(page.getByTestId('calib-needs')).toContainText('open the cameras (two or more)');

  // The default 9 x 6, 25 mm board fits an A4 page at exact scale; the page says where it went.
  const svgDownload = page.waitForEvent('download', { timeout: 10_000 });
  await page.getByTestId('board-print-a4').click();
  expect((await svgDownload).suggestedFilename()).toBe('checkerboard-9x6-25mm-A4.svg');
  await expect(page.getByTestId('board-print-status')).toContainText("Saved checkerboard-9x6-25mm-A4.svg to your browser's downloads folder");
  await page.getByTestId('board-cols').fill('7');
  await page.getByTestId('board-rows').fill('5');
  await page.getByTestId('board-square').fill('60');
  // The fixture's 12 poses give camera 2 only 4 that are 30 px apart (as before this wizard): 4 views, the lens minimum.
  await page.getByTestId('calib-min-views').fill('4');
  await page.getByTestId('calib-min-shared').fill('4');
  await shot(page, info, '1-board');

  await page.getByTestId('calib-start').click();
  await expect(page.getByTestId('calib-camera-count')).toHaveAttribute('data-count', '2');
  await expect(wizard).toHaveAttribute('data-step', 'intrinsics');
  // Before enough snapshots, the buttons say why they cannot be pressed.
  await expect(page.getByTestId('calib-intrinsics-run-why')).toContainText('needs 4 snapshots per camera');
  await expect(page.getByTestId('calib-next-pairs-why')).toContainText(/show the board to Fake board camera \d: \d\/4 snapshots/);
  await expect(page.getByTestId('calib-needs')).toContainText(/show the board to Fake board camera \d: \d\/4 snapshots/);
  await shot(page, info, '2-lenses-collecting');
  await expect.poll(async () => Math.min(await numberOf(page, 'snap-count-0'), await numberOf(page, 'snap-count-1')), { timeout: 90_000 }).toBeGreaterThanOrEqual(4);
  await page.getByTestId('calib-intrinsics-run').click();
  for (const i of [0, 1]) expect(Number(await page.getByTestId(`calib-intrinsics-rms-${i}`).getAttribute('data-rms'))).toBeLessThan(0.5);
  await shot(page, info, '3-lenses-done');

  await page.getByTestId('calib-next-pairs').click();
  await expect(wizard).toHaveAttribute('data-step', 'pairs');
  await expect(page.getByTestId('calib-needs')).toContainText(/show the board to Fake board camera 1 and Fake board camera 2 together: [0-3]\/4 shared views/);
  await expect(page.getByTestId('calib-extrinsics-run-why')).toContainText('show the board to Fake board camera 1 and Fake board camera 2 together');
  await expect.poll(() => page.getByTestId('calib-pair-0-1').getAttribute('data-confirmed').then(Number), { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
  await expect(page.getByTestId('calib-needs')).toContainText('every camera is linked: press "Compute extrinsics"');
  await page.getByTestId('calib-extrinsics-run').click();
  expect(Number(await page.getByTestId('calib-ba-rms').getAttribute('data-rms'))).toBeLessThan(0.5);
  expect(Math.abs(Number(await page.getByTestId('calib-metric').getAttribute('data-error')))).toBeLessThan(1);
  await shot(page, info, '4-pairs');

  await page.getByTestId('calib-next-floor').click();
  await expect(page.getByTestId('calib-next-summary-why')).toContainText('lay the board flat on the floor');
  await page.getByTestId('calib-floor-capture').click();
  await expect(page.getByTestId('calib-world-status')).toContainText('World frame set', { timeout: 30_000 });
  await shot(page, info, '5-floor');

  await page.getByTestId('calib-next-summary').click();
  await expect(page.getByTestId('calib-summary')).toBeVisible();
  for (const i of [0, 1]) {
    const row = page.getByTestId(`calib-summary-cam-${i}`);
    expect(Number(await row.getAttribute('data-lens-rms'))).toBeLessThan(0.5);
    expect(Number(await row.getAttribute('data-rig-rms'))).toBeLessThan(0.5);
    await expect(row).toContainText('✓');
  }
  await expect(page.getByTestId('calib-summary-board')).toContainText('printed 60 mm');
  await expect(page.getByTestId('calib-summary-pairs')).toContainText(/Linked pairs: Fake board camera 1–Fake board camera 2 \(\d+ views\)/);
  await expect(page.getByTestId('calib-summary-floor')).toContainText('Floor: set');
  await page.getByTestId('calib-save').click();
  await expect(page.getByTestId('calib-summary-note')).toContainText('Saved in this browser');
  const jsonDownload = page.waitForEvent('download');
  await page.getByTestId('calib-download-json').click();
  const file = JSON.parse(await (await jsonDownload).createReadStream().then(async (s) => {
    const chunks: Buffer[] = [];
    for await (const c of s) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }));
  await expect(page.getByTestId('calib-summary-note')).toContainText("Saved parallax-calibration.json to your browser's downloads folder");
  expect(file.format).toBe('parallax-calibration');
  expect(file.cameras).toHaveLength(2);
  // The two virtual cameras stand 0.75 m apart.
  const centre = (c: { R: number[][]; t: number[] }) => [0, 1, 2].map((j) => -(c.R[0][j] * c.t[0] + c.R[1][j] * c.t[1] + c.R[2][j] * c.t[2]));
  const [a, b] = file.cameras.map(centre);
  expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])).toBeCloseTo(Math.hypot(0.75, 0.15, 0.05), 1);
  await shot(page, info, '6-summary');

  // "Use this calibration": back to capture with it; its cameras are the 3D view's frustums. The simulation stops:
  // it would film a virtual figure with the user's rig, which is not the user's capture.
  await page.getByTestId('calib-use').click();
  await expect(wizard).toHaveCount(0);
  await expect.poll(() => frustumNames(page)).toEqual(['Fake board camera 1', 'Fake board camera 2']);
  await page.waitForTimeout(2500);
  await expect(page.getByTestId('status-source')).not.toHaveAttribute('data-phase', 'running');
  await expect(page.getByTestId('status-sets-rate')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText('NaN');
  await shot(page, info, '7-capture-with-calibration');

  // Next time: the saved calibration is offered; a bad file is refused naming the field, and nothing changes.
  await page.goto('/'); // a fresh load of the capture page (the wizard has its own address, #calibrate)
  await page.getByTestId('calib-open').click();
  await expect(page.getByTestId('calib-saved-info')).toContainText('Saved in this browser: 2 cameras (Fake board camera 1, Fake board camera 2)');
  const bad = { ...file, cameras: [{ ...file.cameras[0], K: [[1, 0], [0, 1, 0], [0, 0, 1]] }] };
  await page.getByTestId('calib-upload').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  await expect(page.getByTestId('calib-import-error')).toContainText('cameras.0.K.0');
  await expect(page.getByTestId('calib-use-loaded')).toHaveCount(0);
  await page.getByTestId('calib-use-saved').click();
  await expect.poll(() => frustumNames(page)).toEqual(['Fake board camera 1', 'Fake board camera 2']);
  expect(errors).toEqual([]);
});
