import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Issue 12: a bad calibration file loaded in the app is refused with a message naming the file, the camera and
 * the field, and the calibration in use stays exactly as it was (checked by downloading it before and after).
 */
const DIR = '../shared/data/pose2sim-demo/calibration';
const TOML = readFileSync(join(DIR, 'Calib_qualisys.toml'), 'utf8');
const QCA = readFileSync(join(DIR, 'Calib.qca.txt'), 'utf8');

async function inUseJson(page: Page) {
  const download = page.waitForEvent('download');
  await page.getByTestId('calib-download-json').click();
  const file = JSON.parse(readFileSync((await (await download).path())!, 'utf8'));
  return file.cameras;
}

test('a bad calibration file leaves the calibration in use untouched and says why', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await page.getByTestId('calib-open').click();
  await page.getByTestId('calib-step-save').click();
  await page.getByTestId('calib-upload').setInputFiles({ name: 'Calib_qualisys.toml', mimeType: 'application/toml', buffer: Buffer.from(TOML) });
  await expect(page.getByTestId('calib-in-use')).toHaveText('Calibration in use: 4 cameras');
  const before = await inUseJson(page);
  expect(before.map((c: { name: string }) => c.name)).toEqual(['cam_01', 'cam_02', 'cam_03', 'cam_04']);

  const reflected = { format: 'parallax-calibration', version: 1, created: 'x', cameras: before.map((c: { R: number[][] }, i: number) => (i === 2 ? { ...c, R: [c.R[0], c.R[1], c.R[2].map((v) => -v)] } : c)) };
  const bad: [string, string, RegExp][] = [
    // The readers accepted each of these before issue 12; the truncated .qca silently lost its last camera.
    ['zero-width.toml', TOML.replace(/size = \[ 1088\.0, 1920\.0,?\s*\]/, 'size = [ 0.0, 1920.0 ]'), /^zero-width\.toml: camera "cam_01" \(cameras\[0\]\): width: 0 is not a whole number of pixels/],
    ['cut.qca.txt', QCA.slice(0, QCA.lastIndexOf('<intrinsic')), /^cut\.qca\.txt: qca: 4 <camera> elements open but 3 are complete.*truncated/],
    ['reflected.json', JSON.stringify(reflected), /^reflected\.json: camera "cam_03" \(cameras\[2\]\): R: a reflection, not a rotation/],
    ['negative-focal.toml', TOML.replace(/matrix = \[ \[ ([\d.]+)/, 'matrix = [ [ -$1'), /^negative-focal\.toml: camera "cam_01" \(cameras\[0\]\): K\[0\]\[0\] \(fx\): focal length -/],
  ];
  for (const [name, text, msg] of bad) {
    expect(text, name).not.toBe(name.endsWith('.toml') ? TOML : QCA);
    await page.getByTestId('calib-upload').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
    await expect(page.getByTestId('calib-import-error')).toHaveText(msg);
    await expect(page.getByTestId('calib-import-error')).toBeVisible();
    await expect(page.getByTestId('calib-in-use')).toHaveText('Calibration in use: 4 cameras');
    expect(await inUseJson(page), name).toEqual(before);
    if (name === 'cut.qca.txt') await page.getByTestId('calib-wizard').screenshot({ path: 'test-results/bad-calibration-wizard.png' });
  }

  // The camera panel's import uses the same readers and says the rig in use is kept.
  await page.getByTestId('calib-open').click();
  await page.getByTestId('capture-calibration-file').setInputFiles({ name: 'Calib_qualisys.toml', mimeType: 'application/toml', buffer: Buffer.from(TOML) });
  await expect(page.getByTestId('capture-calibration')).toContainText('4 cameras (cam_01, cam_02, cam_03, cam_04)');
  await page.getByTestId('capture-calibration-file').setInputFiles({ name: 'dup.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...reflected, cameras: [before[0], before[1], { ...before[2], name: 'cam_01' }] })) });
  const alert = page.getByTestId('capture-calibration');
  await expect(alert).toHaveAttribute('role', 'alert');
  await expect(alert).toContainText('dup.json: camera "cam_01" (cameras[2]): name: duplicate camera name (also cameras[0])');
  await expect(page.getByTestId('capture-calibration-kept')).toHaveText('Not loaded; the calibration in use is unchanged: 4 cameras (cam_01, cam_02, cam_03, cam_04).');
  await page.getByTestId('camera-panel').screenshot({ path: 'test-results/bad-calibration-panel.png' });
  expect(errors).toEqual([]);
});
