import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Issue 12: a bad calibration file loaded in the app is refused with a message naming the file, the camera and
 * the field, and the calibration in use (the session's) stays exactly as it was.
 */
const DIR = '../shared/data/pose2sim-demo/calibration';
const TOML = readFileSync(join(DIR, 'Calib_qualisys.toml'), 'utf8');
const QCA = readFileSync(join(DIR, 'Calib.qca.txt'), 'utf8');

/** The calibration in use, as the session holds it: names and every number of K, dist, R and t. */
function camerasInUse(page: Page) {
  return page.evaluate(() => {
    type C = { name: string; width: number; height: number; K: Float64Array; dist: Float64Array; R: Float64Array; t: Float64Array };
    const s = (window as unknown as { __parallaxSession?: { getSnapshot(): { calibration: { cameras: C[] } | null } } }).__parallaxSession;
    return (s?.getSnapshot().calibration?.cameras ?? []).map((c) => ({ name: c.name, size: [c.width, c.height], K: Array.from(c.K), dist: Array.from(c.dist), R: Array.from(c.R), t: Array.from(c.t) }));
  });
}

test('a bad calibration file leaves the calibration in use untouched and says why', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await page.getByTestId('calib-open').click();
  await page.getByTestId('calib-upload').setInputFiles({ name: 'Calib_qualisys.toml', mimeType: 'application/toml', buffer: Buffer.from(TOML) });
  await expect(page.getByTestId('calib-loaded')).toContainText('Calib_qualisys.toml: 4 cameras (cam_01, cam_02, cam_03, cam_04)');
  await page.getByTestId('calib-use-loaded').click();
  await expect.poll(async () => (await camerasInUse(page)).map((c) => c.name)).toEqual(['cam_01', 'cam_02', 'cam_03', 'cam_04']);
  const before = await camerasInUse(page);

  const json = {
    format: 'parallax-calibration', version: 1, created: 'x',
    cameras: before.map((c) => ({ name: c.name, width: c.size[0], height: c.size[1], K: [c.K.slice(0, 3), c.K.slice(3, 6), c.K.slice(6)], dist: c.dist, R: [c.R.slice(0, 3), c.R.slice(3, 6), c.R.slice(6)], t: c.t })),
  };
  const reflected = structuredClone(json);
  reflected.cameras[2].R[2] = reflected.cameras[2].R[2].map((v) => -v);
  const bad: [string, string, RegExp][] = [
    // The readers accepted each of these before issue 12; the truncated .qca silently lost its last camera.
    ['zero-width.toml', TOML.replace(/size = \[ 1088\.0, 1920\.0,?\s*\]/, 'size = [ 0.0, 1920.0 ]'), /^zero-width\.toml: camera "cam_01" \(cameras\[0\]\): width: 0 is not a whole number of pixels/],
    ['cut.qca.txt', QCA.slice(0, QCA.lastIndexOf('<intrinsic')), /^cut\.qca\.txt: qca: 4 <camera> elements, only 3 complete: the file is truncated$/],
    ['reflected.json', JSON.stringify(reflected), /^reflected\.json: camera "cam_03" \(cameras\[2\]\): R: a reflection, not a rotation/],
    ['negative-focal.toml', TOML.replace(/matrix = \[ \[ ([\d.]+)/, 'matrix = [ [ -$1'), /^negative-focal\.toml: camera "cam_01" \(cameras\[0\]\): K\[0\]\[0\] \(fx\): focal length -/],
  ];
  await page.getByTestId('calib-open').click();
  for (const [name, text, msg] of bad) {
    expect(text, name).not.toBe(name.endsWith('.toml') ? TOML : QCA);
    await page.getByTestId('calib-upload').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
    await expect(page.getByTestId('calib-import-error')).toHaveText(msg);
    await expect(page.getByTestId('calib-import-error')).toBeVisible();
    await expect(page.getByTestId('calib-use-loaded')).toHaveCount(0); // nothing to use: the file was refused whole
    expect(await camerasInUse(page), name).toEqual(before);
    if (name === 'cut.qca.txt') await page.locator('.wz-card', { has: page.getByTestId('calib-upload') }).screenshot({ path: 'test-results/bad-calibration-wizard.png' });
  }
  await page.getByTestId('calib-close').click();
  expect(await camerasInUse(page)).toEqual(before);

  // The camera panel's import uses the same readers and says the rig in use is kept.
  await page.getByTestId('capture-calibration-file').setInputFiles({ name: 'dup.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...json, cameras: [json.cameras[0], json.cameras[1], { ...json.cameras[2], name: 'cam_01' }] })) });
  const alert = page.getByTestId('capture-calibration');
  await expect(alert).toHaveAttribute('role', 'alert');
  await expect(alert).toContainText('dup.json: camera "cam_01" (cameras[2]): name: duplicate camera name (also cameras[0])');
  await expect(page.getByTestId('capture-calibration-kept')).toHaveText('Not loaded; the calibration in use is unchanged: 4 cameras (cam_01, cam_02, cam_03, cam_04).');
  expect(await camerasInUse(page)).toEqual(before);
  await page.getByTestId('camera-panel').screenshot({ path: 'test-results/bad-calibration-panel.png' });
  expect(errors).toEqual([]);
});
