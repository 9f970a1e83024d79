import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeCamera, projectPoint } from '../geometry/camera';
import { boardObjectPoints, parseBoardSpec } from './board';
import { calibrationToJSON, calibrationToToml, parseCalibrationJSON, parseCalibrationText, parseCalibrationToml, parseQca } from './io';
import { synthCameras } from './synthRig';

const DIR = '../shared/data/pose2sim-demo/calibration';

/** Max pixel disagreement of two rigs over a grid of world points in front of both. */
function maxReprojectionGap(a: ReturnType<typeof synthCameras>, b: ReturnType<typeof synthCameras>, grid: number[][]): number {
  let worst = 0;
  const p = new Float64Array(2), q = new Float64Array(2);
  a.forEach((cam, i) => {
    for (const X of grid) {
      if (!projectPoint(cam, X[0], X[1], X[2], p) || !projectPoint(b[i], X[0], X[1], X[2], q)) continue;
      if (p[0] < 0 || p[1] < 0 || p[0] >= cam.width || p[1] >= cam.height) continue;
      worst = Math.max(worst, Math.hypot(p[0] - q[0], p[1] - q[1]));
    }
  });
  return worst;
}

const volume: number[][] = [];
for (let x = -1; x <= 1; x += 0.25) for (let y = -1; y <= 1; y += 0.25) for (let z = 0; z <= 2; z += 0.25) volume.push([x, y, z]);

describe('calibration files', () => {
  it('round-trips the app JSON and the Pose2Sim TOML', () => {
    const cams = synthCameras();
    const back = parseCalibrationJSON(JSON.stringify(calibrationToJSON(cams, { board: { cols: 9, rows: 6, squareMm: 60 } }))).cameras;
    expect(maxReprojectionGap(cams, back, volume)).toBeLessThan(1e-9);
    const fromToml = parseCalibrationToml(calibrationToToml(cams));
    expect(fromToml.map((c) => c.name)).toEqual(cams.map((c) => c.name));
    expect(maxReprojectionGap(cams, fromToml, volume)).toBeLessThan(1e-6);
  });

  it('rejects bad files with a message naming the field', () => {
    const good = calibrationToJSON(synthCameras());
    const bad = JSON.parse(JSON.stringify(good));
    bad.cameras[1].K[0] = [1, 2];
    expect(() => parseCalibrationJSON(JSON.stringify(bad))).toThrow(/cameras\.1\.K\.0/);
    const notRot = JSON.parse(JSON.stringify(good));
    notRot.cameras[2].R[0][0] = 5;
    expect(() => parseCalibrationJSON(JSON.stringify(notRot))).toThrow(/camera "cam3" \(cameras\[2\]\): R: not a rotation/);
    expect(() => parseCalibrationJSON('{oops')).toThrow(/not JSON/);
    expect(() => parseCalibrationToml('[cam_1]\nsize = [1, 2]\n')).toThrow(/\[cam_1\].*matrix/);
    expect(() => parseCalibrationText('x.toml', 'a = = 1')).toThrow(/TOML/);
  });

  it('imports the shared Calib_qualisys.toml, which agrees with Calib.qca.txt by reprojection', () => {
    const toml = parseCalibrationToml(readFileSync(`${DIR}/Calib_qualisys.toml`, 'utf8'));
    const qca = parseQca(readFileSync(`${DIR}/Calib.qca.txt`, 'utf8'));
    expect(toml.map((c) => c.name)).toEqual(['cam_01', 'cam_02', 'cam_03', 'cam_04']);
    expect(toml[0].width).toBe(1088);
    expect(toml[0].height).toBe(1920);
    // Same pinhole part: with distortion removed from both, the projections coincide.
    const noDist = (list: typeof toml) => list.map((c) => makeCamera({ ...c, dist: [0, 0, 0, 0, 0] }));
    expect(maxReprojectionGap(noDist(toml), noDist(qca), volume)).toBeLessThan(0.01);
    // With distortion: the TOML's values were divided by 64 (PROVENANCE.md), so they differ by a few pixels at most.
    const gap = maxReprojectionGap(toml, qca, volume);
    expect(gap).toBeGreaterThan(0.1);
    expect(gap).toBeLessThan(15);
  });

  it('parses board specs', () => {
    expect(parseBoardSpec('9x6')).toEqual({ cols: 9, rows: 6, squareMm: 25 });
    expect(parseBoardSpec('4x7:60')).toEqual({ cols: 4, rows: 7, squareMm: 60 });
    expect(parseBoardSpec('9by6')).toBeNull();
    expect(boardObjectPoints({ cols: 2, rows: 2, squareMm: 10 })[9]).toBeCloseTo(0.01);
  });
});
