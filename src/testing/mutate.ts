/**
 * Random damage to valid files for the property tests of every reader (fast-check): a value replaced by a nasty
 * one (absurd finite numbers, wrong types, "__proto__"), a key or element removed or repeated, the text cut short,
 * a slice deleted, a number token replaced. Test-only.
 */
import fc from 'fast-check';

/** Values a file from a careless tool may hold where a number, a string or an array belongs. */
export const NASTY_VALUES: unknown[] = [
  0, -0, -1, 1, 0.5, 1.5, 17, 1e-300, 5e-324, -1e-300, 1e20, 1e305, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, -(2 ** 53),
  '', 'x', '1', '0x10', 'NaN', 'Infinity', null, true, false, [], {}, [1, 2], [[1, 2, 3]], { __proto__: null, a: 1 }, '__proto__',
];
const NASTY_NUMBER_TEXT = ['0', '-1', '1e308', '-1e308', '1e-300', '1e999', 'NaN', 'Infinity', '0x10', '1.5', '99999999999999999999', '', '"x"', 'null', '[]'];

type Path = (string | number)[];

function paths(v: unknown, prefix: Path = [], out: Path[] = [], limit = 4000): Path[] {
  if (out.length >= limit) return out;
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([...prefix, i]), paths(x, [...prefix, i], out, limit)));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) (out.push([...prefix, k]), paths((v as Record<string, unknown>)[k], [...prefix, k], out, limit));
  return out;
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> {
  let o = root as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) o = o[p] as Record<string | number, unknown>;
  return o;
}

/** One to three random edits of a JSON value (a fresh copy each time). */
export function mutatedJson(valid: unknown): fc.Arbitrary<unknown> {
  const all = paths(valid);
  const edit = fc.record({
    at: fc.nat({ max: all.length - 1 }),
    kind: fc.constantFrom('replace', 'replace', 'replace', 'delete', 'repeat', 'proto'),
    value: fc.oneof(fc.constantFrom(...NASTY_VALUES), fc.double(), fc.integer(), fc.string({ maxLength: 4 })),
  });
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
    const root = structuredClone(valid);
    for (const e of edits) {
      const known = paths(root);
      const path = known[e.at % known.length];
      if (!path) continue;
      const parent = parentOf(root, path);
      const key = path[path.length - 1];
      if (e.kind === 'replace') parent[key] = structuredClone(e.value);
      else if (e.kind === 'delete') Array.isArray(parent) ? parent.splice(key as number, 1) : delete parent[key];
      else if (e.kind === 'repeat' && Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(parent[key as number]));
      else if (e.kind === 'proto' && !Array.isArray(parent)) Object.defineProperty(parent, '__proto__', { value: structuredClone(e.value), enumerable: true, configurable: true, writable: true });
    }
    return root;
  });
}

/** One to three random edits of a text (cut, slice deleted, number token replaced, line repeated, BOM). */
export function mutatedText(valid: string): fc.Arbitrary<string> {
  const numbers = [...valid.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g)].map((m) => [m.index!, m[0].length] as const);
  const edit = fc.record({
    kind: fc.constantFrom('number', 'number', 'number', 'cut', 'delete', 'repeatLine', 'bom'),
    at: fc.nat(),
    len: fc.nat({ max: 40 }),
    token: fc.constantFrom(...NASTY_NUMBER_TEXT),
  });
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
    let t = valid;
    for (const e of edits) {
      const pos = e.at % Math.max(1, t.length);
      if (e.kind === 'number' && numbers.length) {
        const [i, n] = numbers[e.at % numbers.length];
        if (i + n <= t.length) t = t.slice(0, i) + e.token + t.slice(i + n);
      } else if (e.kind === 'cut') t = t.slice(0, pos);
      else if (e.kind === 'delete') t = t.slice(0, pos) + t.slice(pos + e.len);
      else if (e.kind === 'repeatLine') {
        const lines = t.split('\n');
        const k = e.at % lines.length;
        lines.splice(k, 0, lines[k]);
        t = lines.join('\n');
      } else if (e.kind === 'bom') t = '\uFEFF' + t;
    }
    return t;
  });
}

/** Every number reachable in v (typed arrays included) is finite; returns the first path that is not, or null. */
export function firstNonFinite(v: unknown, path = '', seen = new Set<unknown>()): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? null : path || '(root)';
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = v as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return `${path}[${i}]`;
    return null;
  }
  if (!v || typeof v !== 'object' || seen.has(v)) return null;
  seen.add(v);
  for (const [k, x] of Object.entries(v)) {
    const bad = firstNonFinite(x, `${path}.${k}`, seen);
    if (bad) return bad;
  }
  return null;
}

/** A reader's failure as the property tests accept it: an Error of the reader's own, never TypeError & co. */
export function isReaderError(e: unknown): e is Error {
  return e instanceof Error && !(e instanceof TypeError) && !(e instanceof RangeError) && !(e instanceof ReferenceError) && !(e instanceof SyntaxError);
}
