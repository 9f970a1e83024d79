import { describe, expect, it } from 'vitest';
import type { Camera } from '../geometry/camera';
import type { DetectedFrameSet } from '../fusion/flow';
import type { SourceSink, SourceView } from '../cameras/source';
import { FakeClock } from '../session/testing/fake-clock';
import { SimSettingsStore, SimulationSource } from './source';

function sink() {
  const got = { frames: [] as DetectedFrameSet[], views: [] as Array<{ views: readonly SourceView[]; rig: readonly Camera[] | null | undefined }> };
  const s: SourceSink = {
    views: (views, rig) => void got.views.push({ views, rig }),
    frameSet: (f) => void got.frames.push(f),
    tiles: () => undefined, detector: () => undefined, progress: () => undefined, finished: () => undefined, failed: () => undefined,
  };
  return { s, got };
}

describe('the simulation as a source', () => {
  it('films on its own rig at its rate, with the truth; a pause stops time, so it resumes where it was', async () => {
    const clock = new FakeClock();
    const settings = new SimSettingsStore({ cameras: 3, noise: 0, dropped: [], fps: 10, people: 1 });
    const sim = new SimulationSource(settings, clock);
    const { s, got } = sink();
    await sim.start(s);
    expect(got.views[0].views.map((v) => v.name)).toEqual(['cam1', 'cam2', 'cam3']);
    expect(got.views[0].rig).toHaveLength(3);
    clock.advance(1000);
    expect(got.frames).toHaveLength(10);
    expect(got.frames.every((f) => f.views.length === 3 && f.gt && f.gt.joints.every(Number.isFinite))).toBe(true);
    const t = got.frames[9].time;
    sim.stop();
    expect(clock.pending).toBe(0);
    clock.advance(5000);
    await sim.start(s);
    clock.advance(100);
    expect(got.frames[10].time - t).toBeCloseTo(0.1, 6);
  });

  it('a change in the number of cameras brings a new rig; the noise applies from the next frame set', async () => {
    const clock = new FakeClock();
    const settings = new SimSettingsStore({ cameras: 2, noise: 1, dropped: [], fps: 10, people: 1 });
    const sim = new SimulationSource(settings, clock);
    const { s, got } = sink();
    await sim.start(s);
    settings.update({ cameras: 5, dropped: [4] });
    expect(got.views.at(-1)!.rig).toHaveLength(5);
    clock.advance(100);
    const f = got.frames.at(-1)!;
    expect(f.views).toHaveLength(5);
    expect(f.status[4]).toBe('lost');
    settings.update({ cameras: 12 });
    expect(settings.current.cameras).toBe(8);
    sim.dispose();
  });
});

describe('the simulation with several figures', () => {
  it('gives every figure\'s detections per view with the truth of each by id; views keep figure 0 for one-person consumers', async () => {
    const clock = new FakeClock();
    const settings = new SimSettingsStore({ cameras: 4, noise: 1, dropped: [3], fps: 10, people: 3 });
    const sim = new SimulationSource(settings, clock);
    const { s, got } = sink();
    await sim.start(s);
    clock.advance(500);
    const f = got.frames.at(-1)!;
    expect(f.people).toHaveLength(4);
    expect(f.people![3]).toBeNull();
    expect(f.status[3]).toBe('lost');
    expect(f.truths!.map((t) => t.id)).toEqual([0, 1, 2]);
    expect(f.gt!.joints).toBe(f.truths![0].joints);
    const seen = f.people!.slice(0, 3).reduce((n, v) => n + v!.length, 0);
    expect(seen).toBeGreaterThanOrEqual(6); // three figures in three views, a few hidden at most
    settings.update({ people: 9 });
    expect(settings.current.people).toBe(4);
    settings.update({ people: 1 });
    clock.advance(100);
    expect(got.frames.at(-1)!.people).toBeUndefined();
    sim.dispose();
  });
});
