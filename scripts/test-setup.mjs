#!/usr/bin/env node
/**
 * What `npm test` needs beyond `npm install`, prepared before it runs: a Python with the training suite's packages
 * and the real tools the export tests open files in, and a Chromium for the browser tests.
 *
 * Python: the system's python3 when it already has every pinned package; else the project-local training/.venv
 * (made with --system-site-packages, so packages the system has, torch above all, are not downloaded again) with
 * training/requirements.txt, requirements-test.txt and requirements-blender.txt (bpy, without its dependencies: its
 * wheel pins numpy < 2 while the suite pins numpy 2, and Blender's BVH importer does not use numpy). The suite's own
 * packages are required; the tools are tried, and where they do not install (another Python than bpy's 3.11) the
 * tests that need them are skipped with that reason.
 * Chromium: PARALLAX_CHROMIUM, Playwright's own, or the system's (/usr/bin/chromium); as root, Debian's package.
 * Where something is missing and cannot be installed from here, one line says the exact command to run.
 *
 * The decisions are pure functions of what the probes saw (tested in scripts/test-setup.test.ts); main() probes and
 * acts. scripts/python.mjs runs the Python chosen here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const VENV = 'training/.venv';
/** Required: the training suite. */
export const REQUIRED = ['training/requirements.txt'];
/** Tried: the tools the export tests open files in; [file, extra pip flags]. */
export const TOOLS = [['training/requirements-test.txt', []], ['training/requirements-blender.txt', ['--no-deps']]];

/** The project-local Python when it exists, else the system's. */
export function pythonFor(root = ROOT, exists = existsSync) {
  const venv = join(root, VENV, 'bin', 'python');
  return exists(venv) ? venv : 'python3';
}

/** `name==version` lines of a requirements file (comments and blank lines skipped). */
export function parsePins(text) {
  return text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean).map((l) => {
    const m = /^([A-Za-z0-9_.-]+)==([^\s;]+)$/.exec(l);
    if (!m) throw new Error(`requirements: "${l}" is not pinned as name==version`);
    return { name: m[1], version: m[2] };
  });
}

/** Pins not satisfied by installed ({ name: version | null }); a local tag (torch's "+cpu") is ignored. */
export function missingPins(pins, installed) {
  return pins.filter((p) => {
    const v = installed[p.name.toLowerCase()];
    return !v || v.split('+')[0] !== p.version;
  });
}

const pipInstall = (py, file, flags = []) => ({ cmd: py, args: ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', ...flags, '-r', file] });
const apt = (pkgs) => [{ cmd: 'apt-get', args: ['update', '-qq'] }, { cmd: 'apt-get', args: ['install', '-y', '-qq', ...pkgs] }];

/**
 * s: { required: pins[], tools: pins[][] (one list per TOOLS file), system: { python: bool, venvModule: bool,
 * installed }, venv: { installed } | null, brokenVenv: bool, root: bool, apt: bool }.
 * Returns { python: 'system' | 'venv', steps: [{ cmd, args, soft? }], warn? } or { fail: one line }.
 */
export function planPython(s) {
  const venvPy = join(VENV, 'bin', 'python');
  const allTools = s.tools.flat();
  if (s.venv) {
    const steps = [];
    if (missingPins(s.required, s.venv.installed).length) steps.push(pipInstall(venvPy, REQUIRED[0]));
    TOOLS.forEach(([file, flags], i) => {
      if (missingPins(s.tools[i], s.venv.installed).length) steps.push({ ...pipInstall(venvPy, file, flags), soft: true });
    });
    return { python: 'venv', steps };
  }
  if (s.system.python && !missingPins([...s.required, ...allTools], s.system.installed).length) return { python: 'system', steps: [] };
  const steps = [];
  const systemHasSuite = s.system.python && !missingPins(s.required, s.system.installed).length;
  if (systemHasSuite && !s.system.venvModule && !(s.root && s.apt)) {
    // Only the tools are missing, and no venv can be made here: the suite runs, their tests are skipped.
    return { python: 'system', steps: [], warn: `no venv module to install ${allTools.map((p) => p.name).join(', ')} in: their tests will be skipped (\`sudo apt-get install -y python3-venv\` brings it)` };
  }
  if (!s.system.python || !s.system.venvModule) {
    const pkgs = s.system.python ? ['python3-venv'] : ['python3', 'python3-venv'];
    if (!(s.root && s.apt)) return { fail: `Python ${s.system.python ? 'lacks its venv module' : 'is not installed'}: run \`sudo apt-get install -y ${pkgs.join(' ')}\`, then \`npm test\` again.` };
    steps.push(...apt(pkgs));
  }
  // A venv that exists but does not run (made by a Python since removed) is made anew.
  steps.push({ cmd: 'python3', args: ['-m', 'venv', '--system-site-packages', ...(s.brokenVenv ? ['--clear'] : []), VENV] });
  steps.push(pipInstall(venvPy, REQUIRED[0]));
  TOOLS.forEach(([file, flags]) => steps.push({ ...pipInstall(venvPy, file, flags), soft: true }));
  return { python: 'venv', steps };
}

/**
 * s: { env: string | undefined (PARALLAX_CHROMIUM), playwright: string | null (its browser's path), exists(path),
 * root: bool, apt: bool }. Returns { chromium: path, steps: [] }, { steps } to install Debian's, or { fail: one line }.
 */
export function planChromium(s) {
  if (s.env) return s.exists(s.env) ? { chromium: s.env, steps: [] } : { fail: `PARALLAX_CHROMIUM=${s.env} does not exist: point it at a Chromium binary, or unset it.` };
  for (const p of [s.playwright, '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (p && s.exists(p)) return { chromium: p, steps: [] };
  if (s.root && s.apt) return { chromium: '/usr/bin/chromium', steps: apt(['chromium']) };
  return { fail: 'No Chromium for the browser tests: run `sudo apt-get install -y chromium` (or `npx playwright install chromium`, or set PARALLAX_CHROMIUM to a Chromium binary), then `npm test` again.' };
}

// ---- probes and actions ----

const PROBE = `
import importlib.metadata as m, json, sys
out = {}
for n in sys.argv[1:]:
    try: out[n.lower()] = m.version(n)
    except Exception: out[n.lower()] = None
try:
    import venv, ensurepip
    out['__venv__'] = True
except Exception:
    out['__venv__'] = False
print(json.dumps(out))
`;

function probePython(py, names) {
  try {
    return JSON.parse(execFileSync(py, ['-c', PROBE, ...names], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return null;
  }
}

function playwrightChromium() {
  try {
    return createRequire(import.meta.url)('playwright-core').chromium.executablePath() || null;
  } catch {
    return null;
  }
}

function run(step) {
  console.log(`test-setup: ${step.cmd} ${step.args.join(' ')}`);
  const r = spawnSync(step.cmd, step.args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

export function main() {
  const root = process.getuid?.() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  const read = (f) => parsePins(readFileSync(join(ROOT, f), 'utf8'));
  const required = REQUIRED.flatMap(read);
  const tools = TOOLS.map(([f]) => read(f));
  const names = [...required, ...tools.flat()].map((p) => p.name);
  const venvPy = join(ROOT, VENV, 'bin', 'python');
  const venvSeen = existsSync(venvPy) ? probePython(venvPy, names) : null;
  const sys = probePython('python3', names);
  const py = planPython({
    required, tools, root, apt: hasApt,
    system: { python: !!sys, venvModule: !!sys?.__venv__, installed: sys ?? {} },
    venv: venvSeen ? { installed: venvSeen } : null,
    brokenVenv: existsSync(venvPy) && !venvSeen,
  });
  const cr = planChromium({ env: process.env.PARALLAX_CHROMIUM, playwright: playwrightChromium(), exists: existsSync, root, apt: hasApt });
  for (const plan of [py, cr]) {
    if (plan.fail) {
      console.error(`test-setup: ${plan.fail}`);
      process.exit(1);
    }
  }
  if (py.warn) console.warn(`test-setup: ${py.warn}`);
  for (const step of [...py.steps, ...cr.steps]) {
    if (run(step)) continue;
    if (!step.soft) {
      console.error(`test-setup: \`${step.cmd} ${step.args.join(' ')}\` failed; fix the error above and run \`npm test\` again.`);
      process.exit(1);
    }
    console.warn(`test-setup: \`${step.args.at(-1)}\` did not install here; the tests that open exports in that tool will be skipped.`);
  }
  console.log(`test-setup: python ${py.python === 'venv' ? VENV : 'python3 (system)'}; chromium ${cr.chromium}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
