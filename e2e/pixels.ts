import type { Page } from '@playwright/test';

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
