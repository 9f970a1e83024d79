import { expect, test, type Page } from '@playwright/test';

/**
 * Two fake webcams: getUserMedia is replaced by canvas.captureStream() of a 7 x 5 (60 mm) checkerboard rendered in
 * perspective from two virtual cameras. The board jumps between 12 poses and holds each ~0.9 s, like a user
 * posing it, so the wizard's still-and-new snapshot rule fires.
 */
function fakeCameras() {
  const W = 480, H = 360, F = 420;
  const cols = 7, rows = 5, sq = 0.06;
  type V = [number, number, number];
  const sub = (a: V, b: V): V => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
  const cross = (a: V, b: V): V => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const norm = (a: V): V => { const n = Math.hypot(...a); return [a[0] / n, a[1] / n, a[2] / n]; };
  // World: cameras at z = +1.3 looking at the origin, image y down = world −y.
  const lookAt = (eye: V): { R: V[]; t: V } => {
    const z = norm(sub([0, 0, 0], eye));
    const x = norm(cross(z, [0, -1, 0]));
    const y = cross(z, x);
    const R = [x, y, z];
    return { R, t: R.map((r) => -(r[0] * eye[0] + r[1] * eye[1] + r[2] * eye[2])) as V };
  };
  const cams = [lookAt([-0.35, 0.1, 1.3]), lookAt([0.4, -0.05, 1.25])];
  const rot = (ax: number, ay: number, az: number): V[] => {
    const [cx, sx, cy, sy, cz, sz] = [Math.cos(ax), Math.sin(ax), Math.cos(ay), Math.sin(ay), Math.cos(az), Math.sin(az)];
    // Rz · Ry · Rx
    return [
      [cz * cy, cz * sy * sx - sz * cx, cz * sy * cx + sz * sx],
      [sz * cy, sz * sy * sx + cz * cx, sz * sy * cx - cz * sx],
      [-sy, cy * sx, cy * cx],
    ];
  };
  // Board → world: board x = world x, board y = world −y, board z = world −z (facing the cameras), then tilted.
  const poses: Array<{ R: V[]; t: V }> = [];
  const tilts = [[0.35, 0.3, 0.1], [-0.4, 0.2, -0.15], [0.3, -0.45, 0.2], [-0.3, -0.35, -0.1], [0.5, 0.05, 0.3], [0.05, 0.5, -0.25],
    [-0.5, 0.0, 0.15], [0.1, -0.55, 0.0], [0.25, 0.25, -0.3], [-0.2, 0.45, 0.25], [0.45, -0.2, -0.2], [-0.45, -0.15, 0.3]];
  tilts.forEach(([ax, ay, az], i) => {
    const T = rot(ax, ay, az);
    const base: V[] = [[1, 0, 0], [0, -1, 0], [0, 0, -1]];
    const R = T.map((row) => [0, 1, 2].map((j) => row[0] * base[0][j] + row[1] * base[1][j] + row[2] * base[2][j])) as V[];
    const c: V = [0.12 * Math.sin(i * 1.7), 0.08 * Math.cos(i * 2.3), 0.1 * Math.sin(i)];
    const hx = ((cols - 1) * sq) / 2, hy = ((rows - 1) * sq) / 2;
    poses.push({ R, t: [0, 1, 2].map((k) => c[k] - (R[k][0] * hx + R[k][1] * hy)) as V });
  });
  const render = (cam: { R: V[]; t: V }, pose: { R: V[]; t: V }, img: ImageData) => {
    // Board plane → camera: columns r1, r2 and t of the composed transform; pixel = K (x/z, y/z).
    const Rc = cam.R.map((row) => [0, 1, 2].map((j) => row[0] * pose.R[0][j] + row[1] * pose.R[1][j] + row[2] * pose.R[2][j]));
    const tc = cam.R.map((row, k) => row[0] * pose.t[0] + row[1] * pose.t[1] + row[2] * pose.t[2] + cam.t[k]);
    const h = [Rc[0][0], Rc[0][1], tc[0], Rc[1][0], Rc[1][1], tc[1], Rc[2][0], Rc[2][1], tc[2]];
    const det = h[0] * (h[4] * h[8] - h[5] * h[7]) - h[1] * (h[3] * h[8] - h[5] * h[6]) + h[2] * (h[3] * h[7] - h[4] * h[6]);
    const inv = [
      (h[4] * h[8] - h[5] * h[7]) / det, (h[2] * h[7] - h[1] * h[8]) / det, (h[1] * h[5] - h[2] * h[4]) / det,
      (h[5] * h[6] - h[3] * h[8]) / det, (h[0] * h[8] - h[2] * h[6]) / det, (h[2] * h[3] - h[0] * h[5]) / det,
      (h[3] * h[7] - h[4] * h[6]) / det, (h[1] * h[6] - h[0] * h[7]) / det, (h[0] * h[4] - h[1] * h[3]) / det,
    ];
    const lo = -1.6 * sq, hiX = (cols + 0.6) * sq, hiY = (rows + 0.6) * sq;
    const d = img.data;
    for (let py = 0; py < H; py++)
      for (let px = 0; px < W; px++) {
        let acc = 0;
        for (let s = 0; s < 4; s++) {
          const nx = (px + (s & 1) * 0.5 - 0.25 - W / 2) / F, ny = (py + (s >> 1) * 0.5 - 0.25 - H / 2) / F;
          const w = inv[6] * nx + inv[7] * ny + inv[8];
          const u = (inv[0] * nx + inv[1] * ny + inv[2]) / w, v = (inv[3] * nx + inv[4] * ny + inv[5]) / w;
          let g = 90 + 20 * Math.sin(px / 40) * Math.cos(py / 55);
          if (w > 0 && u > lo && v > lo && u < hiX && v < hiY) {
            const i = Math.floor(u / sq), j = Math.floor(v / sq);
            g = i >= -1 && j >= -1 && i < cols && j < rows && ((i + j) & 1) === 0 ? 30 : 220;
          }
          acc += g;
        }
        const o = (py * W + px) * 4;
        d[o] = d[o + 1] = d[o + 2] = acc / 4;
        d[o + 3] = 255;
      }
  };
  const canvases = cams.map(() => Object.assign(document.createElement('canvas'), { width: W, height: H }));
  const frames = cams.map(() => poses.map(() => null as ImageData | null));
  const start = performance.now();
  const draw = () => {
    const k = Math.floor((performance.now() - start) / 900) % poses.length;
    canvases.forEach((cv, c) => {
      const ctx = cv.getContext('2d')!;
      let img = frames[c][k];
      if (!img) {
        img = ctx.createImageData(W, H);
        render(cams[c], poses[k], img);
        frames[c][k] = img;
      }
      ctx.putImageData(img, 0, 0);
    });
  };
  setInterval(draw, 50);
  draw();
  const devices = cams.map((_, i) => ({ deviceId: `fake${i}`, groupId: 'fake', kind: 'videoinput', label: `Fake board camera ${i + 1}`, toJSON() { return this; } }));
  navigator.mediaDevices.enumerateDevices = async () => devices as unknown as MediaDeviceInfo[];
  navigator.mediaDevices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
    const video = constraints?.video as MediaTrackConstraints | undefined;
    const want = (video?.deviceId as { exact?: string } | undefined)?.exact ?? 'fake0';
    return canvases[Number(want.replace('fake', '')) || 0].captureStream(15);
  };
}

async function numberOf(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).textContent());
}

test('calibration wizard: fake cameras with a moving board → intrinsics → extrinsics → floor → saved', async ({ page }) => {
  test.setTimeout(240_000);
  await page.addInitScript(fakeCameras);
  await page.goto('/');
  await page.getByTestId('calib-open').click();
  await expect(page.getByTestId('calib-wizard')).toBeVisible();
  // The default 9 x 6, 25 mm board fits an A4 page at exact scale.
  const svgDownload = page.waitForEvent('download', { timeout: 10_000 });
  await page.getByTestId('board-print-a4').click();
  expect((await svgDownload).suggestedFilename()).toBe('checkerboard-9x6-25mm-A4.svg');

  await page.getByTestId('board-cols').fill('7');
  await page.getByTestId('board-rows').fill('5');
  await page.getByTestId('board-square').fill('60');
  await page.getByTestId('calib-min-views').fill('5');

  await page.getByTestId('calib-start').click();
  await expect(page.getByTestId('calib-camera-count')).toHaveAttribute('data-count', '2');
  await expect.poll(async () => Math.min(await numberOf(page, 'snap-count-0'), await numberOf(page, 'snap-count-1')), { timeout: 90_000 }).toBeGreaterThanOrEqual(5);
  await page.getByTestId('calib-intrinsics-run').click();
  for (const i of [0, 1]) {
    const rms = Number(await page.getByTestId(`calib-intrinsics-rms-${i}`).getAttribute('data-rms'));
    expect(rms).toBeLessThan(0.5);
  }

  await page.getByTestId('calib-to-extrinsics').click();
  await expect.poll(() => numberOf(page, 'calib-extrinsics-count'), { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
  await page.getByTestId('calib-extrinsics-run').click();
  expect(Number(await page.getByTestId('calib-ba-rms').getAttribute('data-rms'))).toBeLessThan(0.5);
  expect(Math.abs(Number(await page.getByTestId('calib-metric').getAttribute('data-error')))).toBeLessThan(1);
  await expect(page.getByTestId('calib-in-use')).toHaveText('Calibration in use: 2 cameras');

  await page.getByTestId('calib-step-world').click();
  await page.getByTestId('calib-floor-capture').click();
  await expect(page.getByTestId('calib-world-status')).toContainText('World frame set', { timeout: 30_000 });

  await page.getByTestId('calib-step-save').click();
  await page.getByTestId('calib-save').click();
  await expect(page.getByTestId('calib-saved')).toBeVisible();
  const stored = await page.evaluate(
    () => new Promise<string>((resolve, reject) => {
      const req = indexedDB.open('parallax-calibration');
      req.onsuccess = () => {
        const get = req.result.transaction('calibration').objectStore('calibration').get('current');
        get.onsuccess = () => resolve(get.result as string);
        get.onerror = () => reject(get.error);
      };
      req.onerror = () => reject(req.error);
    }),
  );
  const file = JSON.parse(stored);
  expect(file.format).toBe('parallax-calibration');
  expect(file.cameras).toHaveLength(2);
  // The two virtual cameras stand 0.75 m apart.
  const centre = (c: { R: number[][]; t: number[] }) => [0, 1, 2].map((j) => -(c.R[0][j] * c.t[0] + c.R[1][j] * c.t[1] + c.R[2][j] * c.t[2]));
  const [a, b] = file.cameras.map(centre);
  expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])).toBeCloseTo(Math.hypot(0.75, 0.15, 0.05), 1);

  const jsonDownload = page.waitForEvent('download');
  await page.getByTestId('calib-download-json').click();
  expect((await jsonDownload).suggestedFilename()).toBe('parallax-calibration.json');

  // A bad file is refused with a message naming the field; the calibration in use is kept.
  await page.getByTestId('calib-upload').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...file, cameras: [{ ...file.cameras[0], K: [[1, 0], [0, 1, 0], [0, 0, 1]] }] })) });
  await expect(page.getByTestId('calib-import-error')).toContainText('cameras.0.K.0');
  await expect(page.getByTestId('calib-in-use')).toHaveText('Calibration in use: 2 cameras');

  await page.goto('/'); // a fresh load of the capture page (the wizard has its own address, #calibrate)
  await page.getByTestId('calib-open').click();
  await expect(page.getByTestId('calib-message')).toContainText('Restored the saved calibration (2 cameras)');
});
