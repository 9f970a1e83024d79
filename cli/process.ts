/**
 * npm run process -- --calib CALIB <video per camera…> [-o DIR] [--model movenet-lightning] [--max-side 640]
 *                    [--methods robust,dlt] [--no-sync] [--fill-gaps 0.25] [--filter-hz 6] [--max-frames N]
 * npm run process -- --calib CALIB --detections TAKE [-o DIR] …      (2D already detected: skips the videos)
 * npm run process -- --sessions DIR [-o OUT] …                          (every session folder in DIR, see runSessions)
 * npm run process -- --model movenet-multipose --calib CALIB <videos…> [--min-person-frames 10] …   (several people)
 *
 * Unattended batch processing of a recording, as the app does it: the app's detector on every video (Node, wasm,
 * frames decoded by ffmpeg), synchronisation of the videos from the person's motion, every fusion method of the
 * registry, and a take plus every export format (CSV, JSON, TRC, BVH, C3D) per method in DIR. Videos are given in
 * the calibration's camera order. At the end it lists what it wrote and everything it could not do; the exit code
 * is 0 when every method and export was written, 1 when something was left out, 2 on bad input.
 *
 * With a multi-person model (or --detections of a version-2 take) everyone in every view is detected, associated
 * across views and tracked, and each person gets a sub-folder (P1, P2, … as the app labels them) with their take
 * and every export (cli/lib/process-people.ts); the run ends with a summary of the people found.
 */
import { MAX_CLI_INTEGER, parseInteger, parseNumber } from './lib/args';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCalibrationText } from '../src/calibration/io';
import { DEFAULT_MODEL, isModelId, isMultiPerson, MODEL_IDS, type ModelId } from '../src/detection/models';
import type { Camera } from '../src/geometry/camera';
import { matchCameras } from '../src/io/openpose-import';
import { parseMultiTake, type MultiTake } from '../src/take/multi';
import type { KeypointTrack } from '../src/sync';
import { processDetections, type ProcessOptions, type ProcessReport } from './lib/process-run';
import { processPeople, type PeopleReport, type PeopleTrack } from './lib/process-people';

const usage = `usage: npm run process -- --calib CALIB <video per camera…> [-o DIR] [--model ${MODEL_IDS.join('|')}] [--max-side 640] [--methods a,b] [--no-sync] [--fill-gaps SECONDS] [--filter-hz HZ] [--min-person-frames N]
       npm run process -- --calib CALIB --detections TAKE.json [-o DIR] […]
       npm run process -- --sessions DIR [-o OUT] […]   (each subfolder: one calibration file and its videos or a *.take.json)`;

/** A one-line progress bar on a terminal; a line per 10 % otherwise (logs stay readable). */
function progressBar() {
  let lastTenth = -1, lastStage = '';
  return (f: number, stage: string) => {
    const pct = Math.round(100 * Math.min(1, Math.max(0, f)));
    if (process.stderr.isTTY) {
      const w = 30, n = Math.round((w * pct) / 100);
      process.stderr.write(`\r[${'#'.repeat(n)}${'.'.repeat(w - n)}] ${String(pct).padStart(3)}% ${stage.padEnd(24)}`);
      if (pct === 100 && stage === 'done') process.stderr.write('\n');
    } else if (Math.floor(pct / 10) !== lastTenth || stage !== lastStage) {
      lastTenth = Math.floor(pct / 10);
      lastStage = stage;
      process.stderr.write(`${String(pct).padStart(3)}% ${stage}\n`);
    }
  };
}

function hasFfmpeg(): boolean {
  try {
    execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface RunSettings {
  model: ModelId;
  maxSide: number;
  maxFrames: number;
  methods: string[] | null;
  sync: boolean;
  fillGapsS: number;
  filterHz: number;
  /** Several people: the fewest frame sets a person needs to be exported. */
  minPersonFrames: number;
}

/** One recording: its calibration, and its videos (one per camera, in order) or a take of detections. */
async function runSession(calibPath: string, videos: string[], detections: string | null, outDir: string, s: RunSettings): Promise<number> {
  let cameras;
  try {
    cameras = parseCalibrationText(calibPath, readFileSync(calibPath, 'utf8'));
  } catch (e) {
    throw new Error(`${calibPath}: ${(e as Error).message}`);
  }
  const bar = progressBar();
  let tracks: KeypointTrack[] = [];
  let people: PeopleTrack[] | null = null;
  let baseName: string;
  if (detections) {
    if (videos.length) throw new Error('give either videos or --detections, not both');
    const text = readFileSync(detections, 'utf8');
    baseName = basename(detections).replace(/(\.take)?\.json$/i, '');
    // Either version: a version 2 take holds everyone in every view (the several-people run).
    let take: MultiTake;
    try {
      take = parseMultiTake(text);
    } catch (e) {
      throw new Error(`${detections}: ${(e as Error).message}`);
    }
    if (take.cameras.length !== cameras.length) throw new Error(`${detections}: ${take.cameras.length} views but ${calibPath} has ${cameras.length} cameras`);
    const order = viewOrder(take.cameras.map((c) => c.name), cameras, detections);
    if (take.version === 2) people = order.map((v) => ({ fps: take.fps, frames: take.frames.map((f) => f.views[v]) }));
    else tracks = order.map((v) => ({ fps: take.fps, frames: take.frames.map((f) => f.views[v]?.[0] ?? null) }));
  } else {
    if (videos.length !== cameras.length) throw new Error(`${videos.length} videos for the ${cameras.length} cameras of ${calibPath} (one video per camera, in its order: ${cameras.map((c) => c.name).join(', ')})`);
    if (!hasFfmpeg()) throw new Error('ffmpeg and ffprobe are needed to read videos (apt-get install -y ffmpeg), or pass 2D detections with --detections TAKE.json');
    const { probeVideo } = await import('./lib/ffmpeg-frames');
    const { detectVideos } = await import('./lib/detect-videos');
    const infos = videos.map((p) => {
      try { return probeVideo(p); } catch (e) { throw new Error(`${p}: cannot read the video (${(e as Error).message.split('\n')[0]})`); }
    });
    for (const i of infos) i.frames = Math.min(i.frames, s.maxFrames);
    const total = infos.reduce((sum, i) => sum + i.frames, 0);
    let done = 0;
    console.log(`detecting ${s.model} in ${videos.length} videos (${total} frames)…`);
    const det = await detectVideos(videos, s.model, s.maxSide, () => {}, () => bar((0.5 * ++done) / Math.max(total, 1), 'detecting'), s.maxFrames);
    if (isMultiPerson(s.model)) people = infos.map((info, v) => ({ fps: info.fps, frames: Array.from({ length: info.frames }, (_, f) => det.people?.[f]?.[v] ?? null) }));
    else tracks = infos.map((info, v) => ({ fps: info.fps, frames: det.frames.slice(0, info.frames).map((row) => row?.[v] ?? null) }));
    baseName = basename(videos[0], extname(videos[0]));
  }
  const offset = detections ? 0 : 0.5;
  const o: ProcessOptions = {
    outDir, baseName, methods: s.methods, sync: s.sync, fillGapsS: s.fillGapsS, filterHz: s.filterHz,
    log: (l) => console.log(l), progress: (f, stage) => bar(offset + (1 - offset) * f, stage),
  };
  const report: ProcessReport = people ? await processPeople(cameras, people, { ...o, minPersonFrames: s.minPersonFrames }) : await processDetections(cameras, tracks, o);
  console.log(`\n${report.frames} frame sets, methods ${report.methods.join(', ') || 'none'}; wrote ${report.files.length} files to ${outDir}:`);
  for (const f of report.files) console.log(`  ${relative(outDir, f)}`);
  if (people) printPeople(report as PeopleReport, cameras.length);
  if (report.problems.length) {
    console.log('\ncould not do:');
    for (const p of report.problems) console.log(`  - ${p}`);
  }
  return report.problems.length ? 1 : 0;
}

/**
 * For each calibration camera, the take's view that shows it: by name (the one matching rule of the OpenPose
 * import: exact, or one name containing the other), else by position; says which.
 */
function viewOrder(takeNames: readonly string[], calibration: readonly Camera[], file: string): number[] {
  const { cameras: matched, by } = matchCameras(calibration, takeNames);
  console.log(`${file}: views matched to the calibration's cameras by ${by}`);
  return calibration.map((c) => matched.indexOf(c));
}

/** The people found: who, for how long, in how many views, and how often the association had what. */
function printPeople(r: PeopleReport, views: number) {
  const exported = r.people.filter((p) => p.exported);
  console.log(`\npeople found: ${r.people.length} (${exported.length} exported${exported.length ? `: ${exported.map((p) => p.label).join(', ')}` : ''})`);
  for (const p of r.people) {
    console.log(`  ${p.label}: ${p.frames} of ${r.frames} frame sets (${p.firstS.toFixed(2)}–${p.lastS.toFixed(2)} s), ${p.meanViews.toFixed(1)} of ${views} views on average${p.exported ? `, in ${p.label}/` : ', too short: not exported'}`);
  }
  console.log(`  frame sets by people found: ${r.counts.map((n, k) => `${k}: ${n}`).join(', ')}`);
  console.log(`  detections given to nobody (one view only, false detections): ${r.unassigned} of ${r.detections}`);
}

const VIDEO = /\.(mp4|mov|m4v|avi|mkv|webm)$/i;
const CALIB = /\.(toml|json|qca|qca\.txt)$/i;

/**
 * A folder of sessions: every subfolder holding one calibration file (.toml, .json, .qca.txt) and either one video
 * per camera (taken in name order) or one `*.take.json` of detections. Each session's results go to OUT/<name>/;
 * a session that fails is reported and the others go on.
 */
async function runSessions(dir: string, out: string, s: RunSettings): Promise<number> {
  const names = readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory()).sort();
  if (names.length === 0) throw new Error(`${dir}: no session folders in it`);
  const failed: string[] = [], partial: string[] = [];
  for (const name of names) {
    const folder = join(dir, name);
    const files = readdirSync(folder).sort();
    const takes = files.filter((f) => /\.take\.json$/i.test(f));
    const calibs = files.filter((f) => CALIB.test(f) && !takes.includes(f));
    const videos = files.filter((f) => VIDEO.test(f)).map((f) => join(folder, f));
    console.log(`\n== session ${name}`);
    try {
      if (calibs.length !== 1) throw new Error(`${folder}: expected one calibration file, found ${calibs.length ? calibs.join(', ') : 'none'}`);
      if (!videos.length && takes.length !== 1) throw new Error(`${folder}: no videos and no single *.take.json of detections`);
      const code = await runSession(join(folder, calibs[0]), videos.length ? videos : [], videos.length ? null : join(folder, takes[0]), join(out, name), s);
      if (code) partial.push(name);
    } catch (e) {
      console.log(`session ${name} failed: ${(e as Error).message}`);
      failed.push(name);
    }
  }
  console.log(`\n${names.length} sessions: ${names.length - failed.length - partial.length} complete, ${partial.length} with something left out${partial.length ? ` (${partial.join(', ')})` : ''}, ${failed.length} failed${failed.length ? ` (${failed.join(', ')})` : ''}`);
  return failed.length || partial.length ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      calib: { type: 'string' },
      sessions: { type: 'string' },
      out: { type: 'string', short: 'o', default: 'process-out' },
      model: { type: 'string', default: DEFAULT_MODEL },
      'max-side': { type: 'string', default: '640' },
      methods: { type: 'string' },
      'no-sync': { type: 'boolean', default: false },
      'fill-gaps': { type: 'string', default: '0' },
      'filter-hz': { type: 'string', default: '0' },
      'max-frames': { type: 'string' },
      'min-person-frames': { type: 'string', default: '10' },
      detections: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) { console.log(usage); return 0; }
  if (!values.calib && !values.sessions) throw new Error('--calib (one recording) or --sessions DIR (a folder of them) is required');
  const model = values.model!;
  if (!isModelId(model)) throw new Error(`--model: "${model}" is not one of ${MODEL_IDS.join(', ')}`);
  const fillGapsS = Number(values['fill-gaps']);
  if (!(fillGapsS >= 0)) throw new Error(`--fill-gaps: expected seconds ≥ 0, got "${values['fill-gaps']}"`);
  // 0 = no filtering; else the zero-phase Butterworth cut-off, below half of any frame rate a video has.
  const filterHz = parseNumber(values['filter-hz'], '--filter-hz', { min: 0, max: 100 });
  const maxFrames = values['max-frames'] === undefined ? Infinity : Number(values['max-frames']);
  if (!(maxFrames >= 1) || (Number.isFinite(maxFrames) && !Number.isInteger(maxFrames))) throw new Error(`--max-frames: expected a whole number ≥ 1, got "${values['max-frames']}"`);
  const maxSide = Number(values['max-side']);
  if (!Number.isInteger(maxSide) || maxSide < 0) throw new Error(`--max-side: expected a whole number of pixels, got "${values['max-side']}"`);
  const minPersonFrames = parseInteger(values['min-person-frames'], '--min-person-frames', { min: 1, max: MAX_CLI_INTEGER });
  const settings: RunSettings = {
    model, maxSide, maxFrames, fillGapsS, filterHz, minPersonFrames, sync: !values['no-sync'], methods: values.methods ? values.methods.split(',').map((x) => x.trim()) : null,
  };
  if (values.sessions) {
    if (values.calib || values.detections || positionals.length) throw new Error('--sessions takes no --calib, --detections or videos: each session folder holds its own');
    return runSessions(values.sessions, resolve(values.out!), settings);
  }
  return runSession(values.calib!, positionals, values.detections ?? null, resolve(values.out!), settings);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`process: ${(e as Error).message}\n${usage}`);
    process.exit(2);
  },
);
