/**
 * npm run eval -- <take.json> [more takes] [--views 2,3,4] [--methods dlt,robust] [--max-subsets N] [--json out.json]
 *
 * Scores every 3D method on each take against its ground truth, per number of views used. By default: dlt, robust
 * and the lifter (with its triangulation fallback; 'lifter-raw' is the network alone). When the lifter's weights
 * cannot be loaded, the default run says so and scores the others. Takes of version 2 (several people) are scored
 * by the multi-person chain instead (cli/eval-multi.ts, run on them after the others, with --methods and --json;
 * beside version 1 takes its report goes to out.people.json, out.json keeping the version 1 report).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseTake, TakeError } from '../src/take/take';
import { evaluateTake, formatTable, type EvalRow } from '../src/eval/evaluate';
import { parseInteger, parsePositiveIntList, refuseRepeatedPaths } from './lib/args';
import { LIMITS } from '../src/take/limits';
import { ALL_METHOD_IDS, createMethods, KNOWN_METHOD_IDS } from '../src/eval/methods';

const usage = `usage: npm run eval -- <take.json> [more takes] [--views 2,3,4] [--methods ${ALL_METHOD_IDS.join(',')}] (known: ${KNOWN_METHOD_IDS.join(', ')}) [--max-subsets 10] [--json out.json]\n  (takes of version 2, several people, are scored per person as npm run eval:multi does; --views and --max-subsets do not apply to them;
   their --json report goes to out.people.json beside version 1 takes' out.json, to out.json when every take is version 2)`;

/** The take's text, after checking it is a file small enough for JSON.parse to hold (LIMITS.maxTakeBytes). */
function readTakeText(file: string): string {
  const st = statSync(file);
  if (!st.isFile()) throw new Error('not a file');
  if (st.size > LIMITS.maxTakeBytes)
    throw new Error(`${(st.size / 2 ** 20).toFixed(0)} MiB is more than the ${LIMITS.maxTakeBytes / 2 ** 20} MiB a take may have (docs/formats.md); split it into shorter takes`);
  return readFileSync(file, 'utf8');
}

/** Whether a take's text is version 2: its own parse decides, so a file that is not JSON gets the usual error. */
function isVersion2(text: string): boolean {
  try {
    const v = JSON.parse(text.replace(/^\uFEFF/, '')) as { version?: unknown } | null;
    return typeof v === 'object' && v !== null && v.version === 2;
  } catch {
    return false;
  }
}

/**
 * The version 2 takes through the multi-person chain (association, identities, every method per person): person
 * recall and precision, PCP, MPJPE per matched person, identity switches. Its output is this command's. Returns
 * the number of takes it could not score (its exit status says whether any).
 */
function evalSeveralPeople(files: string[], methods: string | undefined, json: string | undefined): number {
  console.log(`\n${files.length} take${files.length > 1 ? 's' : ''} of several people (version 2): the multi-person chain (as npm run eval:multi)`);
  const script = fileURLToPath(new URL('./eval-multi.ts', import.meta.url));
  const args = ['--import', 'tsx', script, ...files, ...(methods ? ['--methods', methods] : []), ...(json ? ['--json', json] : [])];
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  return r.status === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      views: { type: 'string' },
      methods: { type: 'string' },
      'max-subsets': { type: 'string', default: '10' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length === 0) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const viewCounts = values.views ? parsePositiveIntList(values.views, '--views') : undefined;
  const maxSubsets = parseInteger(values['max-subsets'], '--max-subsets', { min: 1, max: 1_000_000 });
  refuseRepeatedPaths(positionals, 'take');
  // Methods named with --methods must load; the default list goes on without an optional one that cannot.
  const methods = await createMethods(values.methods ? values.methods.split(',').map((s) => s.trim()) : undefined, {
    onUnavailable: values.methods ? undefined : (id, why) => console.log(`note: ${id} is not evaluated (${why})`),
  });
  const report: { take: string; frames: number; cameras: string[]; rows: EvalRow[] }[] = [];
  let failed = 0;
  const severalPeople: string[] = [];
  for (const file of positionals) {
    let take;
    try {
      const text = readTakeText(file);
      if (isVersion2(text)) {
        severalPeople.push(file);
        continue;
      }
      take = parseTake(text);
    } catch (e) {
      failed++;
      console.error(`${file}: ${e instanceof TakeError ? e.message : `cannot read: ${(e as Error).message}`}`);
      continue;
    }
    const gtFrames = take.frames.filter((f) => f.gt).length;
    console.log(`\n${file}: ${take.frames.length} frames (${gtFrames} with ground truth), cameras ${take.cameras.map((c) => c.name).join(', ')}`);
    if (gtFrames === 0) {
      console.log('  no ground truth in this take: nothing to score');
      report.push({ take: file, frames: take.frames.length, cameras: take.cameras.map((c) => c.name), rows: [] });
      continue;
    }
    const rows = await evaluateTake(take, methods, { viewCounts, maxSubsets });
    console.log(formatTable(rows));
    report.push({ take: file, frames: take.frames.length, cameras: take.cameras.map((c) => c.name), rows });
  }
  for (const m of methods) m.dispose?.();
  if (severalPeople.length) failed += evalSeveralPeople(severalPeople, values.methods, values.json && report.length ? values.json.replace(/(\.json)?$/, '.people.json') : values.json);
  // A report holds only what was read: when every take failed there is nothing to report, and no file is written.
  if (values.json && report.length === 0 && !severalPeople.length) console.error(`no take could be read: ${values.json} not written`);
  else if (values.json && report.length) {
    writeFileSync(values.json, JSON.stringify({ methods: methods.map((m) => m.id), takes: report }, null, 2));
    console.log(`\nwrote ${values.json}`);
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`eval: ${(e as Error).message}\n${usage}`);
    process.exit(2);
  },
);
