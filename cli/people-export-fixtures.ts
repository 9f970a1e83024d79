/**
 * Writes the exports of several people (src/export/people.ts) for the Python suite to open in the tools they are
 * for (training/tests/test_people_exports.py: Blender's BVH importer, OpenSim's TRC readers, ezc3d):
 *
 *   node --import tsx cli/people-export-fixtures.ts OUT_DIR
 *
 * Three walking figures (tracker ids 0, 4, 7: P1, P5, P8) in a z-up calibration, P5 absent in the first frames and
 * P8 for a stretch in the middle. OUT_DIR holds people-robust-all.{csv,json,trc,c3d}, people-robust-P<k>.bvh per
 * person, and expected.json: { fps, frames, people: [{ label, id }], markers, standingFrames, absent: { label:
 * [frames] }, trc / c3d: [frame][marker] = [x, y, z] mm (Y up / Z up) or null, hips: { label: [frame] = [x, y, z] m,
 * Y up } } — what each file must hold.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_EXPORT_FORMATS } from '../src/export/export';
import { exportFrame, posesYUp, posesZUp } from '../src/export/frame';
import { runPeopleExport, sideBySide, type PersonSequence } from '../src/export/people';
import type { PoseLike } from '../src/export/types';
import { JOINT, NUM_JOINTS, COCO17_NAMES } from '../src/keypoints';
import { personLabel } from '../src/people/label';
import { proceduralFigures } from '../src/sim/figures';
import { UPRIGHT_CASES, uprightScene } from '../src/testing/upright-scenes';
import { rotatePoses } from '../src/export/frame';

const out = process.argv[2];
if (!out) {
  console.error('usage: node --import tsx cli/people-export-fixtures.ts OUT_DIR');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const FPS = 30, N = 60;
const zUp = UPRIGHT_CASES.find((k) => k.name === 'z-up')!;
const { cameras } = uprightScene(zUp, FPS);
const frame = exportFrame(cameras);
const times = Array.from({ length: N }, (_, f) => f / FPS);
const ids = [0, 4, 7];
const absent = (k: number, f: number) => (k === 1 && f < 10) || (k === 2 && f >= 25 && f < 35);
const people: PersonSequence[] = proceduralFigures(3).map((fig, k) => {
  const sim = times.map((t) => ({ joints: fig.pose(t, new Float64Array(NUM_JOINTS * 3))!, valid: new Uint8Array(NUM_JOINTS).fill(1) }));
  // Into the z-up calibration's frame, as the z-up export case places the one figure.
  const poses = rotatePoses(sim, zUp.W).map((p, f): PoseLike | null => {
    if (absent(k, f)) return null;
    for (let j = 0; j < p!.joints.length; j += 3) for (let a = 0; a < 3; a++) p!.joints[j + a] += zUp.c[a];
    return p;
  });
  return { id: ids[k], poses };
});
const files: string[] = [];
for (const format of ALL_EXPORT_FORMATS) {
  for (const f of runPeopleExport({ format, method: 'robust', fps: FPS, times, people, tagged: true, frame, baseName: 'people' })) {
    writeFileSync(join(out, f.name), f.data);
    files.push(f.name);
  }
}
const labels = people.map((p) => personLabel(p.id));
const mm = (poses: ReadonlyArray<PoseLike | null>) =>
  poses.map((p) => Array.from({ length: labels.length * NUM_JOINTS }, (_, i) => (p && p.valid[i] ? [0, 1, 2].map((a) => Math.round(p.joints[3 * i + a] * 1e6) / 1e3) : null)));
const merged = sideBySide(people, N);
const hip = (p: PoseLike) => [0, 1, 2].map((a) => (p.joints[3 * JOINT.left_hip + a] + p.joints[3 * JOINT.right_hip + a]) / 2);
writeFileSync(join(out, 'expected.json'), JSON.stringify({
  fps: FPS,
  frames: N,
  files,
  people: people.map((p, k) => ({ label: labels[k], id: p.id })),
  markers: labels.flatMap((l) => COCO17_NAMES.map((j) => `${l}_${j}`)),
  standingFrames: [0, 15, 45],
  absent: Object.fromEntries(labels.map((l, k) => [l, times.map((_, f) => f).filter((f) => absent(k, f))])),
  trc: mm(posesYUp(merged, frame)),
  c3d: mm(posesZUp(merged, frame)),
  hips: Object.fromEntries(people.map((p, k) => [labels[k], posesYUp(p.poses, frame).map((q) => (q ? hip(q) : null))])),
}));
console.log(`wrote ${files.length} files to ${out}`);
