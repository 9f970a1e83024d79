import { describe, expect, it } from 'vitest';
import { NUM_JOINTS } from '../keypoints';
import { proceduralFigures } from '../sim/figures';
import { bvhFramePositions, parseBvh } from './bvh-reader';
import { runExport, runExportFile } from './export';
import { Y_UP, exportFrame } from './frame';
import { peopleFileName, runPeopleExport, type PersonSequence } from './people';
import { lookAtCamera } from '../geometry/camera';
import type { PoseLike } from './types';

const FPS = 30, N = 24;
const times = Array.from({ length: N }, (_, f) => f / FPS);
/** Three walking figures with tracker ids 0, 4 and 7; P5 absent in frames 0–4, P8 in 10–12 and without its nose in 15. */
function people(): PersonSequence[] {
  const figs = proceduralFigures(3);
  const ids = [0, 4, 7];
  return figs.map((fig, k) => ({
    id: ids[k],
    poses: times.map((t, f): PoseLike | null => {
      if ((k === 1 && f <= 4) || (k === 2 && f >= 10 && f <= 12)) return null;
      const valid = new Uint8Array(NUM_JOINTS).fill(1);
      if (k === 2 && f === 15) valid[0] = 0;
      return { joints: fig.pose(t, new Float64Array(NUM_JOINTS * 3))!, valid };
    }),
  }));
}
const base = { method: 'robust', fps: FPS, times, frame: Y_UP, baseName: 'take' };
const text = (d: string | Uint8Array) => (typeof d === 'string' ? d : new TextDecoder().decode(d));

describe('exports of several people', () => {
  it('CSV: one row per frame and person with a person column, values as recorded, empty cells where absent', () => {
    const ps = people();
    const [file] = runPeopleExport({ ...base, format: 'csv', people: ps, tagged: true });
    expect(file.name).toBe('take-robust-all.csv');
    const lines = text(file.data).trimEnd().split('\n');
    expect(lines[0]).toBe("# frame: calibration; units: m; up: 0 1 0 (+y, from no calibration: the app default)");
    const header = lines[1].split(',');
    expect(header.slice(0, 6)).toEqual(['frame', 'time', 'person', 'nose_x', 'nose_y', 'nose_z']);
    expect(header).toHaveLength(3 + 51);
    expect(lines).toHaveLength(2 + N * 3);
    const rows = lines.slice(2).map((l) => l.split(','));
    expect(rows.slice(0, 3).map((r) => r[2])).toEqual(['P1', 'P5', 'P8']);
    for (const r of rows) {
      const f = Number(r[0]), k = ['P1', 'P5', 'P8'].indexOf(r[2]);
      const p = ps[k].poses[f];
      if (!p) expect(r.slice(3).every((c) => c === '')).toBe(true);
      else for (let q = 0; q < 51; q++) expect(r[3 + q] === '' ? !p.valid[Math.floor(q / 3)] : Math.abs(Number(r[3 + q]) - p.joints[q]) < 1e-5).toBe(true);
    }
    expect(text(file.data)).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('JSON (version 3): every person per frame with its label and id, null joints where absent', () => {
    const ps = people();
    const [file] = runPeopleExport({ ...base, format: 'json', people: ps, tagged: true });
    const j = JSON.parse(text(file.data));
    expect(j).toMatchObject({ format: 'parallax-poses3d', version: 3, method: 'robust', units: 'm', up: [0, 1, 0] });
    expect(j.people).toEqual([{ person: 'P1', id: 0 }, { person: 'P5', id: 4 }, { person: 'P8', id: 7 }]);
    expect(j.frames).toHaveLength(N);
    expect(j.frames[2].people[1]).toEqual({ person: 'P5', joints: null });
    expect(j.frames[15].people[2].joints).not.toHaveProperty('nose');
    expect(j.frames[20].people[1].joints.left_hip[1]).toBeCloseTo(ps[1].poses[20]!.joints[3 * 11 + 1], 5);
  });

  it('TRC: markers prefixed per person, millimetres Y up, empty cells where a person is absent', () => {
    const ps = people();
    // A z-up calibration: the file is turned Y up, so Y holds the calibration's z.
    const zUp = exportFrame([0, 1, 2, 3].map((i) => lookAtCamera({ name: `c${i}`, width: 640, height: 480, hfovDeg: 60, eye: [4 * Math.cos(i * 1.6), 4 * Math.sin(i * 1.6), 1.5], target: [0, 0, 1], up: [0, 0, 1] })));
    const zPeople = ps.map((p) => ({ id: p.id, poses: p.poses.map((q) => q && { joints: q.joints.map((v, i) => (i % 3 === 1 ? -q.joints[i + 1] : i % 3 === 2 ? q.joints[i - 1] : v)), valid: q.valid }) }));
    const [file] = runPeopleExport({ ...base, frame: zUp, format: 'trc', people: zPeople, tagged: true });
    const lines = text(file.data).trimEnd().split('\n');
    expect(lines[0]).toBe('PathFileType\t4\t(X/Y/Z)\ttake-robust-all.trc');
    expect(lines[2].split('\t').slice(2, 5)).toEqual([String(N), '51', 'mm']);
    const markers = lines[3].split('\t').slice(2).filter(Boolean);
    expect(markers).toHaveLength(51);
    expect(markers.slice(0, 2)).toEqual(['P1_nose', 'P1_left_eye']);
    expect(markers[17]).toBe('P5_nose');
    expect(markers[50]).toBe('P8_right_ankle');
    const row = (f: number) => lines[6 + f].split('\t');
    // P5's left hip Y (up) in frame 20 = its height in mm; P5 absent in frame 2.
    expect(Number(row(20)[2 + 3 * (17 + 11) + 1]) / 1000).toBeCloseTo(ps[1].poses[20]!.joints[3 * 11 + 1], 4);
    expect(row(2).slice(2 + 3 * 17, 2 + 3 * 34).every((c) => c === '')).toBe(true);
    expect(text(file.data)).not.toMatch(/NaN/);
    // Every table line ends with an empty cell, so a row whose last markers are missing (P8 in frame 11) keeps its
    // column count in OpenSim's reader, which drops a line's trailing empty cell.
    const width = lines[3].split('\t').length;
    expect(width).toBe(2 + 3 * 51 + 1);
    for (const l of text(file.data).split('\n').slice(4).filter(Boolean)) expect(l.split('\t')).toHaveLength(width);
    expect(row(11).slice(-4)).toEqual(['', '', '', '']);
  });

  it('C3D: points labelled per person, Z up in mm, missing points where a person is absent', () => {
    const ps = people();
    const [file] = runPeopleExport({ ...base, format: 'c3d', people: ps, tagged: true });
    expect(file.name).toBe('take-robust-all.c3d');
    const bytes = file.data as Uint8Array;
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(dv.getInt16(2, true)).toBe(51);
    const ascii = new TextDecoder('latin1').decode(bytes.subarray(512, (dv.getInt16(16, true) - 1) * 512));
    expect(ascii).toMatch(/P1_nose\s+P1_left_eye/);
    expect(ascii).toMatch(/P8_right_ankle/);
    const start = (dv.getInt16(16, true) - 1) * 512, frameBytes = 51 * 16;
    const point = (f: number, i: number) => [0, 4, 8, 12].map((o) => dv.getFloat32(start + f * frameBytes + i * 16 + o, true));
    const lh = point(20, 17 + 11); // P5's left hip: the calibration's y (up) is the file's Z
    expect(lh[2] / 1000).toBeCloseTo(ps[1].poses[20]!.joints[3 * 11 + 1], 3);
    expect(lh[3]).toBe(0);
    expect(point(2, 17 + 11)[3]).toBe(-1); // P5 absent: a missing point
    expect(point(15, 34)[3]).toBe(-1); // P8's nose missing
    expect(point(15, 35)[3]).toBe(0);
  });

  it('BVH: one file per person, every frame of the take, the hips where the person is (the first pose held before they appear)', () => {
    const ps = people();
    const files = runPeopleExport({ ...base, format: 'bvh', people: ps, tagged: true });
    expect(files.map((f) => f.name)).toEqual(['take-robust-P1.bvh', 'take-robust-P5.bvh', 'take-robust-P8.bvh']);
    files.forEach((file, k) => {
      const bvh = parseBvh(text(file.data));
      expect(bvh.motion).toHaveLength(N);
      const lh = bvh.joints.findIndex((j) => j.name === 'left_hip'), rh = bvh.joints.findIndex((j) => j.name === 'right_hip');
      const first = ps[k].poses.find(Boolean)!;
      for (let f = 0; f < N; f++) {
        const pose = ps[k].poses[f] ?? (ps[k].poses.slice(0, f).some(Boolean) ? null : first);
        if (!pose) continue; // a gap after the first pose repeats the previous frame, as one person's BVH does
        const p = bvhFramePositions(bvh, f);
        for (let a = 0; a < 3; a++) expect(Math.abs((p[3 * lh + a] + p[3 * rh + a]) / 200 - (pose.joints[33 + a] + pose.joints[36 + a]) / 2)).toBeLessThan(1e-3);
      }
      expect(text(file.data)).not.toMatch(/NaN/);
    });
  });

  it('one person of several: that person\'s file as the one-person export writes it, named after the person', () => {
    const ps = people();
    for (const format of ['csv', 'json', 'trc', 'c3d'] as const) {
      const [file] = runPeopleExport({ ...base, format, people: [ps[2]], tagged: true });
      expect(file.name).toBe(peopleFileName({ ...base, format }, 7));
      expect(file.name).toBe(`take-robust-P8.${format}`);
      const one = runExportFile({ ...base, format, poses: [...ps[2].poses] }).data;
      if (format === 'trc') expect(text(file.data).split('\n').slice(1)).toEqual(text(one).split('\n').slice(1)); // line 1 names the file
      else expect(file.data).toEqual(one);
    }
  });

  it('everyone asked for: one person still gets the several-people file (…-all), BVH one file per person', () => {
    const ps = people();
    const [csv] = runPeopleExport({ ...base, format: 'csv', people: [ps[1]], tagged: true, everyone: true });
    expect(csv.name).toBe('take-robust-all.csv');
    const rows = text(csv.data).trimEnd().split('\n');
    expect(rows[1]).toMatch(/^frame,time,person,nose_x,/);
    expect(rows.slice(2).map((l) => l.split(',')[2])).toEqual(times.map(() => 'P5'));
    // The same rows as P5's in a file of two people.
    const two = text(runPeopleExport({ ...base, format: 'csv', people: [ps[1], ps[2]], tagged: true })[0].data);
    expect(csv.data).toBe(two.split('\n').filter((l, i) => i < 2 || l.split(',')[2] === 'P5').join('\n') + '\n');
    const [bvh] = runPeopleExport({ ...base, format: 'bvh', people: [ps[1]], tagged: true, everyone: true });
    expect(bvh.name).toBe('take-robust-P5.bvh');
  });

  it('a take of one person keeps the one-person files and names', () => {
    const ps = people();
    const [file] = runPeopleExport({ ...base, format: 'bvh', people: [ps[0]], tagged: false });
    expect(file.name).toBe('take-robust.bvh');
    expect(file.data).toBe(runExport({ ...base, format: 'bvh', poses: [...ps[0].poses] }));
    expect(() => runPeopleExport({ ...base, format: 'csv', people: [], tagged: true })).toThrow(/No person has a robust pose/);
  });
});
