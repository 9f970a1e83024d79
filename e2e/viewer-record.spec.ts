import { test, expect } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { parseMultiTake } from '../src/take/multi';
import { takeMethods, takePoses } from '../src/record/take-poses';
import { parseBvh } from '../src/export/bvh-reader';
import { pauseWithPoses, secondMethod } from './pixels';

test('record the simulation, save the take, replay it on a timeline, export CSV/TRC/BVH/JSON', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await expect(page.getByTestId('mpjpe-robust-current')).toHaveText(/^\d/, { timeout: 60_000 });

  await page.getByTestId('record-toggle').click();
  await expect(page.getByTestId('record-toggle')).toContainText(/stop \((1\d|[2-9]\d|\d{3,}) frames\)/, { timeout: 30_000 });
  await page.getByTestId('record-toggle').click();
  await expect(page.getByTestId('take-info')).toContainText('4 cameras');

  const [takeDl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-take').click()]);
  const text = await readFile(await takeDl.path(), 'utf8');
  expect(JSON.parse(text).version).toBe(1); // one person: the take stays version 1
  const take = parseMultiTake(text);
  expect(take.frames.length).toBeGreaterThanOrEqual(10);
  expect(takeMethods(take)).toEqual(expect.arrayContaining(['robust', 'dlt']));
  expect(take.frames.every((f) => f.gt !== null)).toBe(true);
  const robust = takePoses(take, 'robust');
  expect(robust.filter(Boolean).length).toBeGreaterThan(take.frames.length * 0.8);

  // Replay: the take becomes the one source (the simulation stops feeding), the timeline advances.
  await page.getByTestId('replay-toggle').click();
  await expect(page.getByTestId('simulation-panel')).toContainText('(off: the source is take');
  await expect(page.getByTestId('status-source')).toContainText('source: take');
  await expect.poll(async () => Number(await page.getByTestId('timeline').inputValue()), { timeout: 20_000 }).toBeGreaterThan(3);
  await page.getByTestId('replay-toggle').click();
  await page.getByTestId('timeline').fill('2');

  await page.getByTestId('export-method').selectOption('robust');
  await expect(page.getByTestId('export-person')).toHaveCount(0); // one person: nobody to choose
  const read = async (format: string) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${format}`).click()]);
    expect(dl.suggestedFilename()).toBe(`parallax-take-robust.${format}`);
    return readFile(await dl.path(), 'utf8');
  };
  const csv = (await read('csv')).trimEnd().split('\n');
  // The simulation's rig is y up with its floor at y = 0: the CSV and JSON declare it, in the calibration's frame.
  expect(csv[0]).toBe("# frame: calibration; units: m; up: 0 1 0 (+y, from the calibration's floor)");
  expect(csv[1].startsWith('frame,time,nose_x,nose_y,nose_z,left_eye_x')).toBe(true);
  expect(csv).toHaveLength(take.frames.length + 2);
  const trc = (await read('trc')).trimEnd().split('\n');
  expect(trc[0].startsWith('PathFileType\t4')).toBe(true);
  expect(trc.length - 6).toBe(take.frames.length);
  const bvh = parseBvh(await read('bvh'));
  expect(bvh.motion).toHaveLength(take.frames.length);
  const json = JSON.parse(await read('json'));
  expect(json.frames).toHaveLength(take.frames.length);
  expect(json).toMatchObject({ units: 'm', frame: 'calibration', up: [0, 1, 0], upFrom: 'floor' });

  // The simulation can be run again.
  await page.getByTestId('sim-toggle').click();
  await expect(page.getByTestId('simulation-panel')).not.toContainText('(off');
  await expect(page.getByTestId('status-source')).toHaveText('source: simulation');
  expect(errors).toEqual([]);
});

test('hovering a highlighted joint shows the disagreement in cm; trails toggle', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('mpjpe-robust-current')).toHaveText(/^\d/, { timeout: 60_000 });
  await page.getByTestId('trails').check();
  // A 1 cm threshold highlights most joints (the methods always differ by more than that with detector noise).
  await page.getByLabel('disagreement threshold (cm)').fill('1');
  const second = await secondMethod(page);
  await pauseWithPoses(page, ['robust', second]); // the pose stays where we hover
  const canvas = page.getByTestId('viewer-canvas');
  const box = (await canvas.boundingBox())!;
  const found = await page.evaluate((id) => {
    const v = (window as unknown as { __parallaxView: { projectJoint(id: string, j: number): { x: number; y: number } | null } }).__parallaxView;
    return Array.from({ length: 17 }, (_, j) => v.projectJoint(id, j)).filter(Boolean);
  }, second);
  let shown = false;
  for (const p of found) {
    await page.mouse.move(box.x + p!.x, box.y + p!.y);
    if (await page.getByTestId('viewer-tooltip').isVisible()) {
      shown = true;
      break;
    }
  }
  expect(shown).toBe(true);
  await expect(page.getByTestId('viewer-tooltip')).toHaveText(/^[a-z_]+: [\w-]+ vs [\w-]+ \d+\.\d cm$/);
});
