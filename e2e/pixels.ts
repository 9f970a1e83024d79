import { expect, type Page } from '@playwright/test';

/**
 * Counts, in a PNG screenshot, the pixels within `tol` (per channel) of each colour. The PNG is decoded by the
 * page's own image decoder, so the test reads the pixels exactly as captured.
 */
export async function countColours(page: Page, png: Buffer, colours: Record<string, string>, tol = 12): Promise<Record<string, number>> {
  return page.evaluate(
    async ({ b64, colours, tol }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const g = c.getContext('2d')!;
      g.drawImage(bmp, 0, 0);
      const d = g.getImageData(0, 0, bmp.width, bmp.height).data;
      const targets = Object.entries(colours).map(([k, hex]) => [k, parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)] as const);
      const out: Record<string, number> = Object.fromEntries(targets.map(([k]) => [k, 0]));
      for (let i = 0; i < d.length; i += 4) {
        for (const [k, r, gg, b] of targets) {
          if (Math.abs(d[i] - r) <= tol && Math.abs(d[i + 1] - gg) <= tol && Math.abs(d[i + 2] - b) <= tol) out[k]++;
        }
      }
      return out;
    },
    { b64: png.toString('base64'), colours, tol },
  );
}

/** The lifter the app runs by default (src/app/app-fusion.ts APP_LIFTER): the temporal one. */
export const APP_LIFTER = 'lifter-temporal';

/** Which method draws the second skeleton: the lifter once it has loaded, DLT while it is unavailable. */
export async function secondMethod(page: Page, lifter: string = APP_LIFTER): Promise<string> {
  await expect(page.getByTestId(`legend-${lifter}`)).not.toContainText('loading', { timeout: 60_000 });
  return (await page.getByTestId('lifter-unavailable').count()) === 0 ? lifter : 'dlt';
}

/**
 * Pauses the simulation on a frame set where every listed method has a pose (a method may give none for a frame,
 * e.g. too few usable views), and waits for the view to draw it.
 */
export async function pauseWithPoses(page: Page, ids: string[]): Promise<void> {
  for (let attempt = 0; attempt < 30; attempt++) {
    await page.getByTestId('sim-toggle').click(); // pause
    await page.waitForTimeout(150);
    const ok = await page.evaluate((ids) => {
      const v = (window as unknown as { __parallaxView: { current(): { people: Array<{ poses: Record<string, unknown> }> } | null } }).__parallaxView;
      const f = v.current();
      return !!f && ids.every((id) => !!f.people[0]?.poses[id]);
    }, ids);
    if (ok) {
      await page.waitForTimeout(300);
      return;
    }
    await page.getByTestId('sim-toggle').click(); // resume
    await page.waitForTimeout(250);
  }
  throw new Error(`no frame set with poses from all of ${ids.join(', ')}`);
}
