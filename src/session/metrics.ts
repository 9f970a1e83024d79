/**
 * Accumulates a run's numbers from its fused frame sets (the session feeds it and resets it with every new run): per-camera rates, per-stage latency (moving
 * averages), skew, the distance between the compared methods, and each method's MPJPE against the truth
 * (current and running mean). The panel samples snapshot() a few times a second.
 */
import { meanJointDistance } from '../viewer/compare';
import { personPoses, type FusedFrameSet } from '../fusion/flow';
import { perPersonErrors, type PersonError } from './people-metrics';

export interface MetricsSnapshot {
  cameraFps: number[];
  /** Stage → ms (moving average). */
  latency: Record<string, number>;
  skewMs: number;
  /** Mean distance (m) between the two compared methods, current and running mean. */
  between: { a: string; b: string; current: number; mean: number };
  /** Method id → MPJPE (m) against the truth; absent without truth. */
  mpjpe: Record<string, { current: number; mean: number; frames: number }>;
  hasTruth: boolean;
  /**
   * Several people with truth: the latest frame set's MPJPE per fused person against its matched truth person;
   * `mpjpe` is then each method's mean over the matched people. Empty for a single person.
   */
  people: PersonError[];
  frames: number;
  /** The lifter's fallback to robust triangulation: on the latest frame set, and how often since the last reset. */
  lifterFallback: { current: boolean; reason: string; count: number; of: number };
}

const WINDOW_S = 2;
const EMA = 0.1;

export class MetricsStore {
  private times: number[] = [];
  private okTimes: number[][] = [];
  private latency: Record<string, number> = {};
  private skew = NaN;
  private sums: Record<string, { sum: number; n: number; current: number }> = {};
  private between = { sum: 0, n: 0, current: NaN };
  private hasTruth = false;
  private people: PersonError[] = [];
  private frames = 0;
  private fallback = { current: false, reason: '', count: 0, of: 0 };
  compare: [string, string] = ['lifter', 'robust'];
  /** The lifter whose fallback to robust triangulation is counted (the app's: temporal or single-frame). */
  lifter = 'lifter';
  /** Extra stage timings that do not travel on the bus (the renderer's). */
  extra: () => Record<string, number> = () => ({});

  /** Forgets everything: a new run starts from no numbers at all. */
  resetRun(): void {
    this.times = [];
    this.okTimes = [];
    this.latency = {};
    this.skew = NaN;
    this.hasTruth = false;
    this.people = [];
    this.reset();
  }

  /** Restarts the means (the panel's "reset means"). */
  reset(): void {
    this.sums = {};
    this.between = { sum: 0, n: 0, current: NaN };
    this.frames = 0;
    this.fallback = { current: false, reason: '', count: 0, of: 0 };
  }

  add(f: FusedFrameSet, now: number): void {
    this.frames++;
    f.frame.status.forEach((s, i) => {
      (this.okTimes[i] ??= []);
      if (s === 'ok') this.okTimes[i].push(now);
    });
    this.okTimes.length = f.frame.status.length;
    for (const q of this.okTimes) while (q.length && now - q[0] > WINDOW_S) q.shift();
    const stages: Record<string, number> = { ...f.frame.timings, ...f.timings };
    delete stages.skew;
    for (const [k, v] of Object.entries(stages)) {
      if (!Number.isFinite(v)) continue;
      this.latency[k] = this.latency[k] === undefined ? v : this.latency[k] + EMA * (v - this.latency[k]);
    }
    if (Number.isFinite(f.frame.timings.skew)) this.skew = f.frame.timings.skew;
    const poses = personPoses(f);
    const lifter = poses[this.lifter];
    this.fallback.current = lifter?.info?.fallback === true;
    this.fallback.reason = this.fallback.current ? String(lifter!.info!.fallbackReason ?? '') : '';
    if (lifter) {
      this.fallback.of++;
      if (this.fallback.current) this.fallback.count++;
    }
    const gt = f.frame.gt ?? null;
    const truths = f.frame.truths ?? null;
    this.hasTruth = !!gt || !!truths?.length;
    this.people = truths?.length ? perPersonErrors(f.people, truths) : [];
    if (this.hasTruth) {
      for (const id of Object.keys(poses)) {
        const e = truths?.length ? meanOver(this.people, id) : meanJointDistance(poses[id], gt);
        const acc = (this.sums[id] ??= { sum: 0, n: 0, current: NaN });
        acc.current = e;
        if (Number.isFinite(e)) {
          acc.sum += e;
          acc.n++;
        }
      }
    }
    const [a, b] = this.compare;
    const d = meanJointDistance(poses[a], poses[b]);
    this.between.current = d;
    if (Number.isFinite(d)) {
      this.between.sum += d;
      this.between.n++;
    }
  }

  snapshot(): MetricsSnapshot {
    const mpjpe: MetricsSnapshot['mpjpe'] = {};
    for (const [id, s] of Object.entries(this.sums)) mpjpe[id] = { current: s.current, mean: s.n ? s.sum / s.n : NaN, frames: s.n };
    const [a, b] = this.compare;
    return {
      cameraFps: this.okTimes.map((q) => q.length / WINDOW_S),
      latency: { ...this.latency, ...this.extra() },
      skewMs: this.skew,
      between: { a, b, current: this.between.current, mean: this.between.n ? this.between.sum / this.between.n : NaN },
      mpjpe,
      hasTruth: this.hasTruth,
      people: this.people,
      frames: this.frames,
      lifterFallback: { ...this.fallback },
    };
  }
}


/** A method's mean MPJPE over the matched people (NaN when none is finite). */
function meanOver(people: readonly PersonError[], id: string): number {
  let s = 0, n = 0;
  for (const p of people) if (Number.isFinite(p.mpjpe[id])) (s += p.mpjpe[id]), n++;
  return n ? s / n : NaN;
}
