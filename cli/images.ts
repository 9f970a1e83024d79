/** Image files → grey images for the calibration CLI and tests, with pure-JS decoders (no native modules). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { rgbaToGray, type GrayImage } from '../src/calibration/image';

const EXT = new Set(['.jpg', '.jpeg', '.png']);

export function readGray(path: string): GrayImage {
  const buf = readFileSync(path);
  const ext = extname(path).toLowerCase();
  if (ext === '.png') {
    const png = PNG.sync.read(buf);
    return rgbaToGray(png.data, png.width, png.height);
  }
  const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
  return rgbaToGray(img.data, img.width, img.height);
}

/** A file, or a folder's images in name order. */
export function expandImages(path: string): string[] {
  if (statSync(path).isDirectory())
    return readdirSync(path)
      .filter((f) => EXT.has(extname(f).toLowerCase()))
      .sort()
      .map((f) => join(path, f));
  return [path];
}
