/**
 * Writes a C3D through src/export/c3d.ts and the points it should hold, for the Python suite to read back with the
 * real C3D library (training/tests/test_c3d_export.py): node --import tsx scripts/c3d-fixture.ts OUT_DIR.
 * The poses: the simulated figure walking, a few joints without an estimate and one frame with no pose at all.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeC3d } from '../src/export/c3d';
import { COCO17_NAMES, NUM_JOINTS } from '../src/keypoints/coco17';
import { figurePose } from '../src/sim/figure';

const out = process.argv[2];
if (!out) throw new Error('usage: c3d-fixture.ts OUT_DIR');
mkdirSync(out, { recursive: true });
const fps = 59.94, n = 40;
const poses = Array.from({ length: n }, (_, f) => {
  if (f === 7) return null;
  const valid = new Uint8Array(NUM_JOINTS).fill(1);
  if (f % 5 === 0) valid[(f / 5) % NUM_JOINTS] = 0;
  return { joints: figurePose(f / fps), valid };
});
writeFileSync(join(out, 'walk.c3d'), writeC3d(poses, { fps }));
writeFileSync(join(out, 'walk.expected.json'), JSON.stringify({
  rate: fps,
  labels: COCO17_NAMES,
  units: 'mm',
  // [frame][joint] = [x, y, z] in mm, or null for a missing point
  points: poses.map((p) => COCO17_NAMES.map((_, j) => (p && p.valid[j] ? [0, 1, 2].map((k) => p.joints[3 * j + k] * 1000) : null))),
}));
