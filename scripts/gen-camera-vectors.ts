/**
 * Writes training/tests/fixtures/camera_vectors.json from the TypeScript camera model, so the Python twin
 * (training/parallax_train/camera.py) is pinned to it. Run: node --import tsx scripts/gen-camera-vectors.ts
 */
import { writeFileSync } from 'node:fs';
import {
  cameraCenter,
  cameraToJSON,
  lookAtCamera,
  makeCamera,
  pixelRay,
  pixelToNormalized,
  projectPoints,
  transformCameraWorld,
  undistortPixel,
  rodriguesToMatrix,
  type Camera,
} from '../src/geometry';

// Deterministic LCG: the vectors must not change between runs.
let seed = 12345;
const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const uni = (a: number, b: number) => a + (b - a) * rand();

const cameras: Camera[] = [
  lookAtCamera({ name: 'level', width: 1280, height: 720, hfovDeg: 60, eye: [0, 1.5, 4], target: [0, 1, 0] }),
  lookAtCamera({
    name: 'corner', width: 1920, height: 1080, hfovDeg: 70, eye: [3, 2.3, 3], target: [0, 0.9, 0],
    dist: [-0.12, 0.03, 0.001, -0.0005, 0],
  }),
  lookAtCamera({
    name: 'portrait', width: 1080, height: 1920, hfovDeg: 40, eye: [-2, 0.7, 1.5], target: [0.2, 1.1, -0.3],
    dist: [0.05, -0.02, -0.002, 0.001, 0.004],
  }),
  makeCamera({
    name: 'skewed', width: 3840, height: 2160,
    K: [[2900, 1.5, 1850], [0, 2890, 1120], [0, 0, 1]],
    dist: [-0.28, 0.09, 0.0007, 0.0012, -0.012],
    R: rodriguesToMatrix(0.3, -2.2, 0.15),
    t: [0.4, -0.9, 5.2],
  }),
];
// A camera in a z-up world, as other tools write them.
const zUp = new Float64Array([1, 0, 0, 0, 0, -1, 0, 1, 0]);
cameras.push({ ...transformCameraWorld(cameras[1], zUp, [1.5, -2, 0.3]), name: 'corner_zup' });

const points: number[][] = [];
for (let i = 0; i < 24; i++) points.push([uni(-1.2, 1.2), uni(-0.2, 2.2), uni(-1.2, 1.2)]);
points.push([0, 1.5, 6]); // behind the 'level' camera

const out = cameras.map((cam) => {
  const flatPts = points.flat();
  const uv = projectPoints(cam, flatPts);
  const pixels: number[][] = [];
  for (let i = 0; i < 20; i++) pixels.push([uni(-50, cam.width + 50), uni(-50, cam.height + 50)]);
  const norm: (number[] | null)[] = [], ok: boolean[] = [], und: (number[] | null)[] = [], rays: (number[] | null)[] = [];
  for (const [u, v] of pixels) {
    const n = new Float64Array(2);
    const good = pixelToNormalized(cam, u, v, n);
    ok.push(good);
    norm.push(good ? Array.from(n) : null);
    const p = new Float64Array(2);
    und.push(undistortPixel(cam, u, v, p) ? Array.from(p) : null);
    const r = new Float64Array(3);
    rays.push(pixelRay(cam, u, v, r) ? Array.from(r) : null);
  }
  return {
    camera: cameraToJSON(cam),
    points,
    projected: Array.from({ length: points.length }, (_, i) =>
      Number.isFinite(uv[2 * i]) ? [uv[2 * i], uv[2 * i + 1]] : null),
    pixels,
    normalized: norm,
    ok,
    undistorted: und,
    rays,
    center: Array.from(cameraCenter(cam)),
  };
});

const lookAt = [
  { eye: [0, 1.5, 4], target: [0, 1, 0] },
  { eye: [3, 2.3, -3], target: [0.1, 0.9, 0.2] },
  { eye: [-1, 0.6, 0.5], target: [0, 1.2, 0] },
].map(({ eye, target }) => {
  const c = lookAtCamera({ name: 'l', width: 640, height: 480, hfovDeg: 55, eye, target });
  return { eye, target, hfovDeg: 55, width: 640, height: 480, camera: cameraToJSON(c) };
});

const file = new URL('../training/tests/fixtures/camera_vectors.json', import.meta.url);
writeFileSync(file, JSON.stringify({ generator: 'scripts/gen-camera-vectors.ts', cases: out, lookAt }, null, 1) + '\n');
console.log(`wrote ${file.pathname}: ${out.length} cameras, ${points.length} points, ${lookAt.length} look-at cases`);
