#!/usr/bin/env node
/** Runs the test suite's Python (training/.venv when scripts/test-setup.mjs made one, else python3) with the given arguments. */
import { spawnSync } from 'node:child_process';
import { pythonFor } from './test-setup.mjs';

const r = spawnSync(pythonFor(), process.argv.slice(2), { stdio: 'inherit' });
if (r.error) {
  console.error(`python: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? 1);
