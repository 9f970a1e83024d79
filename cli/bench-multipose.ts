/**
 * npm run bench:multipose -- [--max-side 640] [--frames 100] [--json FILE]
 *
 * MoveNet MultiPose against MoveNet Lightning on the four Pose2Sim demo videos (one athlete; cam_01 also sees a
 * person filming in the background), in Node on the wasm backend (the app's detector code, one thread):
 * - detection ms per frame (median, p90; the first 5 frames of each view are warm-up);
 * - people per view: frames with 0, 1, 2+ people, and the extra detections (anyone beyond one per view);
 * - the 3D result. There is no motion-capture truth, so the reference is the single-person path as it ships:
 *   Lightning's detections, robust triangulation from all 4 views (as `npm run bench:real`). Against it: robust
 *   triangulation of MultiPose's most confident person per view (single-person path, no association), and of the
 *   person the association + tracking (src/people) makes of MultiPose's lists (the multi-person path), plus
 *   Lightning through the association (what association alone changes). For the multi-person path: frame sets
 *   where the athlete was found, other people found, and detections given to nobody. Without truth, each path's
 *   steadiness is shown too: the standard deviation of the limb lengths over time (mean over the 8 limbs; a real
 *   body's are constant).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Camera } from '../src/geometry/camera';
import type { FrameViews, Pose3D } from '../src/fusion/types';
import { COCO17_LIMBS, NUM_JOINTS } from '../src/keypoints';
import { PeopleStage } from '../src/people/stage';
import type { MultiFrameViews } from '../src/people/types';
import { TriangulationMethod } from '../src/triangulation';
import type { ModelId } from '../src/detection/models';
import { detectVideos, type VideoDetections } from './lib/detect-videos';
import { parseInteger } from './lib/args';
import { REPO_ROOT } from './lib/node-tf';
import { loadPose2SimToml } from './lib/pose2sim';
import { boneLengthStats } from './lib/real-stats';
import { quantile } from '../src/util/stats';
import { mpjpe } from '../src/eval/multi';

const DEMO = join(REPO_ROOT, '..', 'shared', 'data', 'pose2sim-demo');
const VIDEOS = ['cam01', 'cam02', 'cam03', 'cam04'].map((c) => join(DEMO, 'videos', `${c}.mp4`));
const CALIB = join(DEMO, 'calibration', 'Calib_qualisys.toml');

const { values: args } = parseArgs({ options: { 'max-side': { type: 'string', default: '640' }, frames: { type: 'string', default: '100' }, json: { type: 'string' } } });
const maxSide = parseInteger(args['max-side'], '--max-side');
const maxFrames = parseInteger(args.frames, '--frames', { min: 1, max: 1_000_000 });

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');

/** Mean joint distance (mm) over joints valid in both poses. */
const mpjpeMm = (a: Pose3D, b: Pose3D) => 1000 * mpjpe(a.joints, a.valid, b);

const robust = new TriangulationMethod('robust');
const single = (cams: readonly Camera[], frames: FrameViews[]) => frames.map((v) => robust.estimate(cams, v));

interface Associated {
  /** Per frame set: the pose of the person nearest the reference (the athlete), or null when none is near. */
  athlete: (Pose3D | null)[];
  /** Per frame set: people found besides the athlete. */
  others: number[];
  unassigned: number;
  detections: number;
  assocMs: number[];
}

/** Association + tracking over the run, each person triangulated; the athlete = the person nearest the reference. */
function associated(cams: readonly Camera[], people: MultiFrameViews[], fps: number, ref: (Pose3D | null)[]): Associated {
  const stage = new PeopleStage(cams);
  const out: Associated = { athlete: [], others: [], unassigned: 0, detections: 0, assocMs: [] };
  people.forEach((f, i) => {
    const t0 = performance.now();
    const step = stage.step(i / fps, f);
    out.assocMs.push(performance.now() - t0);
    for (const v of f) out.detections += v?.length ?? 0;
    out.unassigned += step.unassigned.length;
    const poses = step.people.map((p) => robust.estimate(cams, p.person.views)).filter((p): p is Pose3D => !!p);
    const r = ref[i];
    const errs = poses.map((p) => (r ? mpjpeMm(p, r) : NaN));
    const k = errs.reduce((best, e, n) => (Number.isFinite(e) && (best < 0 || e < errs[best]) ? n : best), -1);
    // Nearer than 0.3 m on average: the athlete; anything else found is somebody else.
    const found = k >= 0 && errs[k] < 300;
    out.athlete.push(found ? poses[k] : null);
    out.others.push(step.people.length - (found ? 1 : 0));
  });
  return out;
}

function timing(d: VideoDetections): { median: number; p90: number } {
  const xs = d.inferMs.slice(5).flat().filter(Number.isFinite);
  return { median: quantile(xs, 0.5), p90: quantile(xs, 0.9) };
}

const cams = loadPose2SimToml(CALIB);
const run = async (model: ModelId) => {
  console.error(`detecting ${model} on ${VIDEOS.length} videos (${maxFrames} frames each, longer side ${maxSide})…`);
  return detectVideos(VIDEOS, model, maxSide, () => {}, undefined, maxFrames);
};
const light = await run('movenet-lightning');
const multi = await run('movenet-multipose');
const n = Math.min(light.frames.length, multi.frames.length);
const fps = light.fps;

// Detection time.
const tl = timing(light), tm = timing(multi);
console.log(`\n### Detection time per frame (Node, wasm, 1 thread; ${VIDEOS.length} views × ${n} frames, longer side ${maxSide})\n`);
console.log('| model | median ms | p90 ms |\n| --- | --- | --- |');
console.log(`| movenet-lightning | ${f1(tl.median)} | ${f1(tl.p90)} |`);
console.log(`| movenet-multipose | ${f1(tm.median)} | ${f1(tm.p90)} |`);

// People per view.
const people = multi.people!.slice(0, n);
console.log('\n### People MultiPose finds per view\n');
console.log('| view | frames | 0 people | 1 person | 2+ people | extra detections | Lightning: no person |\n| --- | --- | --- | --- | --- | --- | --- |');
const perView = cams.map((c, v) => {
  const counts = people.map((f) => f[v]?.length ?? 0);
  const row = {
    view: c.name, frames: n, none: counts.filter((k) => k === 0).length, one: counts.filter((k) => k === 1).length, more: counts.filter((k) => k >= 2).length,
    extra: counts.reduce((s, k) => s + Math.max(0, k - 1), 0), lightningNone: light.frames.slice(0, n).filter((f) => !f[v]).length,
  };
  console.log(`| ${row.view} | ${row.frames} | ${row.none} | ${row.one} | ${row.more} | ${row.extra} | ${row.lightningNone} |`);
  return row;
});

// 3D against the single-person path.
const lightViews = light.frames.slice(0, n).map((f) => cams.map((_, v) => f[v] ?? null));
const multiFirst = multi.frames.slice(0, n).map((f) => cams.map((_, v) => f[v] ?? null));
const ref = single(cams, lightViews);
const multiSingle = single(cams, multiFirst);
const multiAssoc = associated(cams, people, fps, ref);
const lightAssoc = associated(cams, lightViews.map((f) => f.map((kp) => (kp ? [kp] : []))), fps, ref);

function row(name: string, poses: (Pose3D | null)[]) {
  const e = poses.map((p, i) => (p && ref[i] ? mpjpeMm(p, ref[i]!) : NaN)).filter(Number.isFinite);
  const boneSd = mean(boneLengthStats(poses, COCO17_LIMBS).map((b) => b.stdMm).filter(Number.isFinite));
  const r = { path: name, frames: e.length, of: ref.filter(Boolean).length, meanMm: mean(e), medianMm: quantile(e, 0.5), p90Mm: quantile(e, 0.9), boneSdMm: boneSd };
  console.log(`| ${name} | ${r.frames} / ${r.of} | ${f1(r.meanMm)} | ${f1(r.medianMm)} | ${f1(r.p90Mm)} | ${f1(r.boneSdMm)} |`);
  return r;
}
console.log('\n### Robust triangulation against the single-person path (Lightning, robust, 4 views), mm\n');
console.log('| path | frame sets | mean | median | p90 | limb length SD |\n| --- | --- | --- | --- | --- | --- |');
const rows = [
  row('Lightning, single-person path (the reference)', ref),
  row('Lightning through association', lightAssoc.athlete),
  row('MultiPose, most confident per view (no association)', multiSingle),
  row('MultiPose through association (multi-person path)', multiAssoc.athlete),
];
const extraPeople = multiAssoc.others.reduce((a, b) => a + b, 0);
console.log(`\nMulti-person path: the athlete found in ${multiAssoc.athlete.filter(Boolean).length} of ${n} frame sets; other people found: ${extraPeople} (in ${multiAssoc.others.filter((k) => k > 0).length} frame sets); detections given to nobody: ${multiAssoc.unassigned} of ${multiAssoc.detections}; association + tracking ${f1(quantile(multiAssoc.assocMs, 0.5))} ms median per frame set.`);

if (args.json) {
  mkdirSync(dirname(args.json), { recursive: true });
  writeFileSync(args.json, JSON.stringify({ maxSide, frames: n, timing: { lightning: tl, multipose: tm }, perView, rows, multiPerson: { found: multiAssoc.athlete.filter(Boolean).length, others: extraPeople, unassigned: multiAssoc.unassigned, detections: multiAssoc.detections } }, null, 2));
  console.log(`wrote ${args.json}`);
}
