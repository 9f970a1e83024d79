/**
 * npm run bench:real [-- --take FILE] [--frames N] [--model-dir DIR] — the lifter on real detections without
 * ground truth (issue 5): MoveNet on the 4-camera Pose2Sim recording. The reference is robust triangulation from
 * all 4 views; every camera pair and triple is fused by the lifter, DLT and robust triangulation and compared with
 * it, and each method's bone lengths are followed over time (constant for a real body).
 */
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { FrameViews, FusionMethod, Pose3D } from '../src/fusion/types';
import { cameraSubsets } from '../src/eval/evaluate';
import { createMethods } from '../src/eval/methods';
import { COCO17_LIMBS, COCO17_NAMES } from '../src/keypoints/coco17';
import { LifterMethod } from '../src/lifter/lifter';
import { ensureNodeBackend, loadLifterNetFromDir } from '../src/lifter/load-node';
import { parseTake } from '../src/take';
import { REPO_ROOT } from './lib/node-tf';
import {
  bodyUp, boneLengthStats, compareToReference, debiasedMeanMm, perJointDisagreement, type BoneStat, type JointDisagreement, type ReferenceComparison,
} from './lib/real-stats';

const { values: args } = parseArgs({
  options: {
    take: { type: 'string', default: join(REPO_ROOT, 'docs', 'data', 'pose2sim-movenet-lightning.take.json') },
    frames: { type: 'string', default: '100' },
    'model-dir': { type: 'string' },
  },
});

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(0) : '–');
const mmm = (c: ReferenceComparison) => `${f1(c.meanMm)} / ${f1(c.medianMm)} / ${f1(c.p90Mm)}`;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** "left_shoulder → left_elbow" → "left upper arm" (COCO17_LIMBS order: arms then legs). */
const LIMB_NAMES = ['L upper arm', 'L forearm', 'R upper arm', 'R forearm', 'L thigh', 'L shank', 'R thigh', 'R shank'];

interface Run {
  method: string;
  views: number;
  subset: number[];
  poses: (Pose3D | null)[];
  cmp: ReferenceComparison;
  bones: BoneStat[];
  joints: JointDisagreement[];
  debiasedMm: number;
}

async function main() {
  const t0 = performance.now();
  const file = args.take!;
  const take = parseTake(readFileSync(file, 'utf8'));
  const frames = take.frames.slice(0, Number(args.frames));
  const nCams = take.cameras.length;
  const camName = (i: number) => take.cameras[i].name.replace(/^cam_?0*/, '');
  await ensureNodeBackend();
  const net = await loadLifterNetFromDir(args['model-dir']);
  // Both lifters share one network: 'lifter-raw' is the network alone, 'lifter' adds the robust-triangulation
  // fallback the app shows (src/lifter/fallback.ts).
  const methods: FusionMethod[] = [new LifterMethod(net, { fallback: null }), new LifterMethod(net), ...(await createMethods(['dlt', 'robust']))];
  const views = (subset: number[]): FrameViews[] => frames.map((f) => subset.map((i) => f.views[i]));
  const camsOf = (subset: number[]) => subset.map((i) => take.cameras[i]);

  const all = Array.from({ length: nCams }, (_, i) => i);
  const robust = methods.find((m) => m.id === 'robust')!;
  const ref = await robust.estimateFrames(camsOf(all), views(all));
  const refBones = boneLengthStats(ref, COCO17_LIMBS);

  const runs: Run[] = [];
  const counts = [2, 3, nCams].filter((k, i, a) => k <= nCams && a.indexOf(k) === i);
  for (const k of counts) {
    for (const subset of cameraSubsets(nCams, k, 100)) {
      for (const m of methods) {
        if (k === nCams && m.id === 'robust') continue; // the reference itself
        const poses = await m.estimateFrames(camsOf(subset), views(subset));
        runs.push({ method: m.id, views: k, subset, poses, cmp: compareToReference(poses, ref), bones: boneLengthStats(poses, COCO17_LIMBS),
          joints: perJointDisagreement(poses, ref), debiasedMm: debiasedMeanMm(poses, ref) });
      }
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const order = ['lifter-raw', 'lifter', 'dlt', 'robust'];
  const byCount = (k: number) => runs.filter((r) => r.views === k).sort((a, b) => order.indexOf(a.method) - order.indexOf(b.method));

  const refJointsPct = ref.filter(Boolean).length
    ? pct(ref.reduce((s, p) => s + (p ? p.valid.reduce((a, v) => a + v, 0) : 0), 0) / (ref.filter(Boolean).length * COCO17_NAMES.length))
    : '–';
  const cmd = 'npm run bench:real';
  const meta = take.meta as Record<string, unknown>;
  const lines: string[] = [];
  const out = (s = '') => lines.push(s);
  out(`<!-- ${cmd} · ${relative(REPO_ROOT, file)} · ${frames.length} frames × ${nCams} views · ${seconds.toFixed(1)} s · ` +
    `Node ${process.version}, tfjs ${tf.version_core} ${tf.getBackend()} · load ${loadavg()[0].toFixed(1)} -->`);
  out();
  out(`Detections: ${meta.detector ?? '?'} (longer side ${meta.maxSide ?? '?'}), calibration ${meta.calibration ?? '?'}. ` +
    `Reference: robust triangulation from all ${nCams} views — ${ref.filter(Boolean).length} / ${frames.length} frames ` +
    `with a pose, ${refJointsPct} % of their joints. **The reference is itself an estimate**: figures below are ` +
    `disagreement with it, not error.`);
  out();

  out('#### Per camera subset: MPJPE against the 4-view robust reference (mm: mean / median / p90)');
  out();
  out('| views | cameras | lifter-raw | lifter | dlt | robust | lifter fell back | joints % (lifter-raw / lifter / dlt / robust) | no pose |');
  out('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const k of counts) {
    const subs = cameraSubsets(nCams, k, 100);
    for (const s of subs) {
      const get = (id: string) => runs.find((r) => r.method === id && r.subset.join() === s.join());
      const cell = (id: string) => { const r = get(id); return r ? mmm(r.cmp) : 'reference'; };
      const cov = (f: (r: Run) => string) => order.map((id) => { const r = get(id); return r ? f(r) : '–'; }).join(' / ');
      const fb = get('lifter')!.poses.filter((p) => p?.info?.fallback === true).length;
      const noPose = runs.filter((r) => r.subset.join() === s.join()).reduce((n, r) => n + r.cmp.noPose, 0);
      out(`| ${k} | ${s.map(camName).join('+')} | ${cell('lifter-raw')} | ${cell('lifter')} | ${cell('dlt')} | ${cell('robust')} | ` +
        `${fb} / ${frames.length} | ${cov((r) => pct(r.cmp.jointCoverage))} | ${noPose ? noPose : 'none'} |`);
    }
  }
  out();

  /** The network's own error heads (mean over frame sets; mm): what the fallback rule reads. */
  const predicted = (rs: Run[]) => {
    const ps = rs.filter((r) => r.method === 'lifter-raw').flatMap((r) => r.poses).filter((p): p is Pose3D => !!p);
    const m = (key: string) => mean(ps.map((p) => Number(p.info?.[key])));
    return `${f1(m('predictedErrorMm'))} / ${f1(m('predictedTriangulationErrorMm'))}`;
  };
  out('#### By number of views (mm; mean of the per-frame MPJPE pooled over every subset; lifter-raw / robust = ratio of means)');
  out();
  out('| views | subsets | lifter-raw | lifter | dlt | robust | lifter-raw / robust | lifter-raw / dlt | each joint\'s mean offset removed: lifter-raw / lifter / dlt / robust | lifter\'s predicted error: own / of its start triangulation |');
  out('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const k of counts) {
    const rs = byCount(k);
    const pooled = (id: string) => {
      const sel = rs.filter((r) => r.method === id);
      if (!sel.length) return null;
      const frameCount = sel.reduce((s, r) => s + r.cmp.compared, 0);
      return sel.reduce((s, r) => s + r.cmp.meanMm * r.cmp.compared, 0) / frameCount;
    };
    const [l, lf, d, r] = order.map(pooled);
    const deb = order.map((id) => {
      const sel = rs.filter((x) => x.method === id);
      return sel.length ? f1(sel.reduce((s, x) => s + x.debiasedMm * x.cmp.compared, 0) / sel.reduce((s, x) => s + x.cmp.compared, 0)) : '–';
    });
    out(`| ${k} | ${cameraSubsets(nCams, k, 100).length} | ${f1(l!)} | ${f1(lf!)} | ${f1(d!)} | ${r === null ? 'reference' : f1(r)} | ` +
      `${r === null ? '–' : (l! / r).toFixed(2)} | ${(l! / d!).toFixed(2)} | ${deb.join(' / ')} | ${predicted(rs)} |`);
  }
  out();

  // The fallback only matters where it fires; when it never does, 'lifter' repeats 'lifter-raw' row for row.
  const fellBack = runs.filter((r) => r.method === 'lifter').reduce((n, r) => n + r.poses.filter((p) => p?.info?.fallback === true).length, 0);
  const detail = fellBack ? order : order.filter((id) => id !== 'lifter');
  if (!fellBack) {
    out('The fallback never fired on this take, so below \'lifter\' (what the app shows) is \'lifter-raw\' and has no rows of its own.');
    out();
  }
  out('#### Bone-length standard deviation over time (mm; per camera subset, then averaged over subsets; lower is steadier)');
  out();
  out(`| method | views | ${LIMB_NAMES.join(' | ')} | mean |`);
  out(`| --- | ---: | ${LIMB_NAMES.map(() => '---:').join(' | ')} | ---: |`);
  const boneRow = (label: string, k: number | string, sets: BoneStat[][], key: 'stdMm' | 'meanMm') => {
    const per = COCO17_LIMBS.map((_, b) => mean(sets.map((s) => s[b][key])));
    out(`| ${label} | ${k} | ${per.map(f1).join(' | ')} | ${f1(mean(per))} |`);
  };
  boneRow('robust (reference)', nCams, [refBones], 'stdMm');
  for (const k of counts) for (const id of detail) {
    const sel = byCount(k).filter((r) => r.method === id);
    if (sel.length) boneRow(id, k, sel.map((r) => r.bones), 'stdMm');
  }
  out();

  out('#### Mean bone length (mm; bias check — the same body should give the same lengths)');
  out();
  out(`| method | views | ${LIMB_NAMES.join(' | ')} | mean |`);
  out(`| --- | ---: | ${LIMB_NAMES.map(() => '---:').join(' | ')} | ---: |`);
  boneRow('robust (reference)', nCams, [refBones], 'meanMm');
  for (const k of counts) for (const id of detail) {
    const sel = byCount(k).filter((r) => r.method === id);
    if (sel.length) boneRow(id, k, sel.map((r) => r.bones), 'meanMm');
  }
  out();

  out('#### Systematic differences from the reference (pooled over subsets)');
  out();
  out('Offset = mean (method − reference) centroid of the shared joints, world axes of the calibration; centred = MPJPE ' +
    'after removing each frame\'s centroid offset; scale = median ratio of RMS spread about the centroid; flipped = ' +
    'frames closer to the reference with left/right swapped; mirrored = frames whose handedness differs.');
  out();
  out('| method | views | offset x / y / z (mm) | \\|offset\\| | MPJPE | centred MPJPE | scale | flipped | mirrored |');
  out('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const k of counts) for (const id of detail) {
    const sel = byCount(k).filter((r) => r.method === id);
    if (!sel.length) continue;
    const n = sel.reduce((s, r) => s + r.cmp.compared, 0);
    const w = (f: (c: ReferenceComparison) => number) => sel.reduce((s, r) => s + f(r.cmp) * r.cmp.compared, 0) / n;
    const off = [0, 1, 2].map((a) => w((c) => c.meanOffsetMm[a]));
    const flipped = sel.reduce((s, r) => s + r.cmp.flippedFrames, 0), mir = sel.reduce((s, r) => s + r.cmp.mirroredFrames, 0);
    out(`| ${id} | ${k} | ${off.map(f1).join(' / ')} | ${f1(Math.hypot(off[0], off[1], off[2]))} | ${f1(w((c) => c.meanMm))} | ` +
      `${f1(w((c) => c.centredMeanMm))} | ${w((c) => c.scaleRatio).toFixed(3)} | ${flipped} / ${n} | ${mir} / ${n} |`);
  }
  out();

  const up = bodyUp(ref);
  if (up) {
    out(`#### Per joint: mean distance to the reference, and (↑) the mean signed offset along the body's up axis (mm)`);
    out();
    out(`Up = mean mid-ankle → mid-shoulder direction of the reference, (${up.map((x) => x.toFixed(2)).join(', ')}) in ` +
      'world axes; ↑ > 0: the method puts the joint higher than the reference does. Pooled over subsets.');
    out();
    const cols = counts.flatMap((k) => detail.filter((id) => byCount(k).some((r) => r.method === id)).map((id) => ({ k, id })));
    out(`| joint | ${cols.map((c) => `${c.id} ${c.k}v`).join(' | ')} |`);
    out(`| --- | ${cols.map(() => '---:').join(' | ')} |`);
    COCO17_NAMES.forEach((name, j) => {
      const cells = cols.map(({ k, id }) => {
        const js = byCount(k).filter((r) => r.method === id).map((r) => r.joints[j]);
        const n = js.reduce((s, x) => s + x.n, 0);
        if (!n) return '–';
        const d = js.reduce((s, x) => s + x.meanMm * x.n, 0) / n;
        const u = js.reduce((s, x) => s + (x.offsetMm[0] * up[0] + x.offsetMm[1] * up[1] + x.offsetMm[2] * up[2]) * x.n, 0) / n;
        return `${f1(d)} (↑ ${u >= 0 ? '+' : ''}${f1(u)})`;
      });
      out(`| ${name} | ${cells.join(' | ')} |`);
    });
    out();
  }
  console.log(lines.join('\n'));
  net.dispose(); // both lifters' network; the triangulations hold nothing
}

main().catch((e) => {
  console.error(`bench:real: ${(e as Error).message}`);
  process.exit(1);
});
