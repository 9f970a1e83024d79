import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFiles, installFromTarball, readLock, verifyFiles, type ModelsLock } from './install-models.mjs';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('model install verification', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'parallax-verify-'));
    mkdirSync(join(dir, 'movenet'));
    writeFileSync(join(dir, 'movenet', 'a.json'), '{"ok":1}');
    writeFileSync(join(dir, 'movenet', 'a.bin'), 'weights');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts files whose sha256 match', () => {
    const entries = { 'movenet/a.json': { sha256: sha('{"ok":1}') }, 'movenet/a.bin': { sha256: sha('weights'), size: 7 } };
    expect(() => verifyFiles(dir, entries)).not.toThrow();
    expect(checkFiles(dir, entries)).toEqual({ missing: [], mismatched: [] });
  });

  it('fails loudly naming the file whose checksum does not match', () => {
    writeFileSync(join(dir, 'movenet', 'a.bin'), 'weightz'); // same size, other content
    const entries = { 'movenet/a.json': { sha256: sha('{"ok":1}') }, 'movenet/a.bin': { sha256: sha('weights'), size: 7 } };
    expect(() => verifyFiles(dir, entries)).toThrow(/movenet\/a\.bin: checksum mismatch/);
    expect(() => verifyFiles(dir, entries)).not.toThrow(/a\.json/);
  });

  it('names missing files', () => {
    expect(() => verifyFiles(dir, { 'blazepose/x.bin': { sha256: sha('') } })).toThrow(/blazepose\/x\.bin: missing/);
  });

  it('refuses a tarball whose member does not match the lock and installs nothing', () => {
    const pkg = join(dir, 'pkg');
    mkdirSync(join(pkg, 'package', 'models'), { recursive: true });
    writeFileSync(join(pkg, 'package', 'models', 'm.json'), 'tampered');
    const tarball = join(dir, 'm.tgz');
    execFileSync('tar', ['-czf', tarball, '-C', pkg, 'package']);
    const lock: ModelsLock = { package: 'x', version: '1', files: { 'movenet/m.json': { from: 'package/models/m.json', sha256: sha('original') } } };
    const out = join(dir, 'out');
    expect(() => installFromTarball(lock, tarball, out)).toThrow(/package\/models\/m\.json: checksum mismatch/);
    expect(existsSync(join(out, 'movenet', 'm.json'))).toBe(false);
  });

  it('the committed lock lists the seven models with sha256s', () => {
    const lock = readLock();
    const names = Object.keys(lock.files);
    for (const m of ['movenet-lightning', 'movenet-thunder', 'movenet-multipose', 'blazepose-detector', 'blazepose-lite', 'blazepose-full', 'blazepose-heavy']) {
      expect(names.some((n) => n.endsWith(`${m}.json`))).toBe(true);
      expect(names.some((n) => n.endsWith(`${m}.bin`))).toBe(true);
    }
  });
});
