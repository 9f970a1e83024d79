/** npm test's own set-up: which Python and Chromium it uses, what it installs, and the one line it prints otherwise. */
import { describe, expect, it } from 'vitest';
import { missingPins, parsePins, planChromium, planPython, pythonFor, type Installed } from './test-setup.mjs';

const required = parsePins('# pinned\ntorch==2.13.0\nnumpy==2.4.6\npytest==9.0.3\n');
const tools = [parsePins('opensim==4.6\n'), parsePins('bpy==5.0.1  # no deps\n')];
const full: Installed = { torch: '2.13.0+cpu', numpy: '2.4.6', pytest: '9.0.3', opensim: '4.6', bpy: '5.0.1' };
const suiteOnly: Installed = { torch: '2.13.0+cpu', numpy: '2.4.6', pytest: '9.0.3', opensim: null, bpy: null };
const base = { required, tools, root: false, apt: true, venv: null };
const cmdline = (steps: { cmd: string; args: string[] }[]) => steps.map((s) => `${s.cmd} ${s.args.join(' ')}`);

describe('test set-up: Python', () => {
  it('reads pinned requirements and ignores a local version tag', () => {
    expect(parsePins('a==1\n\n# c\nb==2.0 # why\n')).toEqual([{ name: 'a', version: '1' }, { name: 'b', version: '2.0' }]);
    expect(() => parsePins('torch>=2\n')).toThrow(/torch>=2.*not pinned/);
    expect(missingPins(required, full)).toEqual([]);
    expect(missingPins(required, { ...full, numpy: '1.26.4' }).map((p) => p.name)).toEqual(['numpy']);
    expect(missingPins(required, { torch: '2.13.0' }).map((p) => p.name)).toEqual(['numpy', 'pytest']);
  });

  it('uses the system python when it has every package, and makes no venv', () => {
    expect(planPython({ ...base, system: { python: true, venvModule: true, installed: full } })).toEqual({ python: 'system', steps: [] });
  });

  it('makes training/.venv over the system packages when anything is missing; the tools are tried, not required', () => {
    const plan = planPython({ ...base, system: { python: true, venvModule: true, installed: suiteOnly } });
    expect(plan.python).toBe('venv');
    expect(cmdline(plan.steps!)).toEqual([
      'python3 -m venv --system-site-packages training/.venv',
      'training/.venv/bin/python -m pip install -q --disable-pip-version-check -r training/requirements.txt',
      'training/.venv/bin/python -m pip install -q --disable-pip-version-check -r training/requirements-test.txt',
      'training/.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -r training/requirements-blender.txt',
    ]);
    expect(plan.steps!.map((s) => !!s.soft)).toEqual([false, false, true, true]);
  });

  it('keeps a complete venv as it is, and completes one that lacks a tool', () => {
    expect(planPython({ ...base, venv: { installed: full }, system: { python: true, venvModule: true, installed: {} } })).toEqual({ python: 'venv', steps: [] });
    const plan = planPython({ ...base, venv: { installed: { ...full, bpy: null } }, system: { python: true, venvModule: true, installed: {} } });
    expect(cmdline(plan.steps!)).toEqual(['training/.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -r training/requirements-blender.txt']);
  });

  it('makes a broken venv anew', () => {
    const plan = planPython({ ...base, brokenVenv: true, system: { python: true, venvModule: true, installed: {} } });
    expect(cmdline(plan.steps!)[0]).toBe('python3 -m venv --system-site-packages --clear training/.venv');
  });

  it('installs Debian\'s python3 and venv module as root, else says the one command to run', () => {
    const none = { python: false, venvModule: false, installed: {} };
    const asRoot = planPython({ ...base, root: true, system: none });
    expect(cmdline(asRoot.steps!).slice(0, 3)).toEqual(['apt-get update -qq', 'apt-get install -y -qq python3 python3-venv', 'python3 -m venv --system-site-packages training/.venv']);
    expect(planPython({ ...base, system: none }).fail).toBe('Python is not installed: run `sudo apt-get install -y python3 python3-venv`, then `npm test` again.');
    expect(planPython({ ...base, system: { python: true, venvModule: false, installed: { torch: '2.13.0' } } }).fail).toBe(
      'Python lacks its venv module: run `sudo apt-get install -y python3-venv`, then `npm test` again.',
    );
    expect(planPython({ ...base, root: true, apt: false, system: none }).fail).toMatch(/^Python is not installed: run `sudo apt-get/);
  });

  it('runs the suite on the system python when only the tools are missing and no venv can be made, saying so', () => {
    const plan = planPython({ ...base, system: { python: true, venvModule: false, installed: suiteOnly } });
    expect(plan).toMatchObject({ python: 'system', steps: [] });
    expect(plan.warn).toBe('no venv module to install opensim, bpy in: their tests will be skipped (`sudo apt-get install -y python3-venv` brings it)');
    // As root it installs the venv module instead.
    expect(cmdline(planPython({ ...base, root: true, system: { python: true, venvModule: false, installed: suiteOnly } }).steps!)[1]).toBe('apt-get install -y -qq python3-venv');
  });

  it('runs the venv\'s python when there is one', () => {
    expect(pythonFor('/r', (p) => p === '/r/training/.venv/bin/python')).toBe('/r/training/.venv/bin/python');
    expect(pythonFor('/r', () => false)).toBe('python3');
  });
});

describe('test set-up: Chromium', () => {
  const at = (...paths: string[]) => (p: string) => paths.includes(p);
  const c = { env: undefined, playwright: '/cache/ms-playwright/chromium-1/chrome', root: false, apt: true };
  it('takes PARALLAX_CHROMIUM, then Playwright\'s own, then the system\'s', () => {
    expect(planChromium({ ...c, env: '/opt/chr', exists: at('/opt/chr', '/usr/bin/chromium') })).toEqual({ chromium: '/opt/chr', steps: [] });
    expect(planChromium({ ...c, exists: at(c.playwright, '/usr/bin/chromium') })).toEqual({ chromium: c.playwright, steps: [] });
    expect(planChromium({ ...c, exists: at('/usr/bin/chromium') })).toEqual({ chromium: '/usr/bin/chromium', steps: [] });
    expect(planChromium({ ...c, playwright: null, exists: at('/usr/bin/chromium-browser') }).chromium).toBe('/usr/bin/chromium-browser');
  });

  it('names a PARALLAX_CHROMIUM that does not exist instead of looking elsewhere', () => {
    expect(planChromium({ ...c, env: '/nope', exists: at('/usr/bin/chromium') }).fail).toBe('PARALLAX_CHROMIUM=/nope does not exist: point it at a Chromium binary, or unset it.');
  });

  it('installs Debian\'s chromium as root with apt, else says the one command to run', () => {
    expect(cmdline(planChromium({ ...c, root: true, exists: at() }).steps!)).toEqual(['apt-get update -qq', 'apt-get install -y -qq chromium']);
    const fail = planChromium({ ...c, exists: at() }).fail!;
    expect(fail).toMatch(/^No Chromium for the browser tests: run `sudo apt-get install -y chromium`/);
    expect(fail.split('\n')).toHaveLength(1);
    expect(planChromium({ ...c, root: true, apt: false, exists: at() }).fail).toBe(fail);
  });
});
