/**
 * MoveNet's error profile on real multi-view data: detect on the four Pose2Sim videos, triangulate every frame
 * with the robust triangulation, and measure each view's 2D residual against the reprojected 3D joints.
 *
 *   npm run measure:movenet -- [--model movenet-lightning] [--max-side 640] [--redetect]
 *
 * Detections are cached as a take file in bench-out/ (reused unless --redetect); the profile goes to
 * training/noise/movenet_pose2sim_measured.json (fields documented in training/noise/README-measured.md).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { projectPoint, type Camera } from '../src/geometry/camera';
import { COCO17_FLIP, COCO17_NAMES, NUM_JOINTS } from '../src/keypoints';
import { parseTake, serializeTake, type Take } from '../src/take';
import { defaultTriangulationOptions, prepareRig, triangulatePose } from '../src/triangulation';
import { isModelId, type ModelId } from '../src/detection/models';
import { REPO_ROOT } from './lib/node-tf';
import { loadPose2SimToml } from './lib/pose2sim';
import { detectVideos } from './lib/detect-videos';
import { quantile } from '../src/util/stats';

const DEMO = join(REPO_ROOT, '..', 'shared', 'data', 'pose2sim-demo');
const VIDEOS = ['cam01', 'cam02', 'cam03', 'cam04'].map((c) => join(DEMO, 'videos', `${c}.mp4`));
const CALIB = join(DEMO, 'calibration', 'Calib_qualisys.toml');

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'movenet-lightning' },
    'max-side': { type: 'string', default: '640' },
    redetect: { type: 'boolean', default: false },
    out: { type: 'string', default: join(REPO_ROOT, 'training', 'noise', 'movenet_pose2sim_measured.json') },
  },
});
const model = args.model!;
if (!isModelId(model)) throw new Error(`unknown model ${model}`);
const maxSide = Number(args['max-side']);

const r = (x: number, d = 4) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const std = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
};

async function detections(cameras: Camera[]): Promise<Take> {
  const cache = join(REPO_ROOT, 'bench-out', `pose2sim-${model}-${maxSide}.take.json`);
  if (existsSync(cache) && !args.redetect) {
    console.log(`reusing ${relative(REPO_ROOT, cache)}`);
    return parseTake(readFileSync(cache, 'utf8'));
  }
  console.log(`detecting with ${model} (longer side ${maxSide || 'full'}) on ${VIDEOS.length} videos ...`);
  const det = await detectVideos(VIDEOS, model as ModelId, maxSide, console.log);
  const take: Take = {
    fps: det.fps,
    sourceLayout: 'coco17',
    cameras,
    frames: det.frames.map((views, i) => ({ time: i / det.fps, views: views.map((v) => v ?? null), gt: null, extra: {} })),
    meta: { source: 'Pose2Sim Demo_SinglePerson videos cam01..cam04', detector: model, maxSide, calibration: 'Calib_qualisys.toml (distortion ×64)' },
    extra: {},
  };
  mkdirSync(join(REPO_ROOT, 'bench-out'), { recursive: true });
  writeFileSync(cache, serializeTake(take));
  const inf = det.inferMs.flat().filter(Number.isFinite);
  console.log(`wrote ${relative(REPO_ROOT, cache)}; inference median ${quantile(inf, 0.5).toFixed(1)} ms`);
  return take;
}

/** 2D box size of a pose in a view: the larger side of the reprojected joints' bounding box (px). */
function boxSize(pts: Float64Array, valid: Uint8Array): number {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let j = 0; j < NUM_JOINTS; j++) {
    if (!valid[j]) continue;
    x0 = Math.min(x0, pts[2 * j]); x1 = Math.max(x1, pts[2 * j]);
    y0 = Math.min(y0, pts[2 * j + 1]); y1 = Math.max(y1, pts[2 * j + 1]);
  }
  return Math.max(x1 - x0, y1 - y0);
}

interface Sample { view: number; joint: number; frame: number; dx: number; dy: number; err: number; frac: number; score: number; box: number }

async function main() {
  const cameras = loadPose2SimToml(CALIB, 64);
  const take = await detections(cameras);
  const rig = prepareRig(cameras, { ...defaultTriangulationOptions, minScore: 0.3 });
  const nv = cameras.length;
  const all: Sample[] = [];
  const loo: Sample[] = [];
  const swaps: { view: number; pair: number; swapped: boolean }[] = [];
  let triangulated = 0;

  const residuals = (views: (Float32Array | null)[], pose: { joints: Float64Array; valid: Uint8Array }, v: number, f: number, into: Sample[]) => {
    const kp = views[v];
    if (!kp) return null;
    const proj = new Float64Array(NUM_JOINTS * 2);
    for (let j = 0; j < NUM_JOINTS; j++) {
      if (!pose.valid[j]) continue;
      projectPoint(cameras[v], pose.joints[3 * j], pose.joints[3 * j + 1], pose.joints[3 * j + 2], proj, 2 * j);
    }
    const box = boxSize(proj, pose.valid);
    if (!(box > 50)) return null;
    for (let j = 0; j < NUM_JOINTS; j++) {
      if (!pose.valid[j] || kp[3 * j + 2] <= 0) continue;
      const dx = kp[3 * j] - proj[2 * j], dy = kp[3 * j + 1] - proj[2 * j + 1], err = Math.hypot(dx, dy);
      into.push({ view: v, joint: j, frame: f, dx, dy, err, frac: err / box, score: kp[3 * j + 2], box });
    }
    return proj;
  };

  take.frames.forEach((fr, f) => {
    const pose = triangulatePose(rig, fr.views, 'robust');
    if (!pose) return;
    triangulated++;
    for (let v = 0; v < nv; v++) {
      const proj = residuals(fr.views, pose, v, f, all);
      const kp = fr.views[v];
      if (proj && kp) {
        // Left/right swap: each joint of the pair is closer to the other side's reprojection than to its own.
        for (let j = 0; j < NUM_JOINTS; j++) {
          const m = COCO17_FLIP[j];
          if (m <= j || !pose.valid[j] || !pose.valid[m] || kp[3 * j + 2] < 0.3 || kp[3 * m + 2] < 0.3) continue;
          const d = (a: number, b: number) => Math.hypot(kp[3 * a] - proj[2 * b], kp[3 * a + 1] - proj[2 * b + 1]);
          const sep = Math.hypot(proj[2 * j] - proj[2 * m], proj[2 * j + 1] - proj[2 * m + 1]);
          if (sep < 10) continue; // sides overlap in this view: a swap is not observable
          swaps.push({ view: v, pair: j, swapped: d(j, m) < d(j, j) && d(m, j) < d(m, m) });
        }
      }
      // Leave-one-out: triangulate from the other views only, so the view does not pull the 3D point to itself.
      const others = fr.views.map((x, i) => (i === v ? null : x));
      const p2 = triangulatePose(rig, others, 'robust');
      if (p2) residuals(fr.views, p2, v, f, loo);
    }
  });

  const summarize = (xs: Sample[]) => ({
    n: xs.length,
    median_px: r(quantile(xs.map((s) => s.err), 0.5), 2),
    p90_px: r(quantile(xs.map((s) => s.err), 0.9), 2),
    median_frac: r(quantile(xs.map((s) => s.frac), 0.5)),
    p90_frac: r(quantile(xs.map((s) => s.frac), 0.9)),
    p99_frac: r(quantile(xs.map((s) => s.frac), 0.99)),
    bias_frac: [r(mean(xs.map((s) => s.dx / s.box))), r(mean(xs.map((s) => s.dy / s.box)))],
    std_frac: [r(std(xs.map((s) => s.dx / s.box))), r(std(xs.map((s) => s.dy / s.box)))],
    outlier_rate_frac_gt_0p1: r(xs.filter((s) => s.frac > 0.1).length / Math.max(1, xs.length)),
    mean_score: r(mean(xs.map((s) => s.score)), 3),
  });
  const profile = (xs: Sample[]) => ({
    per_view: cameras.map((c, v) => ({
      camera: c.name,
      box_px_median: r(quantile(xs.filter((s) => s.view === v).map((s) => s.box), 0.5), 1),
      all_joints: summarize(xs.filter((s) => s.view === v)),
      joints: Object.fromEntries(COCO17_NAMES.map((n, j) => [n, summarize(xs.filter((s) => s.view === v && s.joint === j))])),
    })),
    pooled: {
      all_joints: summarize(xs),
      joints: Object.fromEntries(COCO17_NAMES.map((n, j) => [n, summarize(xs.filter((s) => s.joint === j))])),
    },
  });
  const edges = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001];
  const scoreBins = edges.slice(0, -1).map((lo, i) => {
    const xs = all.filter((s) => s.score >= lo && s.score < edges[i + 1]);
    return { score_lo: lo, score_hi: Math.min(1, edges[i + 1]), ...summarize(xs) };
  });
  const sx = all.map((s) => s.score), ex = all.map((s) => s.frac);
  const rank = (a: number[]) => {
    const idx = a.map((_, i) => i).sort((i, j) => a[i] - a[j]);
    const rk = new Array(a.length);
    idx.forEach((i, k) => (rk[i] = k));
    return rk as number[];
  };
  const rs = rank(sx), re = rank(ex);
  const spearman = 1 - (6 * rs.reduce((acc, v, i) => acc + (v - re[i]) ** 2, 0)) / (rs.length * (rs.length ** 2 - 1));
  const swapPairs = Object.fromEntries(
    [...new Set(swaps.map((s) => s.pair))].map((p) => {
      const xs = swaps.filter((s) => s.pair === p);
      return [`${COCO17_NAMES[p]}/${COCO17_NAMES[COCO17_FLIP[p]]}`, { n: xs.length, rate: r(xs.filter((s) => s.swapped).length / xs.length) }];
    }),
  );

  const out = {
    format: 'parallax-detector-noise-measured',
    version: 1,
    generated_by: `npm run measure:movenet -- --model ${model} --max-side ${maxSide}`,
    source: {
      data: '../shared/data/pose2sim-demo (Pose2Sim Demo_SinglePerson: 4 synchronised cameras, 1080/1088x1920, 60 fps, 100 frames)',
      calibration: 'Calib_qualisys.toml with its distortion coefficients ×64 (= the Calib.qca.txt values)',
      detector: model,
      detector_input_max_side_px: maxSide,
      runtime: 'tfjs wasm (Node), pose-detection 2.1.3, smoothing off',
      triangulation: `robust (src/triangulation), min score ${rig.options.minScore}`,
      frames: take.frames.length,
      frames_triangulated: triangulated,
      note: 'cam01/cam02 are 1080 px wide, the calibration 1088: keypoints are used as detected (the 8 px are padding on the right edge).',
    },
    definitions: {
      residual: 'detected 2D joint − reprojection of the triangulated 3D joint, in raw (distorted) pixels of the view',
      box: "the person's box in that view: larger side of the bounding box of the reprojected 3D joints (px)",
      frac: 'residual length / box',
      all_views: 'triangulated from all 4 views (the view under test included: residuals are slightly shrunk)',
      leave_one_out: 'triangulated from the other 3 views only (residuals include those views’ triangulation error)',
      swap: 'both joints of a left/right pair closer to the other side’s reprojection than to their own (score ≥ 0.3, sides ≥ 10 px apart)',
    },
    joints: COCO17_NAMES,
    all_views: profile(all),
    leave_one_out: profile(loo),
    swap: {
      rate: r(swaps.filter((s) => s.swapped).length / Math.max(1, swaps.length)),
      n: swaps.length,
      per_view: cameras.map((c, v) => {
        const xs = swaps.filter((s) => s.view === v);
        return { camera: c.name, n: xs.length, rate: r(xs.filter((s) => s.swapped).length / Math.max(1, xs.length)) };
      }),
      per_pair: swapPairs,
    },
    score_vs_error: { spearman_score_vs_frac: r(spearman), bins: scoreBins },
  };
  mkdirSync(join(args.out!, '..'), { recursive: true });
  writeFileSync(args.out!, JSON.stringify(out, null, 1) + '\n');
  const p = out.all_views.pooled.all_joints, l = out.leave_one_out.pooled.all_joints;
  console.log(`frames ${take.frames.length}, triangulated ${triangulated}`);
  console.log(`all views: median ${p.median_px} px (${p.median_frac} box), p90 ${p.p90_px} px (${p.p90_frac})`);
  console.log(`leave-one-out: median ${l.median_px} px (${l.median_frac} box), p90 ${l.p90_px} px (${l.p90_frac})`);
  for (const v of out.all_views.per_view) console.log(`  ${v.camera}: box ${v.box_px_median} px, median ${v.all_joints.median_px} px, p90 ${v.all_joints.p90_px} px`);
  console.log(`L/R swap rate ${out.swap.rate} (n=${out.swap.n}); spearman(score, error) ${out.score_vs_error.spearman_score_vs_frac}`);
  console.log(`wrote ${relative(REPO_ROOT, args.out!)}`);
}

await main();
