import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

/** Chromium: PARALLAX_CHROMIUM if set, else Playwright's own if installed, else Debian's. */
function chromiumPath(): string | undefined {
  if (process.env.PARALLAX_CHROMIUM) return process.env.PARALLAX_CHROMIUM;
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
  return undefined; // Playwright's bundled browser, if one was installed with `npx playwright install`.
}

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * The preview server's port: PARALLAX_E2E_PORT, else one derived from the checkout's path, so two checkouts on one
 * machine never reuse each other's server (outside CI an existing server on the port is reused).
 */
function port(): number {
  const fromEnv = Number(process.env.PARALLAX_E2E_PORT);
  if (Number.isInteger(fromEnv) && fromEnv > 1024 && fromEnv < 65536) return fromEnv;
  let h = 0;
  for (const ch of process.cwd()) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 4319 + (h % 600);
}
const PORT = port();

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? 'list' : 'list',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: { executablePath: chromiumPath(), args: chromiumArgs },
    viewport: { width: 1280, height: 800 },
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
