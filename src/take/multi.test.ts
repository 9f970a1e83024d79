import { describe, expect, it } from 'vitest';
import { proceduralFigures } from '../sim/figures';
import { DEFAULT_NOISE } from '../sim/noise';
import { ringRig } from '../sim/rig';
import { makeRng } from '../sim/rng';
import { simulateScene } from '../sim/scene';
import { parseMultiTake, serializeMultiTake, singlePersonViews, toSingleTake, type MultiTake } from './multi';
import { serializeTake, TakeError, type Take } from './take';

const cams = ringRig(3);

function sceneTake(frames: number): MultiTake {
  const figs = proceduralFigures(2), rng = makeRng(5);
  return {
    version: 2, fps: 10, sourceLayout: 'coco17', cameras: cams, meta: { note: 'test' }, extra: {},
    frames: Array.from({ length: frames }, (_, i) => {
      const f = simulateScene(i / 10, cams, figs, { noise: DEFAULT_NOISE, level: 1, occlusion: true, grabProbability: 0.3, posters: [], reflections: [] }, rng);
      return { time: f.time, views: f.views, labels: f.labels, gt: f.truth, extra: {} };
    }),
  };
}

function expectError(json: unknown, message: RegExp, frame: number | null) {
  try {
    parseMultiTake(JSON.stringify(json));
  } catch (e) {
    expect(e).toBeInstanceOf(TakeError);
    expect((e as Error).message).toMatch(message);
    expect((e as TakeError).frame).toBe(frame);
    return;
  }
  throw new Error('expected the take to be rejected');
}

describe('multi-person take (version 2)', () => {
  it('writes and reads back every person of every view, labels and several truths', () => {
    const take = sceneTake(6);
    const back = parseMultiTake(serializeMultiTake(take));
    expect(back.version).toBe(2);
    expect(back.meta).toEqual({ note: 'test' });
    expect(back.cameras.map((c) => c.name)).toEqual(['cam1', 'cam2', 'cam3']);
    back.frames.forEach((f, i) => {
      const src = take.frames[i];
      expect(f.labels).toEqual(src.labels);
      expect(f.views.map((v) => v!.length)).toEqual(src.views.map((v) => v!.length));
      f.views.forEach((people, c) => people!.forEach((kp, k) => kp.forEach((x, q) => expect(x).toBeCloseTo(src.views[c]![k][q], 1))));
      expect(f.gt!.map((p) => p.id)).toEqual([0, 1]);
      f.gt!.forEach((p, k) => p.joints.forEach((x, q) => expect(x).toBeCloseTo(src.gt![k].joints[q], 3)));
    });
    expect(serializeMultiTake(back)).toBe(serializeMultiTake(parseMultiTake(serializeMultiTake(back))));
  });

  it('reads a version 1 take as one person per view with its truth as person 0', () => {
    const v1: Take = {
      fps: 30, sourceLayout: 'coco17', cameras: cams, meta: {}, extra: {},
      frames: [{ time: 0, views: [new Float32Array(51).fill(0.5), null, new Float32Array(51).fill(0.25)], gt: { joints: new Float64Array(51).fill(1), valid: new Uint8Array(17).fill(1) }, extra: {} }],
    };
    const m = parseMultiTake(serializeTake(v1));
    expect(m.version).toBe(1);
    expect(m.frames[0].views.map((v) => v!.length)).toEqual([1, 0, 1]);
    expect(m.frames[0].views[2]![0][0]).toBe(0.25);
    expect(m.frames[0].gt!.map((p) => p.id)).toEqual([0]);
    expect(m.frames[0].labels).toBeNull();
  });

  it('names the frame and field of bad input', () => {
    const good = JSON.parse(serializeMultiTake(sceneTake(2)));
    const bad = (edit: (j: any) => void) => {
      const j = structuredClone(good);
      edit(j);
      return j;
    };
    expectError(bad((j) => j.frames[1].views.pop()), /frame 1: frames\[1\]\.views: must have one entry per camera \(3\)/, 1);
    expectError(bad((j) => (j.frames[1].views[0][0][4][2] = 1.5)), /frame 1: frames\[1\]\.views\[0\]\[0\]\[4\]\[2\]/, 1);
    expectError(bad((j) => j.frames[0].labels[2].push(0)), /frame 0: frames\[0\]\.labels\[2\]: must have one label per detection/, 0);
    expectError(bad((j) => (j.frames[0].gt[1].id = 0)), /frame 0: frames\[0\]\.gt\[1\]\.id: duplicate person id 0/, 0);
    expectError(bad((j) => (j.frames[1].gt[0].joints.tail = [0, 0, 0])), /frames\[1\]\.gt\[0\]\.joints\.tail: unknown joint name/, 1);
    expectError(bad((j) => (j.frames[1].time = -1)), /frame 1: frames\[1\]\.time: -1 is earlier/, 1);
    expectError(bad((j) => (j.version = 3)), /version/, null);
  });

  it('writes a take back in its version: a version 1 take stays version 1, to the byte', () => {
    const v1: Take = {
      fps: 30, sourceLayout: 'coco17', cameras: cams, meta: { a: 1 }, extra: { poses3d_info: { methods: { robust: 'R' }, units: 'm' } },
      frames: [0, 1].map((i) => ({
        time: i / 30, views: [new Float32Array(51).fill(0.5 - i / 4), null, new Float32Array(51).fill(0.25)],
        gt: i ? null : { joints: new Float64Array(51).fill(1), valid: new Uint8Array(17).fill(1) }, extra: { poses3d: { robust: i ? null : { nose: [1, 2, 3] } } },
      })),
    };
    const text = serializeTake(v1);
    const m = parseMultiTake('\uFEFF' + text); // a byte-order mark is ignored, as version 1's reader does
    expect(m.version).toBe(1);
    expect(serializeMultiTake(m)).toBe(text);
    expect(singlePersonViews(m.frames[0]).map((v) => v && v[0])).toEqual([0.5, null, 0.25]);
    // A take of several people has no version 1 form: refused, naming the frame and view.
    const two = sceneTake(2);
    const c = two.frames[0].views.findIndex((v) => v && v.length > 1);
    expect(() => toSingleTake(two)).toThrow(new RegExp(`frame 0: frames\\[0\\]\\.views\\[${c}\\] holds`));
    expect(serializeMultiTake(two)).toMatch(/"version":2/);
  });

  it('holds version 2 to the physical bounds of version 1', () => {
    const good = JSON.parse(serializeMultiTake(sceneTake(2)));
    const bad = (edit: (j: any) => void) => {
      const j = structuredClone(good);
      edit(j);
      return j;
    };
    expectError(bad((j) => (j.frames[1].views[0][0][3][0] = 1e9)), /frame 1: frames\[1\]\.views\[0\]\[0\]\[3\]\[0\]/, 1);
    expectError(bad((j) => (j.frames[0].gt[0].joints.nose = [0, 5000, 0])), /frame 0: frames\[0\]\.gt\[0\]\.joints\.nose/, 0);
    expectError(bad((j) => (j.frames[1].time = 1e12)), /frame 1: frames\[1\]\.time/, 1);
    expectError(bad((j) => (j.fps = 1e6)), /fps/, null);
    expectError(JSON.parse(JSON.stringify(good).replace('"nose":', '"__proto__":')), /frames\[0\]\.gt\[0\]\.joints\.__proto__: unknown joint name/, 0);
  });
});
