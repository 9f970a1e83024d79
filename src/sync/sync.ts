/**
 * Synchronisation of video files from the detected people's motion (issue 14).
 *
 * Model: view v's frame i happens at offsetS[v] + i / fps[v] on the reference view's clock (the reference's own
 * offset is 0 and its nominal rate is trusted: only rates relative to it can be observed).
 *
 * 1. Correlation: each view's per-joint speed signal (signal.ts) is correlated with the reference's over every
 *    offset on a grid of one reference frame, for the file's nominal rate and for the standard rates near it
 *    (phones write 30 in the file but record 29.97); the best peaks are refined to a fraction of a frame.
 * 2. Reprojection (when cameras are given): each candidate (peak, rate) is scored by how well the view agrees in
 *    3D with the views already placed — the first-order reprojection error of each joint triangulated from two
 *    views (its Sampson distance, epipolar.ts), on every frame of the overlap — and the best is refined on a
 *    sub-frame grid. This removes the ambiguity of repeated motion (every step of a walk correlates) and pins the
 *    offset finely. The chosen timing's agreement is reported as the DLT triangulation's reprojection error
 *    (reprojection.ts).
 *
 * Confidence (0–1): how much better the chosen timing is than the best alternative at least `separationS` away:
 * (r₁ − r₂) / (1 − r₂) for correlations, (e₂ − e₁) / e₂ for reprojection errors. Below ~0.1 the answer is a guess.
 *
 * Async, yielding between steps, so a worker can cancel it through an AbortSignal and report progress.
 */
import type { Camera } from '../geometry/camera';
import { epipolarScorer, type EpipolarScorer } from './epipolar';
import { agreementScorer, type AgreementScorer, type Timing } from './reprojection';
import { correlateAt, decimate, defaultSignalOptions, motionSignal, type KeypointTrack, type MotionSignal, type SignalOptions } from './signal';

export interface SyncOptions {
  /** The view whose clock is the common clock; null = the view with the most detected frames. */
  reference: number | null;
  /** Rates a camera may really record at; those within `rateTolerance` of a file's nominal rate are tried. */
  standardRates: readonly number[];
  estimateRates: boolean;
  rateTolerance: number;
  /** Largest |offset| searched, seconds; null = any offset that leaves `minOverlap` of the shorter view. */
  maxOffsetS: number | null;
  /** Fraction of the shorter of two views that must overlap for an offset to be considered. */
  minOverlap: number;
  /** Calibrated cameras (same order as the tracks): enables the reprojection refinement. */
  cameras: readonly Camera[] | null;
  /** Rate of the first, coarse correlation sweep over every offset, Hz. */
  coarseHz: number;
  /** Correlation peaks kept as candidates for the reprojection step. */
  candidates: number;
  /**
   * Reprojection refinement: ± refineRangeS around a candidate (the correlation peak is broad), in steps of
   * refineCoarseFrames reference frames, then halved down to refineStepFrames.
   */
  refineRangeS: number;
  refineCoarseFrames: number;
  refineStepFrames: number;
  /** Instants (evenly spread over the overlap) at which the search scores a timing by the epipolar error … */
  searchSamples: number;
  /** … and at which the chosen timing's agreement is measured by triangulation (DLT). */
  refineSamples: number;
  /** Alternatives closer than this to the chosen offset do not count against the confidence, seconds. */
  separationS: number;
  signal: SignalOptions;
  abortSignal?: AbortSignal;
  onProgress?: (fraction: number, stage: string) => void;
}

export const defaultSyncOptions: SyncOptions = {
  reference: null,
  standardRates: [23.976, 24, 25, 29.97, 30, 50, 59.94, 60, 119.88, 120],
  estimateRates: true,
  rateTolerance: 0.005,
  maxOffsetS: null,
  minOverlap: 0.5,
  cameras: null,
  coarseHz: 10,
  candidates: 4,
  refineRangeS: 0.15,
  refineCoarseFrames: 2,
  refineStepFrames: 0.25,
  searchSamples: 1500,
  refineSamples: 80,
  separationS: 0.1,
  signal: defaultSignalOptions,
};

export interface ViewSync {
  /** Time of the view's frame 0 on the reference clock, seconds (positive: the video started later). */
  offsetS: number;
  /** Estimated recording rate, Hz. */
  fps: number;
  confidence: number;
  /** Correlation of the speed signals at the chosen timing. */
  correlation: number;
  /** Mean reprojection error (fraction of the person's size) at the chosen timing, with the views placed before. */
  agreement: number;
  method: 'reference' | 'correlation' | 'reprojection' | 'failed';
}

export interface SyncResult {
  reference: number;
  views: ViewSync[];
}

interface Candidate {
  offset: number;
  rate: number;
  r: number;
}

const frameYield = () => new Promise<void>((res) => setTimeout(res, 0));

function checkAbort(s?: AbortSignal): void {
  if (s?.aborted) throw s.reason ?? new DOMException('Synchronisation cancelled', 'AbortError');
}

/** Offset of the parabola's vertex through (−h, a), (0, b), (h, c), clamped to ±h. */
function vertex(a: number, b: number, c: number, h: number): number {
  const den = a - 2 * b + c;
  if (!Number.isFinite(den) || Math.abs(den) < 1e-15) return 0;
  return Math.max(-h, Math.min(h, (h * (a - c)) / (2 * den)));
}

/**
 * The nominal rate and the standard rates near it, those whose drift over the view's duration would reach half a
 * frame (a shorter clip cannot tell 29.97 from 30, so it keeps the nominal rate).
 */
function rateCandidates(nominal: number, frames: number, o: SyncOptions): number[] {
  const out = [nominal];
  if (!o.estimateRates) return out;
  for (const r of o.standardRates) {
    const drift = (frames / nominal) * Math.abs(1 - nominal / r) * r;
    if (Math.abs(r / nominal - 1) <= o.rateTolerance && drift >= 0.5 && out.every((x) => Math.abs(x - r) > 1e-6)) out.push(r);
  }
  return out;
}

/**
 * Minimum of a 1D error over [centre ± range] (seconds): steps of `step` first, then halving steps down to
 * `finest`, then the vertex of the parabola through the last three.
 */
export function refineOffset(f: (offset: number) => number, centre: number, range: number, step: number, finest: number): { offset: number; e: number } {
  let best = { offset: centre, e: f(centre) };
  for (let k = 1; k * step <= range + 1e-12; k++)
    for (const off of [centre - k * step, centre + k * step]) {
      const e = f(off);
      if (e < best.e) best = { offset: off, e };
    }
  for (let s = step / 2; s >= finest - 1e-12; s /= 2) {
    const c = best.offset, left = f(c - s), right = f(c + s);
    if (left < best.e && left <= right) best = { offset: c - s, e: left };
    else if (right < best.e) best = { offset: c + s, e: right };
  }
  const c = best.offset, left = f(c - finest), right = f(c + finest);
  if (best.e <= left && best.e <= right) {
    const d = vertex(left, best.e, right, finest);
    const e = d !== 0 ? f(c + d) : Infinity;
    if (e < best.e) best = { offset: c + d, e };
  } else if (Math.min(left, right) < best.e) {
    best = left < right ? { offset: c - finest, e: left } : { offset: c + finest, e: right };
  }
  return best;
}

interface ViewSignal {
  full: MotionSignal;
  coarse: MotionSignal;
  frames: number;
  fps: number;
}

/** Local maxima of r over an offset grid, as candidates (no refinement). */
function localMaxima(offs: number[], rs: number[], rate: number): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < rs.length; i++) {
    const r = rs[i];
    if (!Number.isFinite(r)) continue;
    const left = i > 0 && Number.isFinite(rs[i - 1]) ? rs[i - 1] : -Infinity;
    const right = i + 1 < rs.length && Number.isFinite(rs[i + 1]) ? rs[i + 1] : -Infinity;
    if (r >= left && r > right) out.push({ offset: offs[i], rate, r });
  }
  return out;
}

/**
 * Correlation peaks of view b against the reference for one candidate rate: a sweep of the coarse (≈ coarseHz)
 * signals over every admissible offset, then a sweep at one reference frame around each of the best coarse peaks,
 * refined to a fraction of a frame by a parabola.
 */
function correlationPeaks(ref: ViewSignal, b: ViewSignal, rate: number, o: SyncOptions): Candidate[] {
  const durA = ref.frames / ref.fps, durB = b.frames / rate;
  const need = o.minOverlap * Math.min(durA, durB);
  let lo = need - durB, hi = durA - need;
  if (o.maxOffsetS !== null) { lo = Math.max(lo, -o.maxOffsetS); hi = Math.min(hi, o.maxOffsetS); }
  const sweep = (a: MotionSignal, bs: MotionSignal, from: number, to: number, step: number) => {
    const minPairs = Math.max(20, Math.floor((need / step) * 0.25));
    const offs: number[] = [], rs: number[] = [];
    for (let k = Math.ceil(from / step); k * step <= to; k++) {
      offs.push(k * step);
      rs.push(correlateAt(a, ref.fps, bs, k * step, rate, minPairs).r);
    }
    return { offs, rs, minPairs };
  };
  const coarseStep = ref.coarse.step / ref.fps;
  const c = sweep(ref.coarse, b.coarse, lo, hi, coarseStep);
  const coarsePeaks = distinct(localMaxima(c.offs, c.rs, rate), o.separationS, o.candidates);
  const fineStep = 1 / ref.fps;
  return coarsePeaks.map((p) => {
    const f = sweep(ref.full, b.full, Math.max(lo, p.offset - 1.5 * coarseStep), Math.min(hi, p.offset + 1.5 * coarseStep), fineStep);
    let i = -1;
    f.rs.forEach((r, k) => { if (Number.isFinite(r) && (i < 0 || r > f.rs[i])) i = k; });
    if (i < 0) return p;
    const d = i > 0 && i + 1 < f.rs.length ? vertex(f.rs[i - 1], f.rs[i], f.rs[i + 1], fineStep) : 0;
    const r = d !== 0 ? correlateAt(ref.full, ref.fps, b.full, f.offs[i] + d, rate, f.minPairs).r : NaN;
    return r > f.rs[i] ? { offset: f.offs[i] + d, rate, r } : { offset: f.offs[i], rate, r: f.rs[i] };
  });
}

/** Best candidates, one per neighbourhood of `sep` seconds (any rate), best first. */
function distinct(peaks: Candidate[], sep: number, k: number): Candidate[] {
  const out: Candidate[] = [];
  for (const p of [...peaks].sort((a, b) => b.r - a.r)) {
    if (out.some((q) => Math.abs(q.offset - p.offset) < sep && q.rate === p.rate)) continue;
    out.push(p);
    if (out.length >= k) break;
  }
  return out;
}

/** Reference-clock instants where the placed views and the hypothesis overlap, evenly subsampled. */
function sampleTimes(placed: ReadonlyArray<Timing | null>, tracks: readonly KeypointTrack[], margin: number, n: number): Float64Array {
  let t0 = -Infinity, t1 = Infinity;
  placed.forEach((tm, v) => {
    if (!tm) return;
    t0 = Math.max(t0, tm.offsetS);
    t1 = Math.min(t1, tm.offsetS + (tracks[v].frames.length - 1) / tm.fps);
  });
  t0 += margin; t1 -= margin;
  if (!(t1 > t0)) return new Float64Array(0);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = t0 + ((i + 0.5) * (t1 - t0)) / n;
  return out;
}

/**
 * Estimates every view's offset and rate from its keypoint track (one track per view, in camera order). Throws the
 * abort reason when `abortSignal` fires. With fewer than 2 tracks there is nothing to synchronise.
 */
export async function synchronizeViews(tracks: readonly KeypointTrack[], options: Partial<SyncOptions> = {}): Promise<SyncResult> {
  const o: SyncOptions = { ...defaultSyncOptions, ...options };
  const nv = tracks.length;
  if (o.cameras && o.cameras.length !== nv) throw new Error(`synchronizeViews: ${nv} tracks but ${o.cameras.length} cameras`);
  const detected = tracks.map((t) => t.frames.reduce((s, f) => s + (f ? 1 : 0), 0));
  const ref = o.reference ?? detected.indexOf(Math.max(...detected));
  const views: ViewSync[] = tracks.map((t, v) => ({
    offsetS: 0, fps: t.fps, confidence: v === ref ? 1 : 0, correlation: v === ref ? 1 : NaN, agreement: NaN, method: v === ref ? 'reference' : 'failed',
  }));
  if (nv < 2) return { reference: ref, views };
  const report = (f: number, s: string) => o.onProgress?.(Math.min(1, f), s);

  const signals: ViewSignal[] = tracks.map((t) => {
    const full = motionSignal(t, o.signal);
    return { full, coarse: decimate(full, Math.max(1, Math.round(t.fps / o.coarseHz))), frames: t.frames.length, fps: t.fps };
  });
  const others = tracks.map((_, v) => v).filter((v) => v !== ref);
  const cands = new Map<number, Candidate[]>();
  for (const [n, v] of others.entries()) {
    checkAbort(o.abortSignal);
    report(n / others.length / (o.cameras ? 2 : 1), 'correlating');
    await frameYield();
    const peaks = rateCandidates(tracks[v].fps, tracks[v].frames.length, o).flatMap((rate) => correlationPeaks(signals[ref], signals[v], rate, o));
    const top = distinct(peaks, o.separationS, Math.max(1, o.candidates));
    cands.set(v, top);
    if (top.length === 0) continue;
    const best = top[0];
    const rival = peaks.filter((p) => Math.abs(p.offset - best.offset) >= o.separationS).reduce((m, p) => Math.max(m, p.r), -1);
    Object.assign(views[v], {
      offsetS: best.offset, fps: best.rate, correlation: best.r, method: 'correlation',
      confidence: Math.max(0, Math.min(1, (best.r - rival) / (1 - rival))),
    });
  }
  if (o.cameras) await refineByReprojection(o.cameras, tracks, ref, others, cands, views, o, (f) => report(0.5 + f / 2, 'reprojection'));
  report(1, 'done');
  return { reference: ref, views };
}

async function refineByReprojection(
  cameras: readonly Camera[], tracks: readonly KeypointTrack[], ref: number, others: number[], cands: Map<number, Candidate[]>,
  views: ViewSync[], o: SyncOptions, progress: (f: number) => void,
): Promise<void> {
  const scorer: AgreementScorer = agreementScorer(cameras, tracks, o.signal.minScore);
  const epi: EpipolarScorer = epipolarScorer(cameras, tracks, o.signal.minScore);
  const placed: (Timing | null)[] = tracks.map(() => null);
  placed[ref] = { offsetS: 0, fps: tracks[ref].fps };
  const frame = 1 / tracks[ref].fps;
  const margin = o.refineRangeS + frame;
  // Most confident first: later views are judged against every view placed before them.
  const order = others.filter((v) => (cands.get(v) ?? []).length > 0).sort((a, b) => views[b].confidence - views[a].confidence);
  for (const [n, v] of order.entries()) {
    const errorAt = (offsetS: number, fps: number, times: Float64Array) => epi.score(v, { offsetS, fps }, placed, times);
    checkAbort(o.abortSignal);
    progress(n / order.length);
    await frameYield();
    // Each candidate scored at its own overlap; the best one's rate from its drift, then its offset on a fine grid.
    const scored = cands.get(v)!.map((c) => {
      placed[v] = { offsetS: c.offset, fps: c.rate };
      const times = sampleTimes(placed, tracks, margin, o.searchSamples);
      placed[v] = null;
      return { c, times, e: errorAt(c.offset, c.rate, times) };
    });
    scored.sort((a, b) => a.e - b.e);
    const win = scored[0];
    if (!Number.isFinite(win.e) || win.times.length === 0) continue;
    const rates = rateCandidates(tracks[v].fps, tracks[v].frames.length, o);
    // A rate change keeps the middle of the overlap in place: the offset moves with the rate about that instant.
    const mid = win.times[win.times.length >> 1];
    // The rate from the drift: at the file's rate, a view recorded at another rate seems to slide in time, so its
    // offset is found on each half of the overlap and the slope between them gives the rate, snapped to the nearest
    // candidate. (Comparing each rate's best error instead is swamped by the detector's noise.)
    const fine = (rate: number, times: Float64Array) => {
      const centre = mid - ((mid - win.c.offset) * win.c.rate) / rate;
      return refineOffset((off) => errorAt(off, rate, times), centre, o.refineRangeS, o.refineCoarseFrames * frame, o.refineStepFrames * frame);
    };
    let rate = rates[0];
    if (rates.length > 1) {
      const halves = [win.times.filter((t) => t < mid), win.times.filter((t) => t >= mid)];
      const offs = halves.map((h) => fine(rates[0], h).offset);
      const tm = halves.map((h) => (h[0] + h[h.length - 1]) / 2);
      const estimate = rates[0] * (1 - (offs[1] - offs[0]) / (tm[1] - tm[0]));
      rate = rates.reduce((b, r) => (Math.abs(r - estimate) < Math.abs(b - estimate) ? r : b), rates[0]);
    }
    const found = fine(rate, win.times);
    let best = { offset: found.offset, rate, e: found.e };
    if (!Number.isFinite(best.e)) best = { offset: win.c.offset, rate: win.c.rate, e: win.e };
    await frameYield();
    // The best alternative at least `separationS` away: the other candidates, and the chosen one shifted both ways.
    const alt = Math.min(
      ...scored.filter((s) => Math.abs(s.c.offset - best.offset) >= o.separationS).map((s) => s.e),
      errorAt(best.offset - o.separationS, best.rate, win.times),
      errorAt(best.offset + o.separationS, best.rate, win.times),
    );
    placed[v] = { offsetS: best.offset, fps: best.rate };
    const agreement = scorer.score(placed, sampleTimes(placed, tracks, frame, o.refineSamples)).error;
    Object.assign(views[v], {
      offsetS: best.offset, fps: best.rate, agreement, method: 'reprojection',
      confidence: Number.isFinite(alt) && alt > 0 ? Math.max(0, Math.min(1, (alt - best.e) / alt)) : 0,
    });
  }
  progress(1);
}
