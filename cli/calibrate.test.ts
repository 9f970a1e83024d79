/**
 * npm run calibrate never crashes: each bad image is refused by name with exit status 1, before any decoding
 * when its header declares a huge image; a camera whose intrinsics fail writes nothing; bad options are refused.
 */
import { runCli } from './lib/run-cli';
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

const tmp = () => mkdtempSync(join(tmpdir(), 'parallax-calib-'));

function png(w: number, h: number): Buffer {
  const p = new PNG({ width: w, height: h });
  p.data.fill(200);
  return PNG.sync.write(p);
}

/** A valid PNG header declaring w × h with a tiny (wrong) body: what a decompression bomb looks like up front. */
function pngHeaderOnly(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
}

function run(args: string[]) {
  return runCli('cli/calibrate.ts', args);
}

describe('npm run calibrate never crashes', () => {
  it('names every unreadable image and exits 1 without a stack trace', () => {
    const dir = tmp();
    const good = png(64, 48);
    const jpg = Buffer.from(jpeg.encode({ width: 64, height: 48, data: Buffer.alloc(64 * 48 * 4, 128) }, 90).data);
    const badCrc = Buffer.from(good);
    badCrc[29] ^= 0xff; // inside IHDR's CRC
    const cases: [string, Buffer | 'dir' | 'missing', RegExp][] = [
      ['text.jpg', Buffer.from('hello, not an image\n'), /text\.jpg: not an image \(no JPEG or PNG signature\)/],
      ['empty.jpg', Buffer.alloc(0), /empty\.jpg: is empty \(0 bytes\)/],
      ['cut.jpg', jpg.subarray(0, 20), /cut\.jpg: truncated or corrupt JPEG/],
      ['cut.png', good.subarray(0, 40), /cut\.png: cannot decode the PNG/],
      ['gif.png', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), /gif\.png: a GIF image; calibrate reads JPEG and PNG/],
      ['crc.png', badCrc, /crc\.png: cannot decode the PNG: /],
      ['a.jpg', 'dir', /a\.jpg: is a folder, not an image file/],
      ['missing.jpg', 'missing', /missing\.jpg: no such file/],
      ['bomb.png', pngHeaderOnly(20000, 20000), /bomb\.png: its header says 20000×20000 pixels, beyond the limit of 50 MP/],
      ['bomb2.png', pngHeaderOnly(60000, 60000), /bomb2\.png: its header says 60000×60000 pixels/],
    ];
    for (const [name, content, msg] of cases) {
      const folder = join(dir, `cam_${name}`);
      mkdirSync(folder);
      const path = join(folder, name);
      if (content === 'dir') mkdirSync(path); // inside a camera folder, listed as one of its images
      else if (content !== 'missing') writeFileSync(path, content);
      const out = join(dir, `${name}.out.json`);
      const r = run(['--board', '4x3', content === 'dir' ? folder : path, '--json', out]);
      expect(r.code, `${name}: ${r.out}`).toBe(1);
      expect(r.out, name).toMatch(msg);
      expect(r.out, name).not.toMatch(/\n\s+at /); // no stack trace
      expect(existsSync(out)).toBe(false);
    }
  });

  it('fails intrinsics with the reason and writes no camera; mixed sizes and bad options are named', () => {
    const dir = tmp();
    const cam = join(dir, 'cam1');
    mkdirSync(cam);
    for (const i of [1, 2, 3]) writeFileSync(join(cam, `${i}.png`), png(64, 48));
    const out = join(dir, 'calib.json');
    let r = run(['--board', '4x3', cam, '--json', out]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/camera cam1 .*intrinsics failed: the 4x3 board was found in 0 of 3 images/);
    expect(existsSync(out)).toBe(false);

    const empty = join(dir, 'empty');
    mkdirSync(empty);
    r = run(['--board', '4x3', empty, '--json', out]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/empty: no \.jpg, \.jpeg or \.png images in this folder/);
    expect(existsSync(out)).toBe(false);

    writeFileSync(join(cam, '4.png'), png(80, 48));
    r = run(['--board', '4x3', cam, '--json', out]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/4\.png: 80×48 px, but 1\.png is 64×48: one camera's images must all have one size/);

    for (const [args, msg] of [
      [['--board', '4x3', '--sync', '--floor', 'abc', cam, cam], /--floor: expected a whole number/],
      [['--board', '4x3', '--floor', '0', cam], /--floor .* needs --sync/],
      [['--board', '4x3', cam, `${cam}/`], /the same camera folder as/],
      [['--board', '4x3', cam, '--json'], /--json needs a value/],
      [['--board', '4x3:1e9', cam], /--board must look like/],
      [['--board', '4x3', '--frobnicate', cam], /unknown option --frobnicate/],
    ] as [string[], RegExp][]) {
      r = run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out).toMatch(msg);
    }
  });
});

export { readFileSync };
