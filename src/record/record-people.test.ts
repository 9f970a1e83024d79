/**
 * Several people recorded, replayed and exported: a three-figure simulation through the real session and fusion
 * pipeline, recorded to a version 2 take, written and read back, replayed as a multi-person source, exported per
 * person. A single-person recording stays version 1, byte for byte as version 1 was written.
 */
import { describe, expect, it } from 'vitest';
import { FusionPipeline } from '../fusion/pipeline';
import { TriangulationMethod } from '../triangulation';
import { SimSettingsStore, SimulationSource } from '../sim/source';
import { Session } from '../session/session';
import { FakeClock } from '../session/testing/fake-clock';
import { TakeSource, takeFrameSet } from '../cameras/take-source';
import type { DetectedFrameSet } from '../fusion/flow';
import type { SourceSink } from '../cameras/source';
import { parseMultiTake, serializeMultiTake, type MultiTake } from '../take/multi';
import { parseTake, serializeTake, TakeError } from '../take';
import { readTakePoses, takeMethods, takePoses } from './take-poses';

const triangulation = () => new FusionPipeline([new TriangulationMethod('robust'), new TriangulationMethod('dlt')]);

/** Records `people` simulated figures for `ms` of simulated time through the session, as the app does. */
async function recordSim(people: number, ms = 2000): Promise<MultiTake> {
  const clock = new FakeClock();
  const session = new Session(triangulation(), { now: clock.now });
  const settings = new SimSettingsStore();
  settings.update({ people, cameras: 4 });
  await session.use(new SimulationSource(settings, clock));
  const step = async (n: number) => {
    for (let t = 0; t < n; t += 1000 / 15) {
      clock.advance(1000 / 15);
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  await step(400);
  session.startRecording();
  await step(ms);
  return session.stopRecording()!;
}

function sink(into: DetectedFrameSet[]): SourceSink {
  return { views: () => {}, frameSet: (f) => void into.push(f), tiles: () => {}, detector: () => {}, progress: () => {}, finished: () => {}, failed: () => {} };
}

describe('recording several people', () => {
  it('writes a version 2 take with every detection, every truth with its id and every tracked person\'s poses, and reads it back the same', async () => {
    const take = await recordSim(3);
    expect(take.version).toBe(2);
    expect(take.frames.length).toBeGreaterThan(20);
    const json = JSON.parse(serializeMultiTake(take));
    expect(json.version).toBe(2);
    expect(json.poses3d_info).toMatchObject({ version: 2, units: 'm' });
    expect(Object.keys(json.poses3d_info.methods)).toEqual(expect.arrayContaining(['robust', 'dlt']));
    // Every frame: every true person with its id; views with several detections; per person poses with the id.
    for (const f of json.frames) expect(f.gt.map((p: { id: number }) => p.id)).toEqual([0, 1, 2]);
    expect(json.frames.some((f: { views: unknown[][] }) => f.views.some((v) => v && v.length >= 2))).toBe(true);
    expect(Array.isArray(json.frames[5].poses3d)).toBe(true);
    // The simulation knows which figure each detection shows: recorded, one label per detection.
    for (const f of json.frames) {
      f.views.forEach((v: unknown[] | null, c: number) => expect(f.labels[c] === null ? null : f.labels[c].length).toBe(v === null ? null : v.length));
      expect(f.labels.flat().filter((l: number | null) => l !== null).every((l: number) => l >= -1 && l <= 2)).toBe(true);
    }

    const back = parseMultiTake(serializeMultiTake(take));
    expect(back.version).toBe(2);
    const before = readTakePoses(take), after = readTakePoses(back);
    expect(before.people.length).toBeGreaterThanOrEqual(3);
    expect(after.people).toEqual(before.people);
    expect(takeMethods(back)).toEqual(takeMethods(take));
    let compared = 0;
    for (const id of before.people) {
      for (const m of ['robust', 'dlt']) {
        const a = before.poses(m, id), b = after.poses(m, id);
        a.forEach((p, i) => {
          if (!p) return expect(b[i]).toBeNull();
          expect(Array.from(b[i]!.valid)).toEqual(Array.from(p.valid));
          for (let k = 0; k < 51; k++) if (p.valid[Math.floor(k / 3)]) expect(Math.abs(b[i]!.joints[k] - p.joints[k])).toBeLessThanOrEqual(1e-5);
          compared++;
        });
      }
    }
    expect(compared).toBeGreaterThan(3 * 2 * 20);
    back.frames.forEach((f, i) => {
      const src = take.frames[i];
      expect(f.views.map((v) => v?.length ?? null)).toEqual(src.views.map((v) => v?.length ?? null));
      expect(f.gt!.map((p) => p.id)).toEqual(src.gt!.map((p) => p.id));
      f.gt!.forEach((p, k) => p.joints.forEach((x, q) => expect(Math.abs(x - src.gt![k].joints[q])).toBeLessThan(1e-4)));
    });
    // Three people a frame most of the time, each with a finite robust pose.
    const full = back.frames.filter((_, i) => after.people.filter((id) => after.poses('robust', id)[i]).length === 3).length;
    expect(full).toBeGreaterThan(back.frames.length * 0.6);
  });

  it('replays a version 2 take as a multi-person source: people per view, truths with ids, and fusion finds the three again', async () => {
    const take = parseMultiTake(serializeMultiTake(await recordSim(3, 1500)));
    const got: DetectedFrameSet[] = [];
    const src = new TakeSource(take, 'three.json');
    await src.start(sink(got));
    src.stop();
    got.length = 0;
    for (let i = 0; i < take.frames.length; i++) src.seek(i);
    expect(got).toHaveLength(take.frames.length);
    got.forEach((f, i) => {
      expect(f.people).toBeDefined();
      expect(f.people!.map((v) => v?.length ?? null)).toEqual(take.frames[i].views.map((v) => v?.length ?? null));
      expect(f.truths!.map((t) => t.id)).toEqual([0, 1, 2]);
      expect(f.status.every((s) => s === 'ok' || s === 'no-detection' || s === 'lost')).toBe(true);
    });
    const pipe = triangulation();
    pipe.setRig(take.cameras);
    const ids = new Set<number>();
    let three = 0;
    for (const f of got) {
      const fused = (await pipe.fuse(f))!;
      if (fused.people.filter((p) => p.poses.robust).length === 3) three++;
      for (const p of fused.people) ids.add(p.person);
    }
    expect(three).toBeGreaterThan(got.length * 0.6);
    expect(ids.size).toBeGreaterThanOrEqual(3);
  });

  it('processes a version 2 take through the session: the run is a version 2 take of the people found again', async () => {
    const take = parseMultiTake(serializeMultiTake(await recordSim(3, 700)));
    const session = new Session(triangulation());
    await session.use(new TakeSource(take, 'three.json'));
    for (let i = 0; i < 100 && session.getSnapshot().source.phase !== 'finished'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(session.getSnapshot().source.phase).toBe('finished');
    const run = session.runTake()!;
    expect(run.version).toBe(2);
    expect(run.frames).toHaveLength(take.frames.length);
    expect(run.frames.every((f, i) => f.gt!.map((p) => p.id).join() === '0,1,2' && f.views.every((v, c) => (v?.length ?? -1) === (take.frames[i].views[c]?.length ?? -1)))).toBe(true);
    expect(readTakePoses(run).people.length).toBeGreaterThanOrEqual(3);
    session.dispose();
  });

  it('names the frame and field of a malformed per-person 3D extension, and a failed read changes nothing', async () => {
    const take = await recordSim(2, 600);
    const json = JSON.parse(serializeMultiTake(take));
    json.frames[3].poses3d[0].poses.robust = { nose: [0, 'x', 0] };
    const bad = parseMultiTake(json);
    expect(() => readTakePoses(bad)).toThrow(TakeError);
    expect(() => readTakePoses(bad)).toThrow(/frame 3: frames\[3\]\.poses3d\[0\]\.poses\.robust\.nose/);
    const dup = JSON.parse(serializeMultiTake(take));
    dup.frames[2].poses3d = [dup.frames[2].poses3d[0], dup.frames[2].poses3d[0]];
    expect(() => readTakePoses(parseMultiTake(dup))).toThrow(/frame 2: frames\[2\]\.poses3d\[1\]\.id: duplicate person id/);
  });
});

describe('recording one person', () => {
  it('stays a version 1 take, written exactly as version 1 always was, and replays without people', async () => {
    const take = await recordSim(1, 800);
    expect(take.version).toBe(1);
    const text = serializeMultiTake(take);
    const json = JSON.parse(text);
    expect(json.version).toBe(1);
    expect(json.poses3d_info).toEqual({ methods: expect.any(Object), units: 'm' });
    expect(Array.isArray(json.frames[0].poses3d)).toBe(false);
    expect(Object.keys(json.frames[0].poses3d)).toEqual(expect.arrayContaining(['robust', 'dlt']));
    expect(json.frames[0]).not.toHaveProperty('labels');
    expect(Array.isArray(json.frames[0].gt)).toBe(false);
    // The version 1 reader and writer agree with it to the byte, both ways.
    expect(serializeTake(parseTake(text))).toBe(text);
    expect(serializeMultiTake(parseMultiTake(text))).toBe(text);
    expect(takePoses(parseMultiTake(text), 'robust').filter(Boolean).length).toBeGreaterThan(take.frames.length * 0.8);
    const f = takeFrameSet(parseMultiTake(text).frames[0], false);
    expect(f.people).toBeUndefined();
    expect(f.views.every((v) => v === null || v.length === 51)).toBe(true);
    expect(f.gt).not.toBeNull();
  });
});
