import { describe, expect, it } from 'vitest';
import { parseTake, serializeTake, TakeError, viewsLookValid, frameSchema } from './index';
import { ringRig, projectPose, standingPose } from '../testing/synthetic';
import { cameraToJSON } from '../geometry/camera';
import { COCO17_NAMES } from '../keypoints/coco17';

function validTake(): any {
  const cams = ringRig(2);
  const gt = standingPose();
  const views = projectPose(cams, gt);
  return {
    format: 'multiview-take',
    version: 1,
    fps: 30,
    keypoints2d: 'coco17',
    cameras: cams.map(cameraToJSON),
    frames: [0, 1, 2].map((i) => ({
      time: i / 30,
      views: views.map((v) => Array.from({ length: 17 }, (_, j) => [v[3 * j], v[3 * j + 1], v[3 * j + 2]])),
      gt: Object.fromEntries(COCO17_NAMES.map((n, j) => [n, [gt[3 * j], gt[3 * j + 1], gt[3 * j + 2]]])),
    })),
    meta: { note: 'test' },
  };
}

function expectTakeError(take: unknown, field: RegExp, frame: number | null) {
  let err: unknown;
  try {
    parseTake(take);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(TakeError);
  const te = err as TakeError;
  expect(te.path).toMatch(field);
  expect(te.frame).toBe(frame);
  if (frame !== null) expect(te.message).toContain(`frame ${frame}`);
  expect(te.message).toContain(te.path);
  return te;
}

describe('take file', () => {
  it('reads a valid take into typed arrays', () => {
    const take = parseTake(JSON.stringify(validTake()));
    expect(take.cameras).toHaveLength(2);
    expect(take.frames).toHaveLength(3);
    expect(take.frames[1].views[0]).toBeInstanceOf(Float32Array);
    expect(take.frames[1].views[0]!.length).toBe(51);
    expect(take.frames[0].gt!.valid.every((v) => v === 1)).toBe(true);
    expect(take.meta).toEqual({ note: 'test' });
  });

  it('rejects a missing field, naming it', () => {
    const t = validTake();
    delete t.fps;
    expectTakeError(t, /^fps$/, null);
    const t2 = validTake();
    delete t2.frames[2].time;
    expectTakeError(t2, /^frames\[2\]\.time$/, 2);
    const t3 = validTake();
    delete t3.cameras[1].K;
    expectTakeError(t3, /^cameras\[1\]\.K$/, null);
  });

  it('rejects a wrong array length, naming field and frame', () => {
    const t = validTake();
    t.frames[1].views[0].pop();
    expectTakeError(t, /^frames\[1\]\.views\[0\]$/, 1);
    const t2 = validTake();
    t2.frames[2].views[1][4] = [1, 2];
    expectTakeError(t2, /^frames\[2\]\.views\[1\]\[4\]$/, 2);
    const t3 = validTake();
    t3.cameras[0].t = [0, 1];
    expectTakeError(t3, /^cameras\[0\]\.t$/, null);
  });

  it('rejects NaN anywhere', () => {
    const t = validTake();
    t.frames[2].views[1][3][0] = NaN;
    expectTakeError(t, /^frames\[2\]\.views\[1\]\[3\]\[0\]$/, 2);
    const t2 = validTake();
    t2.frames[0].gt.left_knee[1] = NaN;
    expectTakeError(t2, /^frames\[0\]\.gt\.left_knee\[1\]$/, 0);
    const t3 = validTake();
    t3.cameras[1].K[0][2] = NaN;
    expectTakeError(t3, /^cameras\[1\]\.K\[0\]\[2\]$/, null);
  });

  it('rejects a views array whose length disagrees with cameras', () => {
    const t = validTake();
    t.frames[1].views.push(null);
    const e = expectTakeError(t, /^frames\[1\]\.views$/, 1);
    expect(e.message).toMatch(/one entry per camera/);
  });

  it('rejects a non-numeric score', () => {
    const t = validTake();
    t.frames[2].views[0][6][2] = 'high';
    expectTakeError(t, /^frames\[2\]\.views\[0\]\[6\]\[2\]$/, 2);
  });

  it('rejects other bad input with a message', () => {
    expect(() => parseTake('{not json')).toThrow(/not JSON/);
    const t = validTake();
    t.format = 'something-else';
    expectTakeError(t, /^format$/, null);
    const t2 = validTake();
    t2.cameras[0].R = [[1, 0, 0], [0, 1, 0], [0, 0, 2]];
    expectTakeError(t2, /^cameras\[0\]\.R$/, null);
    const t3 = validTake();
    t3.frames[1].gt.left_tail = [0, 0, 0];
    expectTakeError(t3, /^frames\[1\]\.gt\.left_tail$/, 1);
    const t4 = validTake();
    t4.frames[2].time = -1;
    expectTakeError(t4, /^frames\[2\]\.time$/, 2);
    const t5 = validTake();
    t5.frames[0].views[0][0][2] = 1.5;
    expectTakeError(t5, /^frames\[0\]\.views\[0\]\[0\]\[2\]$/, 0);
  });

  it('round trips through serializeTake, keeping extension fields', () => {
    const t = validTake();
    t.frames[0].results3d = { robust: [1, 2, 3] };
    t.recorder = { app: 'parallax' };
    const take = parseTake(t);
    const again = parseTake(serializeTake(take));
    expect(again.frames[0].extra).toEqual({ results3d: { robust: [1, 2, 3] } });
    expect(again.extra).toEqual({ recorder: { app: 'parallax' } });
    for (let i = 0; i < 3; i++) {
      const a = take.frames[i].views[1]!, b = again.frames[i].views[1]!;
      for (let k = 0; k < 51; k++) expect(Math.abs(a[k] - b[k])).toBeLessThan(1e-3);
    }
  });

  it('reads other layouts into COCO-17', () => {
    const t = validTake();
    t.keypoints2d = 'body25';
    // BODY_25: build each view from the COCO points via the inverse mapping; extra points missing.
    const coco2body = [0, 16, 15, 18, 17, 5, 2, 6, 3, 7, 4, 12, 9, 13, 10, 14, 11];
    for (const f of t.frames) {
      f.views = f.views.map((v: number[][]) => {
        const out = Array.from({ length: 25 }, () => [0, 0, 0]);
        coco2body.forEach((src, j) => (out[src] = v[j]));
        return out;
      });
    }
    const take = parseTake(t);
    const ref = parseTake(validTake());
    expect(Array.from(take.frames[0].views[0]!)).toEqual(Array.from(ref.frames[0].views[0]!));
  });

  it('the fast views check accepts exactly what the schema accepts', () => {
    const schema = frameSchema(17, 2);
    const good = validTake().frames[0].views;
    const variants: unknown[] = [good, [good[0], null], [null, null], [good[0]], [good[0], good[1], null], 'x', null];
    const mutate = (f: (v: any) => void) => {
      const v = JSON.parse(JSON.stringify(good));
      f(v);
      variants.push(v);
    };
    mutate((v) => (v[0][0][0] = 'a'));
    mutate((v) => (v[0][0][2] = -0.1));
    mutate((v) => (v[0][0][2] = 1.01));
    mutate((v) => (v[0][0] = [1, 2, 3, 4]));
    mutate((v) => (v[1][16][1] = Infinity));
    mutate((v) => (v[1][16][1] = null));
    mutate((v) => v[1].push([0, 0, 0]));
    mutate((v) => (v[0] = {}));
    for (const views of variants) {
      const bySchema = schema.safeParse({ time: 0, views }).success;
      expect(viewsLookValid(views, 17, 2)).toBe(bySchema);
    }
  });
});
