import { test, expect, type Page } from '@playwright/test';
import { APP_LIFTER, countColours, secondMethod } from './pixels';
import { METHOD_COLORS } from '../src/viewer/styles';

interface Drawn {
  person: number;
  label: string;
  colour: string;
  methods: string[];
  labelAt: [number, number, number] | null;
  screen: { x: number; y: number } | null;
}

const drawn = (page: Page) =>
  page.evaluate(() => (window as unknown as { __parallaxView: { drawnPeople(): Drawn[] } }).__parallaxView.drawnPeople());

/** Pauses on a frame set where the view draws `n` people, each with every method of `ids`. */
async function pauseWithPeople(page: Page, n: number, ids: string[]): Promise<Drawn[]> {
  for (let attempt = 0; attempt < 60; attempt++) {
    await page.getByTestId('sim-toggle').click(); // pause
    await page.waitForTimeout(200);
    const d = await drawn(page);
    // Labels not overlapping on screen, so one does not cover another in the pixel checks.
    const apart = d.every((p, i) => d.every((q, k) => k <= i || !p.screen || !q.screen || Math.abs(p.screen.x - q.screen.x) > 45 || Math.abs(p.screen.y - q.screen.y) > 24));
    if (d.length === n && d.every((p) => ids.every((id) => p.methods.includes(id)) && p.screen) && apart) {
      await page.waitForTimeout(300);
      return d;
    }
    await page.getByTestId('sim-toggle').click(); // resume
    await page.waitForTimeout(300);
  }
  throw new Error(`no frame set with ${n} people drawn by ${ids.join(', ')}`);
}

test('the simulation with three figures shows three labelled skeletons per method, with finite errors per person', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/'); // the default lifter, the temporal one: an instance per person, each with its own past
  const second = await secondMethod(page);
  const methods = second === APP_LIFTER ? [APP_LIFTER, 'robust'] : ['robust'];
  await expect(page.getByTestId('mpjpe-robust-mean')).toHaveText(/^\d+(\.\d+)?$/, { timeout: 60_000 });
  await page.getByTestId('sim-people').fill('3');
  await expect(page.getByTestId('sim-people-value')).toHaveText('3');

  // Three people tracked, each with a row of finite MPJPE per method against its matched figure.
  await expect(page.getByTestId('mpjpe-people').locator('tbody tr')).toHaveCount(3, { timeout: 30_000 });
  await expect
    .poll(async () => {
      const table = page.getByTestId('mpjpe-people');
      const cells = await Promise.all(methods.map((m) => table.locator(`tbody tr td[data-testid$="-${m}"]`).allTextContents()));
      return cells.every((c) => c.length === 3 && c.every((x) => Number.isFinite(Number(x)) && Number(x) > 0 && Number(x) < 200));
    }, { timeout: 20_000 })
    .toBe(true);
  const rows = await page.getByTestId('mpjpe-people').locator('tbody tr').allTextContents();
  expect(new Set(rows.map((r) => /figure (\d)/.exec(r)?.[1])).size).toBe(3); // three different figures matched

  // Closer in, so the three labels stand apart on screen for the pixel checks below.
  const view = (await page.getByTestId('viewer-canvas').boundingBox())!;
  await page.mouse.move(view.x + view.width / 2, view.y + view.height / 2);
  for (let k = 0; k < 4; k++) await page.mouse.wheel(0, -300);
  const people = await pauseWithPeople(page, 3, methods);
  expect(new Set(people.map((p) => p.label)).size).toBe(3);
  for (const p of people) expect(p.label).toMatch(/^P\d+$/);
  const canvas = page.getByTestId('viewer-canvas');
  const box = (await canvas.boundingBox())!;
  for (const p of people) {
    expect(p.screen!.x).toBeGreaterThan(0);
    expect(p.screen!.x).toBeLessThan(box.width);
    expect(p.screen!.y).toBeGreaterThan(0);
    expect(p.screen!.y).toBeLessThan(box.height);
  }
  const png = await canvas.screenshot({ path: info.outputPath('three-people.png') });
  const colours: Record<string, string> = Object.fromEntries(methods.map((m) => [m, METHOD_COLORS[m]]));
  for (const p of people) colours[p.label] = p.colour;
  const counts = await countColours(page, png, colours);
  // Every person's label patch is on screen in its colour; the method colours show several skeletons' worth.
  for (const p of people) expect(counts[p.label], `${p.label} label pixels`).toBeGreaterThan(60);
  for (const m of methods) expect(counts[m], `${m} pixels`).toBeGreaterThan(600);
  // The label sits where the hook says: its colour at (or right around) the label's centre.
  const around = await page.evaluate(
    async ({ b64, pts }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const g = c.getContext('2d')!;
      g.drawImage(bmp, 0, 0);
      return pts.map(({ x, y, hex }) => {
        const d = g.getImageData(Math.round(x) - 12, Math.round(y) - 8, 24, 16).data;
        const r = parseInt(hex.slice(1, 3), 16), gg = parseInt(hex.slice(3, 5), 16), b = parseInt(hex.slice(5, 7), 16);
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r) <= 12 && Math.abs(d[i + 1] - gg) <= 12 && Math.abs(d[i + 2] - b) <= 12) n++;
        return n;
      });
    },
    { b64: png.toString('base64'), pts: people.map((p) => ({ x: p.screen!.x, y: p.screen!.y, hex: p.colour })) },
  );
  for (const n of around) expect(n).toBeGreaterThan(10);

  // Identities hold over a pause: resumed for a moment and paused again, each label is nearest its own body.
  await page.getByTestId('sim-toggle').click(); // resume
  await page.waitForTimeout(250);
  await page.getByTestId('sim-toggle').click(); // pause
  await page.waitForTimeout(300);
  const again = (await drawn(page)).filter((p) => p.labelAt);
  const d2 = (a: number[], b: number[]) => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2;
  for (const p of people) {
    if (!p.labelAt || !again.length) continue;
    const nearest = again.reduce((best, q) => (d2(q.labelAt!, p.labelAt!) < d2(best.labelAt!, p.labelAt!) ? q : best));
    expect(nearest.label, `${p.label} after a pause`).toBe(p.label);
  }
  // The tiles draw every person's reprojection with finite errors.
  await page.screenshot({ path: info.outputPath('app.png') });
  // Back to one figure: one person, the single-person path.
  await page.getByTestId('sim-toggle').click();
  await page.getByTestId('sim-people').fill('1');
  await expect(page.getByTestId('mpjpe-people')).toHaveCount(0, { timeout: 10_000 });
  await expect.poll(async () => (await drawn(page)).length, { timeout: 10_000 }).toBe(1);
  expect(errors).toEqual([]);
});
