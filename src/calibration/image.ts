/** Grey images over typed arrays (0–255 floats), the detector's and the synthetic renderer's currency. */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

export function makeGray(width: number, height: number): GrayImage {
  return { width, height, data: new Float32Array(width * height) };
}

/** RGBA (canvas ImageData, decoded JPEG/PNG) → grey by Rec. 601 luma. */
export function rgbaToGray(rgba: ArrayLike<number>, width: number, height: number, channels = 4): GrayImage {
  const out = makeGray(width, height);
  const d = out.data;
  for (let i = 0, j = 0; i < d.length; i++, j += channels) d[i] = 0.299 * rgba[j] + 0.587 * rgba[j + 1] + 0.114 * rgba[j + 2];
  return out;
}

/** Box-filter downscale by an integer factor (drops the ragged border). */
export function downscale(img: GrayImage, factor: number): GrayImage {
  if (factor <= 1) return img;
  const w = Math.floor(img.width / factor), h = Math.floor(img.height / factor);
  const out = makeGray(w, h);
  const inv = 1 / (factor * factor);
  const src = img.data, W = img.width;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let dy = 0; dy < factor; dy++) {
        const row = (y * factor + dy) * W + x * factor;
        for (let dx = 0; dx < factor; dx++) s += src[row + dx];
      }
      out.data[y * w + x] = s * inv;
    }
  }
  return out;
}

/** Separable Gaussian blur (new image). */
export function gaussianBlur(img: GrayImage, sigma: number): GrayImage {
  if (sigma <= 0) return img;
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  const { width: w, height: h } = img;
  const tmp = new Float32Array(w * h);
  const out = makeGray(w, h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r] * img.data[y * w + Math.min(w - 1, Math.max(0, x + i))];
      tmp[y * w + x] = s;
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r] * tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x];
      out.data[y * w + x] = s;
    }
  return out;
}

/** Bilinear sample with clamping at the border. */
export function sampleBilinear(img: GrayImage, x: number, y: number): number {
  const w = img.width, h = img.height;
  if (x < 0) x = 0; else if (x > w - 1) x = w - 1;
  if (y < 0) y = 0; else if (y > h - 1) y = h - 1;
  const x0 = Math.min(Math.floor(x), w - 2 < 0 ? 0 : w - 2), y0 = Math.min(Math.floor(y), h - 2 < 0 ? 0 : h - 2);
  const fx = x - x0, fy = y - y0;
  const i = y0 * w + x0;
  const d = img.data;
  const a = d[i] + fx * (d[i + 1] - d[i]);
  const b = d[i + w] + fx * (d[i + w + 1] - d[i + w]);
  return a + fy * (b - a);
}
