/**
 * Writes every export format for the simulated figure in y-up, z-up, tilted and upside-down calibrations, so the
 * Python suite can open them in the tools they are for (Blender's BVH importer, OpenSim's TRC reader).
 *
 *   node --import tsx cli/export-fixtures.ts OUT_DIR
 *
 * OUT_DIR/<case>.<format> for each case, and OUT_DIR/manifest.json: { fps, standingFrames, cases: [{ name, up, from, frames }] },
 * standingFrames being frames where the figure stands (not squatting), where the head is > 1.3 m above the ankles.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPORT_FORMATS, runExport } from '../src/export/export';
import { exportFrame } from '../src/export/frame';
import { UPRIGHT_CASES, uprightScene } from '../src/testing/upright-scenes';

const out = process.argv[2];
if (!out) {
  console.error('usage: node --import tsx cli/export-fixtures.ts OUT_DIR');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const FPS = 30;
const cases = UPRIGHT_CASES.map((k) => {
  const { cameras, poses, times } = uprightScene(k, FPS);
  const frame = exportFrame(cameras);
  for (const format of EXPORT_FORMATS) {
    writeFileSync(join(out, `${k.name}.${format}`), runExport({ format, method: 'truth', fps: FPS, times, poses, frame, baseName: k.name }));
  }
  return { name: k.name, up: frame.up, from: frame.from, frames: poses.length };
});
writeFileSync(join(out, 'manifest.json'), JSON.stringify({ fps: FPS, standingFrames: [0, 5, 10, 20].map((t) => t * FPS), cases }, null, 2));
console.log(`wrote ${cases.length} cases × ${EXPORT_FORMATS.length} formats to ${out}`);
