import { describe, expect, it } from 'vitest';
import { DEFAULT_NOISE } from '../sim/noise';
import { ringRig } from '../sim/rig';
import { makeRng } from '../sim/rng';
import { simulateFrame } from '../sim/simulate';
import { bus, type DetectedFrameSet, type FusedFrameSet } from './bus';
import { MetricsStore } from './MetricsStore';
import { FusionPipeline } from './pipeline';

function frameAt(t: number, cams = ringRig(4), level = 0): DetectedFrameSet {
  const f = simulateFrame(t, cams, { noise: DEFAULT_NOISE, level, dropped: new Set() }, makeRng(1));
  return { time: f.time, views: f.views, status: f.status, timings: { capture: 1, detection: 2, skew: 0.5 }, gt: f.gt };
}

describe('fusion pipeline on the bus', () => {
  it('fuses detections on the current rig with both triangulation methods and publishes them', async () => {
    const cams = ringRig(4);
    bus.cameras.emit(cams);
    const p = new FusionPipeline(false);
    const got: FusedFrameSet[] = [];
    const unsub = bus.fused.subscribe((f) => got.push(f));
    p.start();
    bus.detections.emit(frameAt(1, cams));
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toHaveLength(1);
    const f = got[0];
    expect(Object.keys(f.poses).sort()).toEqual(['dlt', 'robust']);
    for (let k = 0; k < 51; k++) expect(f.poses.robust!.joints[k]).toBeCloseTo(f.frame.gt!.joints[k], 6);
    expect(f.timings.fusion).toBeGreaterThanOrEqual(0);

    // Metrics from the same stream: MPJPE ≈ 0 on perfect detections, rates and latencies present.
    const m = new MetricsStore();
    m.compare = ['dlt', 'robust'];
    m.add(f, 0);
    const s = m.snapshot();
    expect(s.mpjpe.robust.current).toBeLessThan(1e-6);
    expect(s.mpjpe.dlt.frames).toBe(1);
    expect(s.cameraFps).toHaveLength(4);
    expect(s.latency.detection).toBe(2);
    expect(s.skewMs).toBe(0.5);
    expect(s.between.current).toBeLessThan(1e-6);

    // A frame set for a different rig size is not fused against the wrong cameras.
    bus.detections.emit(frameAt(2, ringRig(3)));
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toHaveLength(1);
    p.dispose();
    unsub();
  });

  it('keeps only the newest waiting frame set while a slow method runs', async () => {
    const cams = ringRig(3);
    bus.cameras.emit(cams);
    const p = new FusionPipeline(false);
    let release: () => void = () => {};
    const slow = {
      id: 'slow',
      label: 'slow',
      estimateFrames: () => new Promise<null[]>((r) => (release = () => r([null]))),
    };
    (p as unknown as { methods: unknown[] }).methods.push(slow);
    const times: number[] = [];
    const unsub = bus.fused.subscribe((f) => times.push(f.frame.time));
    p.start();
    for (const t of [1, 2, 3, 4]) bus.detections.emit(frameAt(t, cams));
    release();
    await new Promise((r) => setTimeout(r, 10));
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(times).toEqual([1, 4]);
    p.dispose();
    unsub();
  });
});
