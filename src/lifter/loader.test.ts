/**
 * The lifter loader checks values and layout, not only shapes (issue 12): finite weights, unique tensor names,
 * tensors inside the file and apart, a plain weights file name, config values within bounds; each refused with the
 * reason. Uses the small parity network of __fixtures__.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLifterNetFromDir } from './load-node';
import { netFromParts, parseManifest, weightsFileName } from './manifest';

const FIX = join(__dirname, '__fixtures__');
const manifest = () => JSON.parse(readFileSync(join(FIX, 'parity-manifest.json'), 'utf8'));
const weights = () => {
  const buf = readFileSync(join(FIX, 'parity-weights.bin'));
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
};

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('the lifter loader refuses bad values and layouts', () => {
  it('loads the fixture as it is', () => {
    netFromParts(manifest(), weights()).dispose();
  });

  it('NaN or Inf weights, naming the tensor and index', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const w = weights();
      const m = manifest();
      new Float32Array(w, m.tensors[5].offset, 4)[2] = bad;
      expect(() => netFromParts(m, w)).toThrow(new RegExp(`tensor "${m.tensors[5].name}"\\[2\\] is ${bad}, not a finite number`));
    }
  });

  it('a duplicate tensor name instead of silently replacing the first', () => {
    const m = manifest();
    m.tensors[7].name = m.tensors[2].name;
    expect(() => parseManifest(m)).toThrow(`tensors.7.name: "${m.tensors[2].name}" is also tensors.2`);
  });

  it('overlapping and out-of-range tensors', () => {
    const m = manifest();
    m.tensors[4].offset = m.tensors[3].offset + 4;
    expect(() => parseManifest(m)).toThrow(/tensors\.4 \("spatial\.0\.ln1\.weight"\) overlaps tensors\.3 \("inp\.bias"\)/);
    const far = manifest();
    far.tensors[1].offset = far.byte_length;
    expect(() => parseManifest(far)).toThrow(/tensors\.1 \(".+"\): bytes \d+–\d+ lie outside the 30612 of parity-weights\.bin/);
    const odd = manifest();
    odd.tensors[1].offset += 2;
    expect(() => parseManifest(odd)).toThrow(/tensors\.1\.offset/);
  });

  it('a weights name that is not a plain file name, before anything is read', async () => {
    for (const name of ['../weights.bin', '/etc/passwd', 'sub/w.bin', '..', 'a\\b.bin', 'https://x.example/w.bin', '']) {
      const m = manifest();
      m.weights = name;
      expect(() => parseManifest(m), name).toThrow(/weights: .*plain file name/);
      expect(() => weightsFileName(m), name).toThrow(/plain file name/);
    }
    const dir = mkdtempSync(join(tmpdir(), 'parallax-lifter-'));
    const m = manifest();
    m.weights = '../parity-weights.bin';
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    await expect(loadLifterNetFromDir(dir)).rejects.toThrow(/"\.\.\/parity-weights\.bin" is not a plain file name/);
  });

  it('config values out of bounds (n_spatial 1e7 would hang building blocks)', () => {
    const cases: [string, unknown, RegExp][] = [
      ['n_spatial', 1e7, /config\.n_spatial: Too big/],
      ['dim', 1e9, /config\.dim: Too big/],
      ['heads', 0, /config\.heads/],
      ['ln_eps', -1, /config\.ln_eps/],
      ['out_scale', 1e308, /config\.out_scale/],
    ];
    for (const [k, v, msg] of cases) {
      const m = manifest();
      m.config[k] = v;
      const t0 = performance.now();
      expect(() => parseManifest(m), k).toThrow(msg);
      expect(performance.now() - t0).toBeLessThan(1000);
    }
    const m = manifest();
    m.config.heads = 3;
    expect(() => parseManifest(m)).toThrow(/config\.dim: 16 is not a multiple of config\.heads 3/);
  });

  it('loads from a folder with a byte-order mark on the manifest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-lifter-'));
    writeFileSync(join(dir, 'parity-manifest.json'), '\uFEFF' + readFileSync(join(FIX, 'parity-manifest.json'), 'utf8'));
    copyFileSync(join(FIX, 'parity-weights.bin'), join(dir, 'parity-weights.bin'));
    (await loadLifterNetFromDir(dir, 'parity-')).dispose();
  });
});
