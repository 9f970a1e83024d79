import { describe, expect, it } from 'vitest';
import { lookAtCamera, projectPoint, type Camera } from '../geometry/camera';
import { JOINT } from '../keypoints/coco17';
import { LAYOUTS } from '../keypoints/layouts';
import { camerasFromJSON } from './calibration-json';
import { openPoseFrameIndex, rankPeople, readOpenPoseFile } from './openpose';
import { matchCameras, openPoseImport, openPoseToMultiTake, openPoseToTake, type OpenPoseView } from './openpose-import';

const cam = (name: string, deg: number): Camera =>
  lookAtCamera({ name, width: 640, height: 480, hfovDeg: 60, eye: [3 * Math.sin((deg * Math.PI) / 180), 1.5, 3 * Math.cos((deg * Math.PI) / 180)], target: [0, 1, 0] });

/** A COCO-18 person whose every point projects the world point (0.01·k, 1, 0) for point k, confidence c. */
function coco18Person(camera: Camera, c: number): number[] {
  const px = new Float64Array(2);
  const out: number[] = [];
  for (let k = 0; k < 18; k++) {
    projectPoint(camera, 0.01 * k, 1, 0, px);
    out.push(px[0], px[1], c);
  }
  return out;
}

const file = (i: number, people: number[][]) => ({ fileName: `vid_${String(i).padStart(12, '0')}_keypoints.json`, json: { version: 1.3, people: people.map((p) => ({ pose_keypoints_2d: p })) } });

describe('OpenPose import (pure)', () => {
  it('reads frame indices from file names', () => {
    expect(openPoseFrameIndex('video_000000000042_keypoints.json')).toBe(42);
    expect(openPoseFrameIndex('000000000007_keypoints.json')).toBe(7);
    expect(openPoseFrameIndex('video_000000000042.json')).toBeNull();
  });

  it('ranks people by the summed confidences of their COCO-17 points, most confident first, stably', () => {
    const layout = LAYOUTS.body25;
    const fragment = Array.from({ length: 75 }, () => 0);
    fragment[2] = 1; // only a very sure nose
    const whole = Array.from({ length: 75 }, (_, k) => (k % 3 === 2 ? 0.5 : 10));
    const people = [fragment, whole];
    expect(rankPeople(people, layout)).toEqual([whole, fragment]);
    expect(people).toEqual([fragment, whole]); // a new array, the input keeps its order
    expect(rankPeople([], layout)).toEqual([]);
    // points that do not map to COCO-17 (BODY_25 neck = 1, mid-hip = 8) do not count
    const neckOnly = Array.from({ length: 75 }, () => 0);
    neckOnly[3 * 1 + 2] = 1; neckOnly[3 * 8 + 2] = 1;
    expect(rankPeople([neckOnly, fragment], layout)[0]).toBe(fragment);
    // ties keep the file's order, whatever the number of people (no engine-dependent sort)
    const twins = Array.from({ length: 12 }, () => fragment.slice());
    const ranked = rankPeople([neckOnly, ...twins, whole], layout);
    expect(ranked[0]).toBe(whole);
    expect(ranked.slice(1, 13)).toEqual(twins);
    ranked.slice(1, 13).forEach((p, i) => expect(p).toBe(twins[i]));
    expect(ranked[13]).toBe(neckOnly);
  });

  it('validates files, naming the file and field', () => {
    expect(() => readOpenPoseFile({ people: [{ pose_keypoints_2d: [1, 2, 'x'] }] }, 'a/f.json')).toThrow(/a\/f\.json: people\[0\]\.pose_keypoints_2d\[2\]/);
    expect(() => readOpenPoseFile({ people: [{ pose_keypoints_2d: [1, 2] }] }, 'a/f.json')).toThrow(/people\[0\]\.pose_keypoints_2d: 2 numbers is not a multiple of 3/);
    expect(() => readOpenPoseFile({ people: [{ pose_keypoints_2d: [1, 2, -1] }] }, 'a/f.json')).toThrow(/pose_keypoints_2d\[2\]: confidence -1/);
    expect(() => readOpenPoseFile({ persons: [] }, 'a/f.json')).toThrow(/a\/f\.json: people:/);
    expect(readOpenPoseFile({ people: [{ pose_keypoints_2d: [] }] }, 'f')).toEqual([]);
  });

  it('matches folders to cameras by name, else by order, else refuses', () => {
    const cams = [cam('left', -30), cam('right', 30)];
    expect(matchCameras(cams, ['right_json', 'LEFT']).cameras.map((c) => c.name)).toEqual(['right', 'left']);
    expect(matchCameras(cams, ['right_json', 'LEFT']).by).toBe('name');
    const byOrder = matchCameras(cams, ['a', 'b']);
    expect(byOrder.by).toBe('order');
    expect(byOrder.cameras.map((c) => c.name)).toEqual(['left', 'right']);
    expect(matchCameras([...cams, cam('top', 90)], ['top']).cameras.map((c) => c.name)).toEqual(['top']);
    expect(() => matchCameras(cams, ['a', 'b', 'c'])).toThrow(/3 folders/);
  });

  it('builds a take: frames matched by index, nulls for missing files and people, c = 0 → score 0', () => {
    const cams = [cam('c1', -30), cam('c2', 30)];
    const low = coco18Person(cams[1], 0.6);
    low[3 * 15 + 2] = 0; low[3 * 15] = 0; low[3 * 15 + 1] = 0; // LEye undetected
    const views: OpenPoseView[] = [
      { name: 'c1', files: [file(10, [coco18Person(cams[0], 0.9)]), file(11, []), file(12, [coco18Person(cams[0], 0.9)])] },
      { name: 'c2', files: [file(10, [low]), file(13, [coco18Person(cams[1], 0.9)])] },
    ];
    const { take, report } = openPoseToTake(views, cams, { fps: 25 });
    expect(report.layout).toBe('coco18');
    expect(take.frames.map((f) => f.time)).toEqual([10 / 25, 11 / 25, 12 / 25, 13 / 25]);
    expect(take.frames.map((f) => f.views.map((v) => v !== null))).toEqual([[true, true], [false, false], [true, false], [false, true]]);
    const v = take.frames[0].views[1]!;
    expect(v[3 * JOINT.left_eye + 2]).toBe(0);
    expect(v[3 * JOINT.right_eye + 2]).toBeCloseTo(0.6, 6);
    // COCO-18 point 11 (LHip, world x = 0.11) lands on COCO-17 left_hip
    const px = new Float64Array(2);
    projectPoint(cams[1], 0.11, 1, 0, px);
    expect(v[3 * JOINT.left_hip]).toBeCloseTo(px[0], 3);
    expect(v[3 * JOINT.left_hip + 1]).toBeCloseTo(px[1], 3);
    expect(report.perView.map((p) => p.outsideImage)).toEqual([0, 0]);
  });

  it('rejects inconsistent input with the file name', () => {
    const cams = [cam('c1', 0)];
    const body25 = Array.from({ length: 75 }, () => 0.5);
    expect(() => openPoseToTake([{ name: 'c1', files: [file(0, [coco18Person(cams[0], 1)]), file(1, [body25])] }], cams, { fps: 30 })).toThrow(
      /c1\/vid_000000000001_keypoints\.json: people\[0\] is body25 .* earlier files are coco18/,
    );
    expect(() => openPoseToTake([{ name: 'c1', files: [file(0, [body25])] }], cams, { fps: 30, layout: 'coco18' })).toThrow(/75 numbers, but --layout coco18 needs 54/);
    expect(() => openPoseToTake([{ name: 'c1', files: [file(0, [[1, 2, 3]])] }], cams, { fps: 30 })).toThrow(/expected 75 .* or 54/);
    expect(() => openPoseToTake([{ name: 'c1', files: [file(0, []), { ...file(0, []), fileName: 'other_000000000000_keypoints.json' }] }], cams, { fps: 30 })).toThrow(/frame index 0 also in/);
    expect(() => openPoseToTake([{ name: 'c1', files: [] }], cams, { fps: 30 })).toThrow(/c1: no \*_keypoints\.json/);
  });
});

describe('OpenPose import of several people', () => {
  const cams = [cam('c1', -30), cam('c2', 30)];
  const two = (c: number) => [coco18Person(cams[c], 0.9), coco18Person(cams[c], 0.5)];

  it('keeps every person per view; a missing file is no frame (null), a file with nobody an empty view', () => {
    const views: OpenPoseView[] = [
      { name: 'c1', files: [file(0, two(0)), file(1, [])] },
      { name: 'c2', files: [file(0, two(1))] },
    ];
    const { take, report } = openPoseToMultiTake(views, cams, { fps: 30 });
    expect(report.people).toBe('all');
    expect(take.version).toBe(2);
    expect(take.frames.map((f) => f.views.map((v) => (v === null ? null : v.length)))).toEqual([[2, 2], [0, null]]);
    expect(take.frames[0].views[1]![1][2]).toBeCloseTo(0.5, 6);
  });

  it("'auto' keeps everyone when some view holds two bodies, one person for a stray fragment", () => {
    const fragment = Array.from({ length: 54 }, () => 0);
    fragment.splice(0, 3, 300, 200, 0.9); // a confident nose alone
    const withFragment: OpenPoseView[] = [
      { name: 'c1', files: [file(0, [coco18Person(cams[0], 0.9), fragment])] },
      { name: 'c2', files: [file(0, [coco18Person(cams[1], 0.9)])] },
    ];
    expect(openPoseImport(withFragment, cams, { fps: 30, people: 'auto' }).kind).toBe('single');
    expect(openPoseImport(withFragment, cams, { fps: 30, people: 'all' }).kind).toBe('multi');
    // Two bodies in one view only (person B seen by c1 alone here): one person per view could mix A and B.
    const twoInOne: OpenPoseView[] = [
      { name: 'c1', files: [file(0, two(0))] },
      { name: 'c2', files: [file(0, [coco18Person(cams[1], 0.9)])] },
    ];
    expect(openPoseImport(twoInOne, cams, { fps: 30, people: 'auto' }).kind).toBe('multi');
    expect(openPoseImport(twoInOne, cams, { fps: 30, people: 'one' }).kind).toBe('single');
  });
});

describe('OpenPose layouts', () => {
  it('map each COCO-17 joint from the OpenPose point of the same name', () => {
    const opName = (n: string) => n.split('_').map((w) => (w === 'left' ? 'L' : w === 'right' ? 'R' : w[0].toUpperCase() + w.slice(1))).join('');
    for (const id of ['body25', 'body25b', 'coco18']) {
      const l = LAYOUTS[id];
      expect(LAYOUTS.coco17.names.map((_, j) => l.names[l.toCoco17[j]])).toEqual(LAYOUTS.coco17.names.map(opName));
    }
  });
});

describe('calibration JSON', () => {
  const good = () => JSON.parse(JSON.stringify([{ name: 'a', width: 640, height: 480, K: [[500, 0, 320], [0, 500, 240], [0, 0, 1]], dist: [], R: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], t: [0, 0, 3] }]));
  it('reads an array of cameras or a take', () => {
    expect(camerasFromJSON(good(), 'c.json')[0].name).toBe('a');
    expect(camerasFromJSON({ cameras: good(), frames: [] }, 'take.json')[0].t[2]).toBe(3);
  });
  it('names the file and field of a bad camera', () => {
    const bad = good();
    bad[0].K[1][1] = 'x';
    expect(() => camerasFromJSON(bad, 'c.json')).toThrow(/^c\.json: \[0\]\.K\[1\]\[1\]/);
    expect(() => camerasFromJSON({ cameras: [{ ...good()[0], t: [0, 0] }] }, 'take.json')).toThrow(/^take\.json: cameras\[0\]\.t/);
    expect(() => camerasFromJSON({ cams: [] }, 'x.json')).toThrow(/x\.json: expected an array of cameras/);
    expect(() => camerasFromJSON([...good(), ...good()], 'd.json')).toThrow(/d\.json: \[1\]\.name: duplicate/);
  });
});
