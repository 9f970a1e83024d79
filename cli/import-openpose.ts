/**
 * npm run import:openpose -- --calib <calibration.toml | cameras.json | take.json> --fps 30 [--layout body25|body25b|coco18]
 *                            [--people auto|one|all] <OpenPose folder per camera ...> -o take.json
 *
 * Turns OpenPose's per-frame JSON (one folder per camera) into a take with COCO-17 2D, which `npm run eval` and
 * the app read: version 1 with the most confident person per view, or version 2 with every person when a folder
 * has frames with several people (--people auto, the default; one / all force either). The conversion itself is src/io/openpose-import.ts; this file only reads and writes files.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Camera } from '../src/geometry/camera';
import { parseCalibrationJSON, parseCalibrationToml, parseQca } from '../src/calibration/io';
import { camerasFromJSON } from '../src/io/calibration-json';
import { OPENPOSE_LAYOUT_IDS, type OpenPoseLayoutId } from '../src/io/openpose';
import { openPoseImport, type OpenPosePeople, type OpenPoseView } from '../src/io/openpose-import';
import { serializeTake } from '../src/take/take';
import { serializeMultiTake } from '../src/take/multi';
import { LIMITS } from '../src/take/limits';
import { stripBom } from '../src/util/text';
import { parseNumber, refuseRepeatedPaths } from './lib/args';

/** An OpenPose frame file holds a few people's keypoints: a few kB. Anything this large is not one. */
const MAX_OPENPOSE_FILE_BYTES = 16 * 1024 * 1024;

const usage =
  'usage: npm run import:openpose -- --calib <calibration.toml|.qca|cameras.json|take.json> --fps 30 [--layout body25|body25b|coco18] [--people auto|one|all] <folder per camera ...> -o take.json';

/**
 * Cameras from a Pose2Sim/anipose TOML, a Qualisys .qca, the app's calibration JSON (src/calibration/io.ts), or
 * take-format cameras: an array of them or a take file (src/io/calibration-json.ts).
 */
function loadCalibration(path: string): Camera[] {
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw new Error('it is a folder');
    text = stripBom(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`--calib: cannot read ${path}: ${(e as Error).message}`);
  }
  // Every reader runs the one camera check and names the file; camerasFromJSON does so through the take schema.
  if (/\.toml$/i.test(path)) return parseCalibrationToml(text, path);
  if (/\.qca(\.txt)?$/i.test(path)) return parseQca(text, path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not JSON: ${(e as Error).message}`);
  }
  if (typeof value === 'object' && value !== null && (value as { format?: unknown }).format === 'parallax-calibration') return parseCalibrationJSON(text, path).cameras;
  return camerasFromJSON(value, path);
}

function readFolder(dir: string): OpenPoseView {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    names = readdirSync(dir);
  } catch (e) {
    throw new Error(`${dir}: cannot read the folder: ${(e as Error).message}`);
  }
  const name = basename(resolve(dir));
  const files = names
    .filter((n) => n.endsWith('_keypoints.json'))
    .sort()
    .map((fileName) => {
      const path = join(dir, fileName);
      let text: string;
      try {
        const st = statSync(path);
        if (!st.isFile()) throw new Error('not a file');
        if (st.size > MAX_OPENPOSE_FILE_BYTES) throw new Error(`${st.size} bytes, more than the ${MAX_OPENPOSE_FILE_BYTES} an OpenPose frame file may have`);
        text = stripBom(readFileSync(path, 'utf8'));
      } catch (e) {
        throw new Error(`${name}/${fileName}: cannot read: ${(e as Error).message}`);
      }
      try {
        return { fileName, json: JSON.parse(text) as unknown };
      } catch (e) {
        throw new Error(`${name}/${fileName}: not JSON: ${(e as Error).message}`);
      }
    });
  return { name, files };
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      calib: { type: 'string' },
      fps: { type: 'string' },
      layout: { type: 'string' },
      people: { type: 'string', default: 'auto' },
      out: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (!values.calib) throw new Error('--calib is required');
  if (!values.fps) throw new Error('--fps is required');
  if (!values.out) throw new Error('-o <take.json> is required');
  if (positionals.length === 0) throw new Error('give one OpenPose output folder per camera');
  const fps = parseNumber(values.fps, '--fps', { min: LIMITS.minFps, max: LIMITS.maxFps });
  const layout = values.layout as OpenPoseLayoutId | undefined;
  if (layout !== undefined && !OPENPOSE_LAYOUT_IDS.includes(layout)) throw new Error(`--layout: expected one of ${OPENPOSE_LAYOUT_IDS.join(', ')}, got "${layout}"`);
  const people = values.people as OpenPosePeople;
  if (!['auto', 'one', 'all'].includes(people)) throw new Error(`--people: expected auto, one or all, got "${people}"`);
  const cameras = loadCalibration(values.calib);
  refuseRepeatedPaths(positionals, 'OpenPose folder');
  const views = positionals.map(readFolder);
  const imported = openPoseImport(views, cameras, { fps, layout, people });
  const { report } = imported;
  // Both writers run the camera check again: nothing is written that eval would refuse.
  writeFileSync(values.out, imported.kind === 'multi' ? serializeMultiTake(imported.take) : serializeTake(imported.take));
  const kept = imported.kind === 'multi' ? 'every person per view (take version 2)' : 'one person per view (take version 1)';
  console.log(`${report.layout}: ${report.frames} frames (indices ${report.firstIndex}–${report.lastIndex}), cameras matched to folders by ${report.cameraMatch}; ${kept}`);
  for (const v of report.perView) {
    const extra = [v.multiPerson ? `${v.multiPerson} with several people${imported.kind === 'multi' ? '' : ' (highest mean confidence kept)'}` : '', v.outsideImage ? `${v.outsideImage} points outside the ${v.camera} image — check the camera order` : '']
      .filter(Boolean)
      .join('; ');
    console.log(`  ${v.name} → ${v.camera}: ${v.files} files, ${v.withPerson} with a person${extra ? `; ${extra}` : ''}`);
  }
  console.log(`wrote ${values.out}`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`import:openpose: ${(e as Error).message}\n${usage}`);
  process.exitCode = 2;
}
