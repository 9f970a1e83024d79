/**
 * The session's transitions, each one a finding of issue 16 that the app got wrong before the session owned
 * the rig and the source: a calibration loaded over the simulation (2), live cameras without a calibration (3),
 * a calibration loaded after 2 of its 4 cameras started (4), processed videos with nothing to export (5), a
 * status that lied (6), and a recording count that was not the take's (8).
 */
import { exportFrame } from '../export/frame';
import { describe, expect, it } from 'vitest';
import { lookAtCamera } from '../geometry/camera';
import { FusionPipeline } from '../fusion/pipeline';
import { personPoses, type FusedFrameSet } from '../fusion/flow';
import { TriangulationMethod } from '../triangulation';
import { meanJointDistance } from '../viewer/compare';
import { figurePose } from '../sim/figure';
import { ringRig } from '../sim/rig';
import { SimSettingsStore, SimulationSource } from '../sim/source';
import { runExport } from '../export/export';
import { takePoses } from '../record/take-poses';
import { Session } from './session';
import { sourceLine, camerasLine } from './status';
import { FakeClock } from './testing/fake-clock';
import { ScriptedSource } from './testing/scripted-source';

/** The real pipeline with both triangulation methods (the lifter needs its weights; it is not what is tested). */
function setup() {
  const clock = new FakeClock();
  const session = new Session(new FusionPipeline([new TriangulationMethod('robust'), new TriangulationMethod('dlt')]), { now: clock.now });
  session.metrics.compare = ['dlt', 'robust'];
  const sim = () => new SimulationSource(new SimSettingsStore(), clock);
  return { clock, session, sim };
}

/** A calibration of four real cameras around the figure, named as Pose2Sim names them. */
const CALIB = ringRig(4).map((c, i) => ({ ...c, name: `cam_0${i + 1}` }));
/** A calibration of another room: Z up, cameras around (3, 2), as a Qualisys calibration is. */
const OTHER_ROOM = [0, 1, 2, 3].map((i) => lookAtCamera({
  name: `cam_0${i + 1}`, width: 1088, height: 1920, hfovDeg: 40,
  eye: [3 + 4 * Math.cos(i * 1.6), 2 + 4 * Math.sin(i * 1.6), 1.8], target: [3, 2, 1], up: [0, 0, 1],
}));
const webcams = (names: string[], filming = CALIB.slice(0, names.length)) =>
  new ScriptedSource('webcams', names.map((name, i) => ({ name, width: filming[i].width, height: filming[i].height })), filming);

/** Steps the clock frame by frame, letting fusion (promises) finish between timer ticks as a browser would. */
async function run(clock: FakeClock, ms: number, step = 1000 / 15) {
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await new Promise((r) => setTimeout(r, 0));
  }
}

const latest = (s: Session): FusedFrameSet | null => s.fused.latest();
const truthAt = (t: number) => ({ joints: figurePose(t), valid: new Uint8Array(17).fill(1) });
const noNaN = (f: FusedFrameSet) => Object.values(personPoses(f)).every((p) => !p || p.joints.every(Number.isFinite));

describe('finding 2: a calibration loaded while the simulation runs', () => {
  it('leaves the simulation on its own virtual rig, still accurate, and says where the calibration applies', async () => {
    const { clock, session, sim } = setup();
    await session.use(sim());
    await run(clock, 500);
    const rig = session.getSnapshot().threeD.rig;
    expect(rig).not.toBeNull();
    session.setCalibration(OTHER_ROOM, 'Calib_qualisys.toml');
    await run(clock, 1000);
    const s = session.getSnapshot();
    expect(s.threeD.rig).toBe(rig);
    expect(s.threeD.from).toBe('source');
    const f = latest(session)!;
    expect(noNaN(f)).toBe(true);
    const mpjpe = meanJointDistance(personPoses(f).robust, f.frame.gt);
    expect(mpjpe).toBeLessThan(0.08);
    expect(s.messages.map((m) => m.text).join(' ')).toMatch(/applies to cameras and videos; the simulation keeps its own cameras/);
  });
});

describe('finding 3: live cameras without a calibration', () => {
  it('stops the simulation, clears its 3D and truth, counts the running cameras and says 3D needs a calibration', async () => {
    const { clock, session, sim } = setup();
    await session.use(sim());
    await run(clock, 500);
    expect(latest(session)).not.toBeNull();
    const cams = webcams(['Fake camera 1', 'Fake camera 2', 'Fake camera 3']);
    await session.use(cams);
    expect(latest(session)).toBeNull(); // nothing of the simulation stays in 3D
    const before = session.getSnapshot().stats.frameSets;
    await run(clock, 1000); // the simulation's timer no longer feeds anything
    expect(session.getSnapshot().stats.frameSets).toBe(before);
    await cams.emit(1);
    await cams.emit(1.1);
    const s = session.getSnapshot();
    expect(latest(session)).toBeNull();
    expect(session.detections.latest()!.views).toHaveLength(3); // the 2D goes on
    expect(s.stats.camerasRunning).toBe(3);
    expect(camerasLine(s)).toBe('3 cameras running');
    expect(sourceLine(s)).toBe('webcams');
    expect(s.stats.hasTruth).toBe(false);
    expect(s.threeD.available).toBe(false);
    expect(s.threeD.action).toBe('calibrate');
    expect(s.messages[0]).toMatchObject({ level: 'warn', action: 'calibrate' });
    expect(s.messages[0].text).toMatch(/3D needs one/);
    expect(session.offers.record).toEqual({ ok: false, why: expect.stringMatching(/calibration/) });
  });
});

describe('finding 4: a calibration loaded after 2 of its 4 cameras started', () => {
  it('fuses the two matched views from the next frame set on, upright and accurate, and names the missing cameras', async () => {
    const { clock, session } = setup();
    const cams = webcams(['Fake camera 1', 'Fake camera 2']);
    await session.use(cams);
    await cams.emit(1);
    expect(latest(session)).toBeNull();
    session.setCalibration(CALIB, 'Calib_qualisys.toml');
    for (let k = 0; k < 6; k++) {
      clock.advance(1000 / 15);
      await cams.emit(1 + (k + 1) / 15);
    }
    const s = session.getSnapshot();
    expect(s.threeD.views).toEqual([0, 1]);
    expect(s.threeD.rig!.map((c) => c.name)).toEqual(['cam_01', 'cam_02']);
    const f = latest(session)!;
    const robust = personPoses(f).robust!;
    expect(meanJointDistance(robust, truthAt(f.frame.time))).toBeLessThan(0.1);
    // Upright in the calibration's frame (Y up here): the nose well above the ankles.
    expect(robust.joints[1] - Math.max(robust.joints[15 * 3 + 1], robust.joints[16 * 3 + 1])).toBeGreaterThan(1);
    expect(session.rates().posesPerSec.robust).toBeGreaterThan(0);
    expect(s.messages.map((m) => m.text)).toContain('No source for cam_03, cam_04 of the calibration: 3D from 2 of its 4 cameras.');
  });

  it('stays in 2D with the reason when the calibration names none of the cameras, and asks for a restart on another frame size', async () => {
    const { session } = setup();
    const cams = webcams(['Kitchen', 'Hall']);
    await session.use(cams);
    session.setCalibration(CALIB, 'rig.json');
    let s = session.getSnapshot();
    expect(s.threeD.available).toBe(false);
    expect(s.threeD.reason).toMatch(/has none of these cameras \(Kitchen, Hall\)/);
    const wrongSize = new ScriptedSource('webcams', ['cam_01', 'cam_02'].map((name) => ({ name, width: 1280, height: 720 })), CALIB.slice(0, 2));
    await session.use(wrongSize);
    s = session.getSnapshot();
    expect(s.threeD.action).toBe('restart');
    expect(s.threeD.reason).toMatch(/cam_01 delivers 1280×720 but cam_01 was calibrated at 640×360: restart the cameras/);
    expect(session.offers.restart.ok).toBe(true);
  });
});

describe('finding 5: processed videos give a result without recording', () => {
  it('keeps every fused frame set, shows progress with a time estimate, and exports', async () => {
    const { clock, session } = setup();
    session.setCalibration(CALIB, 'calib.toml');
    const videos = new ScriptedSource('videos', CALIB.map((c, i) => ({ name: `cam0${i + 1}.mp4`, width: c.width, height: c.height })), CALIB, true);
    await session.use(videos);
    const N = 12;
    for (let k = 0; k < N; k++) {
      videos.sink!.progress(k, N);
      clock.advance(200);
      await videos.emit(k / 30);
    }
    videos.sink!.progress(N - 2, N);
    const mid = session.getSnapshot().source.progress!;
    expect(mid.etaS).toBeGreaterThan(0);
    expect(sourceLine(session.getSnapshot())).toBe('video files (processing)');
    videos.sink!.progress(N, N);
    videos.sink!.finished();
    await Promise.resolve();
    const s = session.getSnapshot();
    expect(s.source.phase).toBe('finished');
    expect(s.recording.active).toBe(false);
    expect(s.run.frames).toBe(N);
    expect(session.offers.exportRun.ok).toBe(true);
    const take = session.runTake()!;
    expect(take.frames).toHaveLength(N);
    const poses = takePoses(take, 'robust');
    const json = JSON.parse(runExport({ format: 'json', method: 'robust', fps: take.fps, times: take.frames.map((f) => f.time), poses, frame: exportFrame(take.cameras), baseName: 't' }));
    expect(json.frames).toHaveLength(N);
  });

  it('cancels: the source stops, the run keeps what was fused and says so', async () => {
    const { session } = setup();
    session.setCalibration(CALIB, 'calib.toml');
    const videos = new ScriptedSource('videos', CALIB.map((c, i) => ({ name: `cam0${i + 1}.mp4`, width: c.width, height: c.height })), CALIB, true);
    await session.use(videos);
    for (let k = 0; k < 3; k++) {
      videos.sink!.progress(k, 10);
      await videos.emit(k / 30);
    }
    session.stop();
    expect(videos.stopped).toBe(1);
    const s = session.getSnapshot();
    expect(s.source.phase).toBe('stopped');
    expect(s.messages.map((m) => m.text)).toContain('Cancelled at frame set 2 of 10: the run keeps the 3 fused so far.');
    expect(session.runTake()!.frames).toHaveLength(3);
  });
});

describe('finding 6: a truthful status', () => {
  it('counts poses per second over the same window as frame sets', async () => {
    const { clock, session } = setup();
    session.setCalibration(CALIB, 'calib.toml');
    const cams = webcams(['cam_01', 'cam_02', 'cam_03']);
    await session.use(cams);
    for (let k = 0; k < 8; k++) {
      clock.advance(1400); // 0.7 frame sets per second
      await cams.emit(k * 1.4);
    }
    const r = session.rates();
    expect(r.setsPerSec).toBeCloseTo(0.75, 1);
    expect(r.posesPerSec.robust).toBeCloseTo(r.setsPerSec, 6);
  });

  it('clears every number of the old source when the source changes, and a paused simulation stays the simulation', async () => {
    const { clock, session, sim } = setup();
    await session.use(sim());
    await run(clock, 2000);
    expect(session.metrics.snapshot().frames).toBeGreaterThan(10);
    expect(Number.isFinite(session.metrics.snapshot().between.mean)).toBe(true);
    session.pause();
    let s = session.getSnapshot();
    expect(s.source.phase).toBe('paused');
    expect(sourceLine(s)).toBe('simulation (paused)');
    const frames = s.stats.frameSets;
    await run(clock, 1000);
    expect(session.getSnapshot().stats.frameSets).toBe(frames);
    session.resume();
    await Promise.resolve();
    await run(clock, 500);
    expect(session.getSnapshot().stats.frameSets).toBeGreaterThan(frames);

    const cams = webcams(['cam_01', 'cam_02']);
    await session.use(cams);
    s = session.getSnapshot();
    const m = session.metrics.snapshot();
    expect(m.frames).toBe(0);
    expect(m.lifterFallback.of).toBe(0);
    expect(Number.isNaN(m.between.mean)).toBe(true);
    expect(m.hasTruth).toBe(false);
    expect(s.stats).toEqual({ frameSets: 0, fusedSets: 0, hasTruth: false, camerasRunning: 0, lost: 0 });
    expect(session.rates()).toEqual({ setsPerSec: 0, posesPerSec: {} });
    expect(sourceLine(s)).toBe('webcams');
  });

  it('ignores a replaced source that still calls its sink', async () => {
    const { session } = setup();
    session.setCalibration(CALIB, 'calib.toml');
    const a = webcams(['cam_01', 'cam_02']);
    await session.use(a);
    const oldSink = a.sink!;
    await session.use(webcams(['cam_01', 'cam_02', 'cam_03']));
    expect(a.stopped).toBe(1);
    expect(a.disposed).toBe(true);
    await oldSink.frameSet(a.frame(1));
    oldSink.failed('late error');
    const s = session.getSnapshot();
    expect(s.stats.frameSets).toBe(0);
    expect(s.source.error).toBeNull();
    expect(s.source.views).toHaveLength(3);
  });
});

describe('finding 8: the recording count is the take\'s', () => {
  it('holds exactly the frames counted when record was stopped', async () => {
    const { clock, session } = setup();
    session.setCalibration(CALIB, 'calib.toml');
    const cams = webcams(['cam_01', 'cam_02', 'cam_03', 'cam_04']);
    await session.use(cams);
    await cams.emit(0);
    session.startRecording();
    for (let k = 1; k <= 9; k++) {
      clock.advance(66);
      await cams.emit(k / 15);
    }
    const shown = session.getSnapshot().recording.frames;
    expect(shown).toBe(9);
    const take = session.stopRecording()!;
    expect(take.frames).toHaveLength(shown);
    await cams.emit(1);
    expect(session.getSnapshot().recording.frames).toBe(shown);
  });

  it('a calibration that changes the rig mid-recording ends the take there, with a note', async () => {
    const { session } = setup();
    session.setCalibration(CALIB, 'calib.toml');
    const cams = webcams(['cam_01', 'cam_02', 'cam_03']);
    await session.use(cams);
    await cams.emit(0);
    session.startRecording();
    for (let k = 1; k <= 3; k++) await cams.emit(k / 15);
    session.setCalibration(CALIB.map((c) => ({ ...c })), 'calib-2.toml');
    await cams.emit(4 / 15);
    const s = session.getSnapshot();
    expect(s.recording).toEqual({ active: false, frames: 3 });
    expect(s.messages.map((m) => m.text)).toContain('Recording stopped after 3 frames: the rig changed (a take has one rig).');
  });
});

describe('a take replayed without waiting for fusion', () => {
  it('is finished only once every frame set is fused, so the run holds them all', async () => {
    const { session } = setup();
    const take = new ScriptedSource('take', CALIB.map((c) => ({ name: c.name, width: c.width, height: c.height })), CALIB, true, CALIB);
    await session.use(take);
    for (let k = 0; k < 5; k++) void take.sink!.frameSet(take.frame(k / 30)); // no await, as a take's clock does
    take.sink!.finished();
    expect(session.getSnapshot().source.phase).toBe('running');
    await new Promise((r) => setTimeout(r, 20));
    expect(session.getSnapshot().source.phase).toBe('finished');
    expect(session.getSnapshot().run.frames).toBe(5);
    expect(session.runTake()!.frames).toHaveLength(5);
  });
});

describe('a calibration made in the wizard while the simulation ran', () => {
  it('release() leaves no source: the simulation stopped and disposed, its numbers and truth gone, the calibration kept', async () => {
    const { clock, session, sim } = setup();
    const s0 = sim();
    await session.use(s0);
    await run(clock, 500);
    expect(session.getSnapshot().stats.frameSets).toBeGreaterThan(0);
    session.setCalibration(CALIB, 'calibration wizard');
    session.release();
    const s = session.getSnapshot();
    expect(s.source.kind).toBeNull();
    expect(s.stats).toMatchObject({ frameSets: 0, fusedSets: 0, hasTruth: false });
    expect(s.calibration?.name).toBe('calibration wizard');
    expect(session.activeSource).toBeNull();
    const before = session.fused.latest();
    await run(clock, 500); // the released simulation feeds nothing any more
    expect(session.fused.latest()).toBe(before);
  });
});
