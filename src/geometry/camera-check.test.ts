import { describe, expect, it } from 'vitest';
import { cameraToJSON, makeCamera } from './camera';
import { assertCameras, CAMERA_LIMITS, checkCamera, checkCameras } from './camera-check';
import { calibrationToJSON, calibrationToToml, parseCalibrationJSON, parseCalibrationText, parseCalibrationToml, parseQca } from '../calibration/io';
import { camerasFromJSON } from '../io/calibration-json';
import { parseTake, serializeTake } from '../take/take';
import { ringRig } from '../testing/synthetic';

type Json = ReturnType<typeof cameraToJSON>;
const good = (): Json => cameraToJSON(ringRig(2)[0]);
const fields = (c: Json) => checkCamera(makeCamera(c)).map((p) => p.field);

/** Each nonsense camera the issue found accepted, and the field the check must name. */
const NONSENSE: [string, (c: Json) => void, RegExp][] = [
  ['width 0', (c) => (c.width = 0), /^width$/],
  ['height 1.5', (c) => (c.height = 1.5), /^height$/],
  ['width beyond 16384', (c) => (c.width = 20000), /^width$/],
  ['negative fx', (c) => (c.K[0][0] = -1000), /fx/],
  ['zero fy', (c) => (c.K[1][1] = 0), /fy/],
  ['fx = 1e-300', (c) => (c.K[0][0] = 1e-300), /fx/],
  ['fx = 1e308', (c) => (c.K[0][0] = 1e308), /fx/],
  ['K not of pinhole form', (c) => (c.K[2] = [0, 0.5, 1]), /^K$/],
  ['K[1][0] not 0', (c) => (c.K[1][0] = 3), /^K$/],
  ['cx = 1e308', (c) => (c.K[0][2] = 1e308), /cx/],
  ['distortion 1e308', (c) => (c.dist[0] = 1e308), /dist\[0\]/],
  ['tangential 5', (c) => (c.dist[3] = 5), /dist\[3\]/],
  ['R a reflection', (c) => (c.R[2] = c.R[2].map((v) => -v)), /^R$/],
  ['R scaled', (c) => (c.R = c.R.map((r) => r.map((v) => 2 * v))), /^R$/],
  ['R zero', (c) => (c.R = [[0, 0, 0], [0, 0, 0], [0, 0, 0]]), /^R$/],
  ['R off by 1e-5', (c) => (c.R[0][0] += 1e-5), /^R$/],
  ['t = 1e308', (c) => (c.t[0] = 1e308), /^t$/],
  ['t 2 km away', (c) => (c.t = [0, 0, 2000]), /^t$/],
];

describe('the one camera check', () => {
  it('passes a real camera and names the field of each nonsense one', () => {
    expect(fields(good())).toEqual([]);
    for (const [what, mutate, field] of NONSENSE) {
      const c = good();
      mutate(c);
      const f = fields(c);
      expect(f.length, what).toBeGreaterThan(0);
      expect(f[0], what).toMatch(field);
    }
  });

  it('holds at its bounds: a rotation off by 1e-7 passes, 1e-5 fails; focal at 0.05 × side passes', () => {
    const c = good();
    c.R[0][0] += 1e-7;
    expect(fields(c)).toEqual([]);
    const w = good();
    w.K[0][0] = w.K[1][1] = CAMERA_LIMITS.minFocalPerSide * Math.max(w.width, w.height);
    expect(fields(w)).toEqual([]);
    w.K[0][0] = w.K[1][1] *= 0.99;
    expect(fields(w)[0]).toMatch(/fx/);
  });

  it('refuses duplicate names, naming both', () => {
    const cams = ringRig(3).map((c) => ({ ...c, name: 'same' }));
    const p = checkCameras(cams);
    expect(p).toHaveLength(2);
    expect(p[0]).toMatchObject({ index: 1, field: 'name' });
    expect(() => assertCameras(cams, 'rig.json')).toThrow(/^rig\.json: camera "same" \(cameras\[1\]\): name: duplicate camera name \(also cameras\[0\]\)/);
  });
});

describe('every reader and writer runs it, naming file, camera and field', () => {
  const cams = ringRig(3);

  it('the calibration JSON, TOML and qca readers', () => {
    for (const [what, mutate, field] of NONSENSE) {
      const file = calibrationToJSON(cams);
      mutate(file.cameras[1] as Json);
      expect(() => parseCalibrationText('rig.json', JSON.stringify(file)), what).toThrow(new RegExp(`^rig\\.json: .*(camera "cam2"|cameras\\.1).*`));
      const cam = makeCamera(file.cameras[1] as Json);
      const problems = checkCamera(cam);
      expect(problems[0].field, what).toMatch(field);
    }
    const dup = calibrationToJSON(cams);
    dup.cameras[2].name = dup.cameras[0].name;
    expect(() => parseCalibrationJSON(JSON.stringify(dup), 'x.json')).toThrow(/x\.json: camera "cam1" \(cameras\[2\]\): name: duplicate/);
    // TOML: width 0, a negative focal length and duplicate names.
    const toml = calibrationToToml(cams);
    expect(() => parseCalibrationToml(toml.replace('size = [ 1280, 720 ]', 'size = [ 0, 720 ]'), 'c.toml')).toThrow(/^c\.toml: camera "cam1" \(cameras\[0\]\): width:/);
    const negF = toml.replace(/matrix = \[ \[ ([\d.]+)/, 'matrix = [ [ -$1');
    expect(negF).not.toBe(toml);
    expect(() => parseCalibrationToml(negF, 'c.toml')).toThrow(/c\.toml: camera "cam1" \(cameras\[0\]\): K\[0\]\[0\] \(fx\): focal length -/);
    expect(() => parseCalibrationToml(toml.replace(/name = "cam2"/, 'name = "cam1"'), 'c.toml')).toThrow(/duplicate camera name/);
  });

  it('a truncated .qca fails instead of dropping cameras; a qca with a bad camera names it', () => {
    const qca = `<calibration><cameras>${[1, 2, 3]
      .map(
        (i) => `<camera serial="c${i}"><fov_video left="0" top="0" right="1279" bottom="719"/>
<transform r11="1" r12="0" r13="0" r21="0" r22="1" r23="0" r31="0" r32="0" r33="1" x="${i * 1000}" y="0" z="0"/>
<intrinsic focalLengthU="64000" focalLengthV="64000" centerPointU="40960" centerPointV="23040" radialDistortion1="0" radialDistortion2="0" radialDistortion3="0" tangentalDistortion1="0" tangentalDistortion2="0"/></camera>`,
      )
      .join('\n')}</cameras></calibration>`;
    expect(parseQca(qca, 'a.qca')).toHaveLength(3);
    const cut = qca.slice(0, qca.lastIndexOf('</camera>'));
    expect(() => parseQca(cut, 'a.qca')).toThrow(/a\.qca: qca: 3 <camera> elements, only 2 complete: the file is truncated/);
    expect(() => parseQca(qca.slice(0, qca.indexOf('</cameras>')), 'a.qca')).toThrow(/a\.qca: qca: no closing <\/cameras>: the file is truncated/);
    expect(() => parseQca(qca.replace('right="1279"', 'right="-1"'), 'a.qca')).toThrow(/a\.qca: camera "c1" \(cameras\[0\]\): width/);
    expect(() => parseQca(qca.replace('r33="1" x="2000"', 'r33="-1" x="2000"'), 'a.qca')).toThrow(/camera "c2" \(cameras\[1\]\): R: a reflection/);
    expect(() => parseQca(qca.replace('serial="c3"', 'serial="c1"'), 'a.qca')).toThrow(/camera "c1" \(cameras\[2\]\): name: duplicate/);
  });

  it('take-format cameras and the take schema', () => {
    const list = cams.map(cameraToJSON);
    list[2].K[1][1] = -5;
    expect(() => camerasFromJSON(list, 'cams.json')).toThrow(/^cams\.json: \[2\]\.K\[1\]\[1\] \(fy\): camera "cam3": focal length -5/);
    const take = { format: 'multiview-take', version: 1, fps: 30, keypoints2d: 'coco17', cameras: list, frames: [] };
    expect(() => parseTake(take)).toThrow(/cameras\[2\]\.K\[1\]\[1\] \(fy\): camera "cam3"/);
  });

  it('writers refuse to write a camera no reader would take', () => {
    const bad = [...cams.slice(0, 2), makeCamera({ ...cameraToJSON(cams[2]), width: 0 })];
    expect(() => calibrationToJSON(bad)).toThrow(/camera "cam3" \(cameras\[2\]\): width/);
    expect(() => calibrationToToml(bad)).toThrow(/width/);
    expect(() => serializeTake({ fps: 30, sourceLayout: 'coco17', cameras: bad, frames: [], meta: {}, extra: {} })).toThrow(/take to write: camera "cam3"/);
  });
});
