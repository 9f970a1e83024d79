import { describe, expect, it } from 'vitest';
import {
  cameraCenter, lookAtCamera, makeCamera, pixelRay, pixelToNormalized, projectPoint, transformCameraWorld, undistortPixel,
} from './camera';
import { rodriguesToMatrix, matrixToRodrigues, rotationAngleBetween } from './rotation';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const base = { name: 'c', width: 1280, height: 720, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] };

describe('camera model', () => {
  it('projects the principal point and respects K', () => {
    const cam = makeCamera({ ...base, K: [[900, 0, 640], [0, 910, 360], [0, 0, 1]] });
    const out = new Float64Array(2);
    expect(projectPoint(cam, 0, 0, 2, out)).toBe(true);
    expect(out[0]).toBeCloseTo(640, 12);
    expect(out[1]).toBeCloseTo(360, 12);
    projectPoint(cam, 0.2, -0.1, 2, out);
    expect(out[0]).toBeCloseTo(640 + 900 * 0.1, 10);
    expect(out[1]).toBeCloseTo(360 - 910 * 0.05, 10);
    expect(projectPoint(cam, 0, 0, -1, out)).toBe(false);
  });

  for (const k1 of [0.3, -0.3]) {
    it(`undistortion inverts distortion over the whole image to < 1e-3 px (k1 = ${k1})`, () => {
      // A focal length at which the whole image lies inside the lens model's invertible domain for k1 = -0.3.
      const cam = makeCamera({ ...base, K: [[1100, 0, 639.5], [0, 1100, 359.5], [0, 0, 1]], dist: [k1, 0.05, 0.001, -0.001, 0.01] });
      const n = new Float64Array(2);
      const back = new Float64Array(2);
      let worst = 0;
      for (let v = 0; v <= 720; v += 24) {
        for (let u = 0; u <= 1280; u += 32) {
          expect(pixelToNormalized(cam, u, v, n)).toBe(true);
          projectPoint(cam, n[0], n[1], 1, back);
          worst = Math.max(worst, Math.hypot(back[0] - u, back[1] - v));
        }
      }
      expect(worst).toBeLessThan(1e-3);
    });
  }

  it('undistortPixel of a distortion-free camera is the identity', () => {
    const cam = makeCamera({ ...base, K: [[800, 0, 600], [0, 800, 350], [0, 0, 1]] });
    const out = new Float64Array(2);
    undistortPixel(cam, 123.4, 567.8, out);
    expect(out[0]).toBeCloseTo(123.4, 10);
    expect(out[1]).toBeCloseTo(567.8, 10);
  });

  it('camera centre and rays agree with projection', () => {
    const r = rng(7);
    for (let trial = 0; trial < 20; trial++) {
      const eye = [r() * 6 - 3, 0.5 + r() * 2.5, r() * 6 - 3];
      const cam = lookAtCamera({ name: 'c', width: 1280, height: 720, hfovDeg: 40 + r() * 30, eye, target: [r() - 0.5, 1, r() - 0.5], dist: [r() * 0.2 - 0.1, 0.01, 0, 0, 0] });
      const C = cameraCenter(cam);
      for (let i = 0; i < 3; i++) expect(C[i]).toBeCloseTo(eye[i], 9);
      const u = r() * 1280, v = r() * 720;
      const d = new Float64Array(3);
      expect(pixelRay(cam, u, v, d)).toBe(true);
      expect(Math.hypot(d[0], d[1], d[2])).toBeCloseTo(1, 12);
      const depth = 1 + r() * 5;
      const X = [C[0] + depth * d[0], C[1] + depth * d[1], C[2] + depth * d[2]];
      const px = new Float64Array(2);
      expect(projectPoint(cam, X[0], X[1], X[2], px)).toBe(true);
      expect(Math.hypot(px[0] - u, px[1] - v)).toBeLessThan(1e-6);
    }
  });

  it('lookAtCamera keeps image down along world down for a level camera', () => {
    const cam = lookAtCamera({ name: 'c', width: 640, height: 480, hfovDeg: 60, eye: [0, 1.5, 4], target: [0, 1.5, 0] });
    const above = new Float64Array(2), below = new Float64Array(2);
    projectPoint(cam, 0, 2, 0, above);
    projectPoint(cam, 0, 1, 0, below);
    expect(above[1]).toBeLessThan(below[1]);
    const right = new Float64Array(2);
    projectPoint(cam, 1, 1.5, 0, right); // world +x is to the camera's right when it looks down −z
    expect(right[0]).toBeGreaterThan(320);
  });

  it('transformCameraWorld keeps projections of moved points identical', () => {
    const cam = lookAtCamera({ name: 'c', width: 1280, height: 720, hfovDeg: 60, eye: [2, 1.6, 3], target: [0, 1, 0], dist: [0.1, 0, 0, 0, 0] });
    const M = rodriguesToMatrix(0.3, -1.2, 0.7);
    const c = [5, -2, 10];
    const moved = transformCameraWorld(cam, M, c);
    const X = [0.3, 1.2, -0.4];
    const Xm = [0, 1, 2].map((i) => M[3 * i] * X[0] + M[3 * i + 1] * X[1] + M[3 * i + 2] * X[2] + c[i]);
    const a = new Float64Array(2), b = new Float64Array(2);
    projectPoint(cam, X[0], X[1], X[2], a);
    projectPoint(moved, Xm[0], Xm[1], Xm[2], b);
    expect(Math.hypot(a[0] - b[0], a[1] - b[1])).toBeLessThan(1e-9);
  });
});

describe('rotations', () => {
  it('Rodrigues round trip, including near 0 and π', () => {
    for (const v of [[0.1, -0.2, 0.3], [1e-9, 0, 0], [Math.PI - 1e-6, 0, 0], [0, 2.5, -1.2], [-1.7, 0.2, 2.4]]) {
      const R = rodriguesToMatrix(v[0], v[1], v[2]);
      const back = matrixToRodrigues(R);
      const R2 = rodriguesToMatrix(back[0], back[1], back[2]);
      expect(rotationAngleBetween(R, R2)).toBeLessThan(1e-6);
    }
  });
});

describe('lookAtCamera roll', () => {
  it('turns the image about the optical axis and nothing else', () => {
    const base = { name: 'c', width: 640, height: 480, hfovDeg: 60, eye: [0, 1, 3], target: [0, 1, 0] }; // looking level
    const level = lookAtCamera(base), rolled = lookAtCamera({ ...base, rollDeg: 30 });
    expect(Array.from(rolled.R.slice(6))).toEqual(Array.from(level.R.slice(6))); // same optical axis
    const C0 = cameraCenter(level), C1 = cameraCenter(rolled);
    for (let a = 0; a < 3; a++) expect(C1[a]).toBeCloseTo(C0[a], 12);
    // the image-right axis leaves the horizontal plane by the roll
    expect(Math.asin(rolled.R[1]) * (180 / Math.PI)).toBeCloseTo(-30, 6);
  });
});
