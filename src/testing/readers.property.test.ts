/**
 * Property tests of every TypeScript reader (issue 12): random damage to valid files never crashes (only the
 * reader's own error), never hangs, never yields a non-finite number, and either gives a valid object or an error
 * that names the file or field. Bounded (a few dozen runs each, seeded) so the suite stays fast.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cameraToJSON } from '../geometry/camera';
import { checkCameras } from '../geometry/camera-check';
import { calibrationToJSON, calibrationToToml, parseCalibrationJSON, parseCalibrationToml, parseQca } from '../calibration/io';
import { camerasFromJSON } from '../io/calibration-json';
import { OpenPoseError } from '../io/openpose';
import { openPoseToTake, type OpenPoseView } from '../io/openpose-import';
import { COCO17_NAMES } from '../keypoints/coco17';
import { LIMITS } from '../take/limits';
import { parseTake, TakeError } from '../take/take';
import { firstNonFinite, isReaderError, mutatedJson, mutatedText } from './mutate';
import { projectPose, ringRig, standingPose } from './synthetic';

const RUNS = { numRuns: 60, seed: 12 };
/** Each read must finish well within this (ms); a hang fails the property instead of the whole suite. */
const SLOW_MS = 2000;

function timed<T>(f: () => T): T {
  const t0 = performance.now();
  try {
    return f();
  } finally {
    expect(performance.now() - t0).toBeLessThan(SLOW_MS);
  }
}

const cams = ringRig(3);

function validTake() {
  const pose = standingPose();
  const views = projectPose(cams, pose).map((v) => Array.from({ length: 17 }, (_, j) => [v[3 * j], v[3 * j + 1], v[3 * j + 2]]));
  return {
    format: 'multiview-take', version: 1, fps: 30, keypoints2d: 'coco17', cameras: cams.map(cameraToJSON),
    frames: [0, 1, 2].map((i) => ({ time: i / 30, views: structuredClone(views), gt: Object.fromEntries(COCO17_NAMES.slice(0, 4).map((n, j) => [n, [pose[3 * j], pose[3 * j + 1], pose[3 * j + 2]]])) })),
  };
}

describe('property: the take reader', () => {
  it('damaged JSON values: a valid take or a TakeError naming the field', () => {
    fc.assert(
      fc.property(mutatedJson(validTake()), (value) => {
        let take;
        try {
          take = timed(() => parseTake(JSON.stringify(value)));
        } catch (e) {
          expect(e).toBeInstanceOf(TakeError);
          expect((e as TakeError).path).not.toBe('(root)');
          expect((e as Error).message).toMatch(/^Invalid take file — /);
          return;
        }
        expect(firstNonFinite(take)).toBeNull();
        expect(checkCameras(take.cameras)).toEqual([]);
        expect(take.fps).toBeLessThanOrEqual(LIMITS.maxFps);
        for (const f of take.frames) for (const v of f.views) if (v) for (let k = 0; k < v.length; k += 3) expect(Math.abs(v[k])).toBeLessThanOrEqual(LIMITS.maxPixel);
      }),
      RUNS,
    );
  });

  it('damaged text (cut, numbers replaced, BOM): never a crash', () => {
    fc.assert(
      fc.property(mutatedText(JSON.stringify(validTake())), (text) => {
        try {
          expect(firstNonFinite(timed(() => parseTake(text)))).toBeNull();
        } catch (e) {
          expect(e).toBeInstanceOf(TakeError);
        }
      }),
      RUNS,
    );
  });
});

/** Runs a calibration reader: cameras that pass the camera check, or an error that starts with the file name. */
function calibrationProperty(read: () => unknown, source: string) {
  let out: unknown;
  try {
    out = timed(read);
  } catch (e) {
    expect(isReaderError(e), String(e)).toBe(true);
    expect((e as Error).message.startsWith(`${source}: `), (e as Error).message).toBe(true);
    return;
  }
  const list = (Array.isArray(out) ? out : (out as { cameras: never[] }).cameras) as ReturnType<typeof ringRig>;
  expect(firstNonFinite(list)).toBeNull();
  expect(checkCameras(list)).toEqual([]);
}

describe('property: the calibration readers', () => {
  it('the app JSON', () => {
    fc.assert(fc.property(mutatedJson(calibrationToJSON(cams)), (v) => calibrationProperty(() => parseCalibrationJSON(JSON.stringify(v), 'rig.json'), 'rig.json')), RUNS);
    fc.assert(fc.property(mutatedText(JSON.stringify(calibrationToJSON(cams))), (t) => calibrationProperty(() => parseCalibrationJSON(t, 'rig.json'), 'rig.json')), RUNS);
  });

  it('take-format cameras', () => {
    fc.assert(fc.property(mutatedJson(cams.map(cameraToJSON)), (v) => calibrationProperty(() => camerasFromJSON(v, 'cams.json'), 'cams.json')), RUNS);
  });

  it('Pose2Sim TOML', () => {
    fc.assert(fc.property(mutatedText(calibrationToToml(cams)), (t) => calibrationProperty(() => parseCalibrationToml(t, 'rig.toml'), 'rig.toml')), RUNS);
  });

  it('Qualisys qca', () => {
    const qca = `<?xml version='1.0'?><calibration><cameras>${cams
      .map((c) => {
        const C = [0, 1, 2].map((i) => -(c.R[i] * c.t[0] + c.R[3 + i] * c.t[1] + c.R[6 + i] * c.t[2]) * 1000);
        const Q = [c.R[0], c.R[1], c.R[2], -c.R[3], -c.R[4], -c.R[5], -c.R[6], -c.R[7], -c.R[8]];
        return `<camera serial="${c.name}"><fov_video left="0" top="0" right="${c.width - 1}" bottom="${c.height - 1}"/>
<transform ${['r11', 'r12', 'r13', 'r21', 'r22', 'r23', 'r31', 'r32', 'r33'].map((k, i) => `${k}="${Q[i]}"`).join(' ')} x="${C[0]}" y="${C[1]}" z="${C[2]}"/>
<intrinsic focalLengthU="${c.K[0] * 64}" focalLengthV="${c.K[4] * 64}" centerPointU="${c.K[2] * 64}" centerPointV="${c.K[5] * 64}" radialDistortion1="${c.dist[0]}" radialDistortion2="${c.dist[1]}" radialDistortion3="${c.dist[4]}" tangentalDistortion1="${c.dist[2]}" tangentalDistortion2="${c.dist[3]}"/>
</camera>`;
      })
      .join('\n')}</cameras></calibration>`;
    const back = parseQca(qca, 'rig.qca');
    expect(back.map((c) => c.name)).toEqual(cams.map((c) => c.name));
    fc.assert(fc.property(mutatedText(qca), (t) => calibrationProperty(() => parseQca(t, 'rig.qca'), 'rig.qca')), RUNS);
  });
});

describe('property: the OpenPose import', () => {
  const two = cams.slice(0, 2);
  const files = (v: number) =>
    [0, 1, 2].map((i) => {
      const kp = projectPose(two, standingPose())[v];
      const body25 = new Array(75).fill(0);
      // COCO-17 joints into the BODY_25 slots (nose 0, shoulders 5/2, elbows 6/3, wrists 7/4, hips 12/9, knees 13/10, ankles 14/11, eyes 16/15, ears 18/17).
      const slot = [0, 16, 15, 18, 17, 5, 2, 6, 3, 7, 4, 12, 9, 13, 10, 14, 11];
      slot.forEach((s, j) => body25.splice(3 * s, 3, kp[3 * j], kp[3 * j + 1], 0.8));
      return { fileName: `clip_${String(i).padStart(12, '0')}_keypoints.json`, json: { version: 1.3, people: [{ pose_keypoints_2d: body25 }] } };
    });
  const views = (): OpenPoseView[] => two.map((c, v) => ({ name: c.name, files: files(v) }));

  it('damaged frame files and calibrations: a valid take or an error naming the file', () => {
    expect(openPoseToTake(views(), two, { fps: 30 }).take.frames).toHaveLength(3);
    fc.assert(
      fc.property(mutatedJson(views().map((v) => v.files.map((f) => f.json))), mutatedJson(two.map(cameraToJSON)), fc.boolean(), (jsons, camsJson, damageCams) => {
        const vs = views();
        if (Array.isArray(jsons)) vs.forEach((v, i) => v.files.forEach((f, k) => (f.json = (jsons as unknown[][])[i]?.[k])));
        let take;
        try {
          const calib = damageCams ? camerasFromJSON(camsJson, 'calib.json') : two;
          take = timed(() => openPoseToTake(vs, calib, { fps: 30 }).take);
        } catch (e) {
          expect(isReaderError(e), String(e)).toBe(true);
          expect((e as Error).message).toMatch(/^(cam\d\/clip_\d+_keypoints\.json: |calib\.json: |calibration: |cam\d: )/);
          if (!(e as Error).message.startsWith('calib')) expect(e).toBeInstanceOf(OpenPoseError);
          return;
        }
        expect(firstNonFinite(take)).toBeNull();
        expect(checkCameras(take.cameras)).toEqual([]);
        // What the import writes must read back: every coordinate within the take's bounds.
        for (const f of take.frames) for (const v of f.views) if (v) for (let k = 0; k < v.length; k += 3) expect(Math.abs(v[k]) + Math.abs(v[k + 1])).toBeLessThanOrEqual(2 * LIMITS.maxPixel);
        expect(parseTake(JSON.stringify({ format: 'multiview-take', version: 1, fps: 30, keypoints2d: 'coco17', cameras: take.cameras.map(cameraToJSON), frames: [] })).cameras).toHaveLength(2);
      }),
      RUNS,
    );
  });
});
