import { describe, expect, it } from 'vitest';
import { ringRig } from '../sim/rig';
import { deriveThreeD, offers, NO_DETECTOR, type SessionState, type SourceState } from './state';
import { camerasLine, fusionLine, sourceLine } from './status';

const calib = { name: 'c.toml', cameras: ringRig(3).map((c, i) => ({ ...c, name: `cam_0${i + 1}` })) };
const source = (patch: Partial<SourceState>): SourceState => ({
  kind: 'webcams', phase: 'running', run: 1, finite: false, views: [], ownRig: null, tiles: [], error: null, progress: null, detector: NO_DETECTOR, ...patch,
});
const views = (names: string[]) => names.map((name) => ({ name, width: 640, height: 360 }));

function state(src: SourceState, cal: SessionState['calibration'] = calib): SessionState {
  const { threeD, binding } = deriveThreeD(cal, src, null);
  return {
    calibration: cal, source: src, binding, threeD, note: null, messages: [],
    stats: { frameSets: 3, fusedSets: 0, hasTruth: false, camerasRunning: 2, lost: 1 }, run: { frames: 0 }, recording: { active: false, frames: 0 },
  };
}

describe('session state', () => {
  it('fuses the views the calibration names, on a rig object that stays the same while nothing changes', () => {
    const src = source({ views: views(['cam03.mp4', 'kitchen', 'cam01.mp4']) });
    const a = deriveThreeD(calib, src, null).threeD;
    expect(a.views).toEqual([0, 2]);
    expect(a.fusedIndex).toEqual([0, -1, 1]);
    expect(a.rig!.map((c) => c.name)).toEqual(['cam_03', 'cam_01']);
    expect(deriveThreeD(calib, src, a).threeD.rig).toBe(a.rig);
  });

  it('a source with its own rig keeps it; one whose rig does not match its views has no 3D', () => {
    const rig = ringRig(4);
    expect(deriveThreeD(calib, source({ kind: 'take', views: views(['a', 'b', 'c', 'd']), ownRig: rig }), null).threeD.rig).toBe(rig);
    const bad = deriveThreeD(calib, source({ kind: 'take', views: views(['a', 'b']), ownRig: rig }), null).threeD;
    expect(bad.available).toBe(false);
    expect(bad.reason).toBe('take: 2 views but 4 cameras');
  });

  it('offers what the state allows, each refusal with its reason', () => {
    const noCal = state(source({ views: views(['cam01', 'cam02']) }), null);
    expect(offers(noCal).record).toEqual({ ok: false, why: expect.stringMatching(/^No calibration/) });
    expect(offers(noCal).pause).toEqual({ ok: false, why: 'Only the simulation and a take replay pause.' });
    expect(offers(noCal).exportRun.why).toMatch(/Record first/);
    const sim = state(source({ kind: 'simulation', views: views(['cam1', 'cam2']), ownRig: ringRig(2) }));
    expect(offers(sim).pause.ok).toBe(true);
    expect(offers(sim).record.ok).toBe(true);
    expect(offers({ ...sim, source: { ...sim.source, phase: 'paused' } }).resume.ok).toBe(true);
    const vids = state(source({ kind: 'videos', finite: true, phase: 'finished', views: views(['cam01.mp4', 'cam02.mp4']) }));
    expect(offers(vids).exportRun.why).toMatch(/Process the videos/);
    expect(offers({ ...vids, run: { frames: 12 } }).exportRun.ok).toBe(true);
  });

  it('says in words what runs', () => {
    const s = state(source({ views: views(['cam01', 'cam02', 'cam03']) }));
    expect(sourceLine(s)).toBe('webcams');
    expect(camerasLine(s)).toBe('2 of 3 cameras running · 1 lost');
    expect(fusionLine(s)).toBe('3D on 3 views');
    const t = state(source({ kind: 'take', finite: true, phase: 'finished', views: views(['a', 'b']), ownRig: ringRig(2) }));
    expect(sourceLine(t)).toBe('take (finished)');
    expect(camerasLine(t)).toBe('0 of 2 views running');
  });
});
