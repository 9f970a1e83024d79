import { test, expect, type Page } from '@playwright/test';
import { readFile, writeFile } from 'node:fs/promises';
import { parseMultiTake } from '../src/take/multi';
import { readTakePoses } from '../src/record/take-poses';
import { personLabel } from '../src/people/label';
import { parseBvh } from '../src/export/bvh-reader';

interface Drawn {
  person: number;
  label: string;
  methods: string[];
}
const drawn = (page: Page) => page.evaluate(() => (window as unknown as { __parallaxView: { drawnPeople(): Drawn[] } }).__parallaxView.drawnPeople());

async function download(page: Page, testId: string, count = 1): Promise<{ name: string; text: string }[]> {
  const got: { name: string; text: string }[] = [];
  const all = new Promise<void>((resolve) => {
    page.on('download', async function onDl(dl) {
      got.push({ name: dl.suggestedFilename(), text: await readFile((await dl.path())!, 'utf8') });
      if (got.length === count) {
        page.off('download', onDl);
        resolve();
      }
    });
  });
  await page.getByTestId(testId).click();
  await all;
  return got.sort((a, b) => a.name.localeCompare(b.name));
}

test('three simulated people recorded, saved as a version 2 take, exported per person, loaded back and replayed with three labelled skeletons', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/?lifter=lifter'); // per person the app runs the single-frame lifter (as the multi-person spec)
  await expect(page.getByTestId('mpjpe-robust-mean')).toHaveText(/^\d+(\.\d+)?$/, { timeout: 60_000 });
  await page.getByTestId('sim-people').fill('3');
  await expect(page.getByTestId('mpjpe-people').locator('tbody tr')).toHaveCount(3, { timeout: 30_000 });

  // Record a few seconds.
  await page.getByTestId('record-toggle').click();
  await expect(page.getByTestId('record-toggle')).toContainText(/stop \(([4-9]\d|\d{3,}) frames\)/, { timeout: 60_000 });
  await page.getByTestId('record-toggle').click();
  const takeInfo = page.getByTestId('take-info');
  await expect(takeInfo).toHaveAttribute('data-version', '2');
  await expect(takeInfo).toContainText(/3 people tracked/);

  // The saved take: version 2, three true people with ids, every detection per view, 3D per tracked person.
  const [saved] = await download(page, 'save-take');
  const raw = JSON.parse(saved.text);
  expect(raw.version).toBe(2);
  const take = parseMultiTake(saved.text);
  expect(take.frames.length).toBeGreaterThanOrEqual(40);
  for (const f of take.frames) expect(f.gt!.map((p) => p.id)).toEqual([0, 1, 2]);
  const multiViews = take.frames.filter((f) => f.views.filter((v) => v && v.length >= 2).length >= 2).length;
  expect(multiViews).toBeGreaterThan(take.frames.length * 0.8);
  const poses = readTakePoses(take);
  expect(poses.methods).toEqual(expect.arrayContaining(['robust', 'dlt']));
  const withRobust = poses.people.filter((id) => poses.poses('robust', id).filter(Boolean).length > take.frames.length * 0.5);
  expect(withRobust.length).toBeGreaterThanOrEqual(3);
  await expect(takeInfo).toHaveAttribute('data-people', String(poses.people.length));

  // Export: the person selector lists every tracked person and "all people".
  await page.getByTestId('export-method').selectOption('robust');
  const options = await page.getByTestId('export-person').locator('option').allTextContents();
  expect(options).toEqual(['all people', ...poses.people.map(personLabel)]);
  const exported = poses.people.filter((id) => poses.poses('robust', id).some(Boolean));

  const [csvAll] = await download(page, 'export-csv');
  expect(csvAll.name).toBe('parallax-take-robust-all.csv');
  const rows = csvAll.text.trimEnd().split('\n').slice(2).map((l) => l.split(','));
  expect(csvAll.text.split('\n')[1].startsWith('frame,time,person,nose_x')).toBe(true);
  expect(rows).toHaveLength(take.frames.length * exported.length);
  expect([...new Set(rows.map((r) => r[2]))]).toEqual(exported.map(personLabel));
  expect(csvAll.text).not.toMatch(/NaN/);
  const [trcAll] = await download(page, 'export-trc');
  expect(trcAll.name).toBe('parallax-take-robust-all.trc');
  const markers = trcAll.text.split('\n')[3].split('\t').slice(2).filter(Boolean);
  expect(markers).toHaveLength(17 * exported.length);
  expect(markers[0]).toBe(`${personLabel(exported[0])}_nose`);
  const bvhs = await download(page, 'export-bvh', exported.length);
  expect(bvhs.map((b) => b.name)).toEqual(exported.map((id) => `parallax-take-robust-${personLabel(id)}.bvh`).sort());
  for (const b of bvhs) expect(parseBvh(b.text).motion).toHaveLength(take.frames.length);
  await expect(page.getByTestId('export-done')).toContainText(`parallax-take-robust-${personLabel(exported[0])}.bvh`);

  // One person: that person's rows only, the values the take holds.
  const one = withRobust[1];
  await page.getByTestId('export-person').selectOption(String(one));
  const [csvOne] = await download(page, 'export-csv');
  expect(csvOne.name).toBe(`parallax-take-robust-${personLabel(one)}.csv`);
  const oneRows = csvOne.text.trimEnd().split('\n').slice(2).map((l) => l.split(','));
  expect(oneRows).toHaveLength(take.frames.length);
  const seq = poses.poses('robust', one);
  const f = seq.findIndex(Boolean);
  expect(Number(oneRows[f][2 + 3 * 11 + 1])).toBeCloseTo(seq[f]!.joints[3 * 11 + 1], 4);

  // A file that does not read is refused, naming file, field and frame; the take stays.
  const frames = await takeInfo.getAttribute('data-frames');
  const bad = structuredClone(raw);
  bad.frames[3].views[1] = 'nobody';
  const badPath = info.outputPath('bad.take.json');
  await writeFile(badPath, JSON.stringify(bad));
  await page.getByTestId('take-file').setInputFiles(badPath);
  await expect(page.getByTestId('record-error')).toContainText(/bad\.take\.json: .*frame 3: frames\[3\]\.views\[1\]/);
  await expect(takeInfo).toHaveAttribute('data-frames', frames!);

  // Load the take back and replay it: the multi-person source, associated and tracked again, three labelled people.
  const path = info.outputPath('three.take.json');
  await writeFile(path, saved.text);
  await page.getByTestId('take-file').setInputFiles(path);
  await expect(takeInfo).toContainText('three.take.json');
  await expect(takeInfo).toHaveAttribute('data-version', '2');
  await page.getByTestId('replay-toggle').click();
  await expect(page.getByTestId('status-source')).toContainText('source: take');
  await expect
    .poll(async () => {
      const d = await drawn(page);
      return d.length === 3 && new Set(d.map((p) => p.label)).size === 3 && d.every((p) => /^P\d+$/.test(p.label) && p.methods.includes('robust'));
    }, { timeout: 30_000 })
    .toBe(true);
  await expect(page.getByTestId('mpjpe-people').locator('tbody tr')).toHaveCount(3, { timeout: 20_000 });
  await page.getByTestId('viewer-canvas').screenshot({ path: info.outputPath('replayed-three.png') });

  // The same take as the Camera panel's take source: processed whole, its run is a version 2 take again.
  await page.getByTestId('source-take').check();
  await page.getByTestId('capture-take-file').setInputFiles(path);
  await expect(page.getByTestId('camera-panel')).toHaveAttribute('data-phase', 'finished', { timeout: 30_000 });
  await expect(takeInfo).toContainText('processed take');
  await expect(takeInfo).toHaveAttribute('data-version', '2');
  expect(Number(await takeInfo.getAttribute('data-people'))).toBeGreaterThanOrEqual(3);
  expect(Number(await takeInfo.getAttribute('data-frames'))).toBe(take.frames.length);
  const last = await drawn(page);
  expect(new Set(last.map((p) => p.label)).size).toBe(last.length);
  expect(last.length).toBeGreaterThanOrEqual(2);
  expect(errors).toEqual([]);
});
