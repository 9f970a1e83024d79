import { describe, expect, it } from 'vitest';
import { cameraToJSON } from '../geometry/camera';
import { COCO17_NAMES } from '../keypoints/coco17';
import { projectPose, ringRig, standingPose } from '../testing/synthetic';
import { LIMITS } from './limits';
import { parseTake } from './take';

function take() {
  const cams = ringRig(2);
  const pose = standingPose();
  const views = projectPose(cams, pose).map((v) => Array.from({ length: 17 }, (_, j) => [v[3 * j], v[3 * j + 1], v[3 * j + 2]]));
  return {
    format: 'multiview-take', version: 1, fps: 30, keypoints2d: 'coco17', cameras: cams.map(cameraToJSON),
    frames: [0, 1].map((i) => ({ time: i / 30, views: structuredClone(views), gt: Object.fromEntries(COCO17_NAMES.map((n, j) => [n, [pose[3 * j], pose[3 * j + 1], pose[3 * j + 2]]])) })),
  };
}

describe('physical bounds on the take numbers', () => {
  it('refuses absurd finite numbers, naming frame and field', () => {
    const cases: [string, (t: ReturnType<typeof take>) => void, RegExp][] = [
      ['a point at 1e308 px', (t) => (t.frames[1].views[0][3][0] = 1e308), /frame 1: frames\[1\]\.views\[0\]\[3\]\[0\]/],
      ['a point beyond the pixel bound', (t) => (t.frames[1].views[1][0][1] = -LIMITS.maxPixel - 1), /frame 1: frames\[1\]\.views\[1\]\[0\]\[1\]/],
      ['truth at 1e308 m', (t) => (t.frames[0].gt.nose[2] = 1e308), /frame 0: frames\[0\]\.gt\.nose\[2\]/],
      ['a time of 1e20 s', (t) => (t.frames[1].time = 1e20), /frame 1: frames\[1\]\.time/],
      ['fps 1e308', (t) => (t.fps = 1e308), /^Invalid take file — fps:/],
      ['fps 1e-9', (t) => (t.fps = 1e-9), /^Invalid take file — fps:/],
    ];
    for (const [what, mutate, msg] of cases) {
      const t = take();
      mutate(t);
      expect(() => parseTake(JSON.stringify(t)), what).toThrow(msg);
    }
  });

  it('takes numbers at the bounds', () => {
    const t = take();
    t.frames[1].views[0][3][0] = LIMITS.maxPixel;
    t.frames[0].gt.nose[2] = -LIMITS.maxMetres;
    t.fps = LIMITS.maxFps;
    expect(parseTake(JSON.stringify(t)).frames[1].views[0]![9]).toBe(LIMITS.maxPixel);
  });

  it('refuses a "__proto__" key in gt instead of ignoring it', () => {
    const text = JSON.stringify(take()).replace('"gt":{"nose"', '"gt":{"__proto__":[1,2,3],"nose"');
    expect(text).toContain('__proto__');
    expect(() => parseTake(text)).toThrow(/frame 0: frames\[0\]\.gt\.__proto__: unknown joint name/);
  });

  it('reads a file that starts with a byte-order mark', () => {
    expect(parseTake('\uFEFF' + JSON.stringify(take())).frames).toHaveLength(2);
  });
});
