/** Command-line values shared by the CLIs: strict, bounded numbers (no hex, no "Infinity", no 1e308) and paths. */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';

/** Plain decimal notation only: Number() would also take "0x10", "0b1", " 12 ", "" (as 0) and "Infinity". */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** Largest whole number a count-like flag takes (views, subsets, stride, snapshot index). */
export const MAX_CLI_INTEGER = 1_000_000;

/** A decimal number within [min, max]; the error names the flag and the range. */
export function parseNumber(s: string | undefined, flag: string, range: { min: number; max: number }): number {
  const v = s !== undefined && DECIMAL.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(v) || v < range.min || v > range.max) throw new Error(`${flag}: expected a decimal number in [${range.min}, ${range.max}], got "${s ?? ''}"`);
  return v;
}

/** A whole number within [min, max] (default [0, MAX_CLI_INTEGER]). */
export function parseInteger(s: string | undefined, flag: string, range: { min: number; max: number } = { min: 0, max: MAX_CLI_INTEGER }): number {
  const v = s !== undefined && INTEGER.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(v) || v < range.min || v > range.max) throw new Error(`${flag}: expected a whole number in [${range.min}, ${range.max}], got "${s ?? ''}"`);
  return v;
}

/** "2,3,4" → [2, 3, 4]; anything but positive integers (≤ MAX_CLI_INTEGER) is an error naming the flag. */
export function parsePositiveIntList(s: string, flag: string): number[] {
  const parts = s.split(',').map((x) => x.trim());
  const out = parts.map((x) => (/^\d+$/.test(x) ? Number(x) : NaN));
  if (out.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_CLI_INTEGER))
    throw new Error(`${flag}: expected a comma-separated list of positive integers up to ${MAX_CLI_INTEGER}, got "${s}"`);
  return out;
}

/** The same file or folder given twice (by any spelling: ./a, a/, a link to a) would count as two cameras or takes. */
export function refuseRepeatedPaths(paths: readonly string[], what: string): void {
  const seen = new Map<string, string>();
  for (const p of paths) {
    let key: string;
    try {
      key = realpathSync(p);
    } catch {
      key = resolve(p); // a missing path is reported by whoever reads it
    }
    const first = seen.get(key);
    if (first !== undefined) throw new Error(`${p}: the same ${what} as ${first}, given twice`);
    seen.set(key, p);
  }
}
