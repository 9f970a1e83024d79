/**
 * npm run bench:tables -- [takes dir = bench-out/takes] [--methods dlt,robust,lifter] [--lifter lifter]
 *   [--baseline robust] [--views 2,3,4,6,8] [--max-subsets 4] [--stride 1] [--json raw.json] [--out tables.md]
 *
 * The lifter benchmark tables of issues 5 and 8, as markdown, from the takes `npm run bench:takes` writes: MPJPE
 * by rig and view count against the issue-5 targets, the dropped-view take, and the issue-8 conditions table.
 * Takes are grouped by their meta (condition, rig), never by file name. Every method of src/eval/methods.ts is
 * run unless --methods says otherwise; one that cannot load (e.g. the lifter without weights) is skipped and named.
 */
import { parsePositiveIntList } from './lib/args';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FusionMethod } from '../src/fusion/types';
import { createMethods, KNOWN_METHOD_IDS } from '../src/eval/methods';
import { parseTake, TakeError } from '../src/take/take';
import { benchRows, formatMarkdown, withSameJoints, type BenchTake } from './lib/bench-tables';

const usage =
  'usage: npm run bench:tables -- [takes dir] [--methods dlt,robust,lifter] [--lifter lifter] [--baseline robust] [--views 2,3,4,6,8] [--max-subsets 4] [--stride 1] [--json raw.json] [--out tables.md]';

async function loadMethods(ids: readonly string[], explicit: boolean): Promise<{ methods: FusionMethod[]; unavailable: Record<string, string> }> {
  const methods: FusionMethod[] = [];
  const unavailable: Record<string, string> = {};
  for (const id of ids) {
    try {
      methods.push(...(await createMethods([id])));
    } catch (e) {
      if (explicit) throw e;
      unavailable[id] = (e as Error).message;
    }
  }
  return { methods, unavailable };
}

function readTakes(dir: string): BenchTake[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new Error(`${dir}: cannot read the folder (make it with npm run bench:takes): ${(e as Error).message}`);
  }
  const files = names.filter((n) => n.endsWith('.json') && n !== 'index.json').sort();
  if (files.length === 0) throw new Error(`${dir}: no take files (make them with npm run bench:takes)`);
  return files.map((file) => {
    try {
      return { file, take: parseTake(readFileSync(join(dir, file), 'utf8')) };
    } catch (e) {
      throw new Error(`${join(dir, file)}: ${e instanceof TakeError ? e.message : (e as Error).message}`);
    }
  });
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      methods: { type: 'string' },
      lifter: { type: 'string', default: 'lifter' },
      baseline: { type: 'string', default: 'robust' },
      views: { type: 'string', default: '2,3,4,6,8' },
      'max-subsets': { type: 'string', default: '4' },
      stride: { type: 'string', default: '1' },
      json: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length > 1) throw new Error('give at most one takes folder');
  const dir = positionals[0] ?? 'bench-out/takes';
  const opts = {
    rigViews: parsePositiveIntList(values.views!, '--views'),
    maxSubsets: parsePositiveIntList(values['max-subsets']!, '--max-subsets')[0],
    stride: parsePositiveIntList(values.stride!, '--stride')[0],
  };
  const takes = readTakes(dir);
  const ids = values.methods ? values.methods.split(',').map((s) => s.trim()).filter(Boolean) : [...KNOWN_METHOD_IDS];
  const { methods, unavailable } = await loadMethods(ids, values.methods !== undefined);
  for (const [id, why] of Object.entries(unavailable)) console.error(`bench:tables: method "${id}" skipped: ${why}`);
  if (methods.length === 0) throw new Error('no method could be loaded');
  const t0 = performance.now();
  const scored = withSameJoints(methods, values.lifter!, values.baseline!);
  const rows = await benchRows(takes, scored, opts, (msg) => console.error(`  ${msg}`));
  for (const m of scored) m.dispose?.();
  const settings = { dir, ...opts, lifter: values.lifter!, baseline: values.baseline!, seconds: Math.round((performance.now() - t0) / 100) / 10 };
  const header =
    `<!-- npm run bench:tables -- ${argv.join(' ')} · ${takes.length} takes · max ${opts.maxSubsets} camera subsets per view count` +
    `${opts.stride > 1 ? ` · every ${opts.stride}th frame` : ''} · ${settings.seconds} s -->\n` +
    (Object.keys(unavailable).length ? `\nNot run: ${Object.entries(unavailable).map(([id, why]) => `${id} (${why})`).join('; ')}\n` : '');
  // The method under test first, then the others in registry order.
  const ids2 = methods.map((m) => m.id).sort((a, b) => Number(b === values.lifter) - Number(a === values.lifter));
  const md = header + '\n' + formatMarkdown(rows, { lifter: values.lifter!, baseline: values.baseline!, methods: ids2 });
  console.log(md);
  if (values.out) writeFileSync(values.out, md);
  if (values.json) writeFileSync(values.json, JSON.stringify({ settings, methods: scored.map((m) => m.id), unavailable, rows }, null, 2));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`bench:tables: ${(e as Error).message}\n${usage}`);
    process.exit(2);
  },
);
