/** Command-line values shared by the CLIs. */

/** "2,3,4" → [2, 3, 4]; anything but positive integers is an error naming the flag. */
export function parsePositiveIntList(s: string, flag: string): number[] {
  const out = s.split(',').map((x) => Number(x.trim()));
  if (out.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${flag}: expected a comma-separated list of positive integers, got "${s}"`);
  return out;
}
