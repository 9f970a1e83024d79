/**
 * Image files → grey images for the calibration CLI and tests, with pure-JS decoders (no native modules).
 * Every read is guarded: a file that is missing, a folder, empty, not a JPEG or PNG whatever its name says,
 * truncated, corrupt, or larger than MAX_IMAGE_PIXELS by its header gives an ImageReadError naming the file; the
 * header's size is checked before anything is decoded, so a small file declaring a huge image costs nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { rgbaToGray, type GrayImage } from '../src/calibration/image';
import { CAMERA_LIMITS } from '../src/geometry/camera-check';

const EXT = new Set(['.jpg', '.jpeg', '.png']);

/** Largest image decoded: 50 megapixels (a 200 MB RGBA buffer), and no side beyond the camera check's limit. */
export const MAX_IMAGE_PIXELS = 50_000_000;
/** Largest image file read, bytes. */
export const MAX_IMAGE_BYTES = 200 * 1024 * 1024;

export class ImageReadError extends Error {
  constructor(readonly path: string, why: string) {
    super(`${path}: ${why}`);
    this.name = 'ImageReadError';
  }
}

type Kind = 'png' | 'jpeg';

/** The format from the file's first bytes; names the formats people mistake for these. */
function sniff(buf: Buffer): Kind | string {
  if (buf.length >= 8 && buf.readUInt32BE(0) === 0x89504e47 && buf.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  const head = buf.subarray(0, 12).toString('latin1');
  if (head.startsWith('GIF8')) return 'a GIF image';
  if (head.startsWith('BM')) return 'a BMP image';
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') return 'a WebP image';
  if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return 'a TIFF image';
  return 'not an image (no JPEG or PNG signature)';
}

/** Width and height from a PNG's IHDR or a JPEG's start-of-frame marker, without decoding; null if absent. */
export function headerSize(buf: Buffer, kind: Kind): { width: number; height: number } | null {
  if (kind === 'png') {
    if (buf.length < 24 || buf.toString('latin1', 12, 16) !== 'IHDR') return null;
    return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  }
  let i = 2;
  while (i + 4 <= buf.length) {
    if (buf[i] !== 0xff) return null;
    const marker = buf[i + 1];
    if (marker === 0xff) { i++; continue; } // fill byte
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { i += 2; continue; }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image or scan data before any frame header
    const len = buf.readUInt16BE(i + 2);
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 9 > buf.length) return null;
      return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
    }
    i += 2 + len;
  }
  return null;
}

export function readGray(path: string): GrayImage {
  let buf: Buffer;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new Error('is a folder, not an image file');
    if (!st.isFile()) throw new Error('is not a regular file');
    if (st.size === 0) throw new Error('is empty (0 bytes)');
    if (st.size > MAX_IMAGE_BYTES) throw new Error(`is ${st.size} bytes, more than the ${MAX_IMAGE_BYTES} an image may have`);
    buf = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ImageReadError(path, err.code === 'ENOENT' ? 'no such file' : err.message);
  }
  const kind = sniff(buf);
  if (kind !== 'png' && kind !== 'jpeg') throw new ImageReadError(path, `${kind}; calibrate reads JPEG and PNG`);
  const size = headerSize(buf, kind);
  if (!size) throw new ImageReadError(path, `truncated or corrupt ${kind.toUpperCase()}: no image size in its header`);
  const { width, height } = size;
  if (width < 1 || height < 1) throw new ImageReadError(path, `its header says ${width}×${height} pixels`);
  if (width > CAMERA_LIMITS.maxSidePx || height > CAMERA_LIMITS.maxSidePx || width * height > MAX_IMAGE_PIXELS)
    throw new ImageReadError(path, `its header says ${width}×${height} pixels, beyond the limit of ${MAX_IMAGE_PIXELS / 1e6} MP and ${CAMERA_LIMITS.maxSidePx} px a side`);
  try {
    if (kind === 'png') {
      const png = PNG.sync.read(buf, { checkCRC: true });
      return rgbaToGray(png.data, png.width, png.height);
    }
    const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6 });
    if (img.width !== width || img.height !== height) throw new Error(`decoded ${img.width}×${img.height}, header says ${width}×${height}`);
    return rgbaToGray(img.data, img.width, img.height);
  } catch (e) {
    throw new ImageReadError(path, `cannot decode the ${kind.toUpperCase()}: ${(e as Error).message}`);
  }
}

/** A file, or a folder's images in name order. */
export function expandImages(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ImageReadError(path, err.code === 'ENOENT' ? 'no such file or folder' : err.message);
  }
  if (st.isDirectory()) {
    // A folder whose name ends in .jpg is still a folder of images, and one of its entries may be a folder.
    return readdirSync(path)
      .filter((f) => EXT.has(extname(f).toLowerCase()))
      .sort()
      .map((f) => join(path, f));
  }
  return [path];
}
