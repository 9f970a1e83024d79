/**
 * npm run bench:multi:takes — writes the multi-person benchmark takes (take format version 2) from held-out mocap:
 * 2, 3 and 4 people × rigs of 3, 5 and 8 cameras, each person a held-out CMU subject-86 motion with its own bone
 * lengths (training/export_bench_motions.py, run first by the npm script) carried along a circle; the circles
 * overlap and every person passes within about 0.55 m (hip to hip) of another once a lap, so paths cross and
 * bodies hide each other in some views; with 3+ people the last one enters and leaves
 * mid-take. Detections from the detector-noise model (training/noise/movenet_noise.json), occlusion with 30 % of
 * hidden joints grabbed from the occluder, a flickering poster in one view and a mirror reflection in another.
 * Beside each take, one version-1 take per person with that person's detections alone (same noise draws, nobody
 * else, no false detections): "the same person captured alone" for the eval.
 *
 *   npm run bench:multi:takes -- [--out bench-out/multi] [--seconds 40] [--fps 30] [--seed 7]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cameraCenter } from '../src/geometry/camera';
import { NUM_JOINTS } from '../src/keypoints/coco17';
import { motionFigure, spacedOffsets, type Motion, type SceneFigure } from '../src/sim/figures';
import { DEFAULT_NOISE, drawDefinitionOffsets, parseNoiseParams } from '../src/sim/noise';
import { ringRig } from '../src/sim/rig';
import { makeRng } from '../src/sim/rng';
import { simulateScene, type SceneOptions } from '../src/sim/scene';
import { serializeMultiTake, type MultiTake } from '../src/take/multi';
import { serializeTake, type Take } from '../src/take/take';
import { placedPose } from '../src/testing/synthetic';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'bench-out/multi' },
    motions: { type: 'string', default: 'bench-out/multi/motions.json' },
    seconds: { type: 'string', default: '40' },
    fps: { type: 'string', default: '30' },
    seed: { type: 'string', default: '7' },
  },
});
const seconds = Number(values.seconds), fps = Number(values.fps), seed = Number(values.seed);
if (!existsSync(values.motions!)) {
  console.error(`${values.motions}: not found — run python3 training/export_bench_motions.py first`);
  process.exit(2);
}
const src = JSON.parse(readFileSync(values.motions!, 'utf8')) as { source: string; fps: number; motions: { clip: string; frames: number[][] }[] };
const motions: Motion[] = src.motions.map((m) => ({ fps: src.fps, frames: m.frames.map((f) => Float64Array.from(f)) }));
const noisePath = 'training/noise/movenet_noise.json';
const noise = existsSync(noisePath) ? parseNoiseParams(JSON.parse(readFileSync(noisePath, 'utf8'))) : DEFAULT_NOISE;
mkdirSync(values.out!, { recursive: true });

/** Circles of radius R around centres spread 0.6 m from the middle; one angular speed, so spacing holds. */
const R = 1.0, SPEED = 0.8;

function figuresFor(n: number, rng: ReturnType<typeof makeRng>): SceneFigure[] {
  const rot = 2 * Math.PI * rng.uniform();
  const centres = Array.from({ length: n }, (_, k) => {
    const a = rot + (2 * Math.PI * k) / n;
    return [0.6 * Math.cos(a), 0.6 * Math.sin(a)];
  });
  const w = SPEED / R;
  const paths = centres.map(([x, z]) => (t: number): [number, number] => [x + R * Math.cos(w * t), z + R * Math.sin(w * t)]);
  const candidates = Array.from({ length: 180 }, (_, i) => (i * 2 * Math.PI) / 180 / w);
  // Each new person passes within ~0.55 m (hip to hip) of someone already placed: close crossings, no collisions.
  const offsets = spacedOffsets(paths, candidates, (2 * Math.PI) / w, 0.05, 0.55);
  return centres.map(([x, z], k) => {
    const enters = n >= 3 && k === n - 1;
    return motionFigure(k, motions[k % motions.length], { x, z, r: R, speed: SPEED, phase: w * offsets[k] }, enters ? 0.2 * seconds : -Infinity, enters ? 0.8 * seconds : Infinity);
  });
}

const summary: string[] = [];
for (const nCams of [3, 5, 8]) {
  for (const nPeople of [2, 3, 4]) {
    const rng = makeRng(seed * 1000 + nCams * 10 + nPeople);
    const cams = ringRig(nCams, {
      radius: 4.0, heights: [1.3, 2.2, 1.7], target: [0, 0.9, 0], width: 1280, height: 720, hfovDeg: 70,
      startDeg: 360 * rng.uniform(), dist: [-0.05, 0.01, 0, 0, 0],
    });
    const figures = figuresFor(nPeople, rng);
    const posterView = Math.floor(rng.uniform() * nCams), mirrorView = (posterView + 1) % nCams;
    const c = cameraCenter(cams[posterView]);
    // A body 1.8 m in front of the poster's camera, off to one side: only that view's detector fires on it.
    const poster = placedPose(0.3, 0.55 * c[0] + 0.6 * Math.sign(c[2] || 1), 0.55 * c[2] - 0.6 * Math.sign(c[0] || 1));
    const definitions = new Map(figures.map((f) => [f.id, drawDefinitionOffsets(noise, rng)]));
    const opts: SceneOptions = {
      noise, level: 1, occlusion: true, grabProbability: 0.3, definitions,
      posters: [{ view: posterView, joints: poster, presence: 0.7 }],
      reflections: [{ view: mirrorView, figure: 0, mirrorU: 0.9 * cams[mirrorView].width }],
    };
    const take: MultiTake = { version: 2, fps, sourceLayout: 'coco17', cameras: cams, frames: [], extra: {}, meta: {
      source: 'cli/make-multi-takes.ts', motions: src.source, people: nPeople, seed, posterView, mirrorView,
    } };
    const alone: Take[] = figures.map((f) => ({ fps, sourceLayout: 'coco17', cameras: cams, frames: [], extra: {}, meta: { source: 'cli/make-multi-takes.ts', alone: f.id } }));
    let falseDet = 0, dets = 0;
    for (let i = 0; i < Math.round(seconds * fps); i++) {
      const f = simulateScene(i / fps, cams, figures, opts, rng);
      take.frames.push({ time: f.time, views: f.views, labels: f.labels, gt: f.truth, extra: {} });
      for (const l of f.labels) for (const id of l ?? []) id < 0 ? falseDet++ : dets++;
      figures.forEach((fig, k) => {
        const truth = f.truth.find((p) => p.id === fig.id);
        const views = f.alone.get(fig.id) ?? cams.map(() => null);
        alone[k].frames.push({ time: f.time, views, gt: truth ? { joints: truth.joints, valid: new Uint8Array(NUM_JOINTS).fill(1) } : null, extra: {} });
      });
    }
    const name = `p${nPeople}-c${nCams}`;
    writeFileSync(join(values.out!, `${name}.json`), serializeMultiTake(take));
    alone.forEach((t, k) => writeFileSync(join(values.out!, `${name}.alone-${k}.json`), serializeTake(t)));
    summary.push(`${name}: ${take.frames.length} frame sets, ${dets} detections of people, ${falseDet} false detections`);
    console.log(summary[summary.length - 1]);
  }
}
console.log(`wrote ${summary.length} takes (+ alone takes) to ${values.out}`);
