/**
 * Messages between the app and the fusion worker, and the packing of frame sets and results into a few typed
 * arrays that are transferred (moved, not copied) across: detections go in as one Float32Array, every method's
 * pose comes back as one Float64Array and one Uint8Array. The small rest (times, info records) is cloned.
 */
import type { Camera } from '../geometry/camera';
import { NUM_JOINTS } from '../keypoints';
import type { DetectedFrameSet, FusedFrameSet, ViewStatus } from './flow';
import type { PipelineSettings } from './pipeline';
import type { Pose3D } from './types';
import type { BackendMeasurement, LifterBackend, LifterBackendChoice } from './backend-select';

const KP = NUM_JOINTS * 3;

export type ToWorker =
  | { type: 'init'; methods: string[]; modelsBase: string; wasmPath: string; backend: LifterBackendChoice; settings: PipelineSettings }
  | { type: 'rig'; cameras: Camera[] | null }
  | ({ type: 'fuse'; id: number } & PackedFrame)
  | { type: 'reset' }
  | { type: 'settings'; patch: Partial<PipelineSettings> }
  | { type: 'backend'; choice: LifterBackendChoice }
  /** Makes the worker throw outside any handler, as a real crash would: the crash-fallback test's trigger. */
  | { type: 'crash' };

/** What the status shows of the lifter's backend: the choice, what was measured, why the others were not used. */
export interface BackendReport {
  choice: LifterBackendChoice;
  /** The backend the lifter runs on; null while measuring or when no lifter loaded. */
  chosen: LifterBackend | null;
  measuring: boolean;
  measurements: BackendMeasurement[];
  reasons: Partial<Record<LifterBackend, string>>;
}

export type MethodState = { id: string; state: 'loading' | 'ready' } | { id: string; state: 'unavailable'; reason: string };

export type FromWorker =
  | { type: 'methods'; methods: MethodState[] }
  | { type: 'backend'; report: BackendReport }
  | ({ type: 'fused'; id: number } & PackedResult)
  | { type: 'empty'; id: number }
  /** id: the frame set whose fusion failed; none: a failure outside a frame set (init, a backend switch). */
  | { type: 'error'; id?: number; message: string }
  /** A method threw on a frame set (the others went on; its pose is null): the first and then every 100th. */
  | { type: 'method-error'; method: string; message: string; count: number };

export interface PackedFrame {
  time: number;
  status: ViewStatus[];
  /** [x, y, score] × 17 per view; a view without detection is zeros with present[v] = 0. */
  keypoints: Float32Array;
  present: Uint8Array;
  /** A multi-person frame set: per view the number of people (−1 = no frame), and their keypoints in view order. */
  peopleCounts?: Int32Array;
  peopleKeypoints?: Float32Array;
}

export function packFrame(f: DetectedFrameSet): { frame: PackedFrame; transfer: ArrayBuffer[] } {
  const V = f.views.length;
  const keypoints = new Float32Array(V * KP);
  const present = new Uint8Array(V);
  f.views.forEach((v, i) => {
    if (!v) return;
    keypoints.set(v.subarray(0, KP), i * KP);
    present[i] = 1;
  });
  const frame: PackedFrame = { time: f.time, status: [...f.status], keypoints, present };
  const transfer: ArrayBuffer[] = [keypoints.buffer, present.buffer];
  if (f.people) {
    const counts = Int32Array.from(f.people, (v) => (v ? v.length : -1));
    const all = new Float32Array(counts.reduce((n, c) => n + Math.max(0, c), 0) * KP);
    let o = 0;
    for (const v of f.people) for (const kp of v ?? []) all.set(kp.subarray(0, KP), (o++) * KP);
    frame.peopleCounts = counts;
    frame.peopleKeypoints = all;
    transfer.push(counts.buffer, all.buffer);
  }
  return { frame, transfer };
}

/** The worker's frame set: views are views into the one transferred buffer (no copy). */
export function unpackFrame(p: PackedFrame): DetectedFrameSet {
  const views = Array.from(p.present, (has, i) => (has ? p.keypoints.subarray(i * KP, (i + 1) * KP) : null));
  const f: DetectedFrameSet = { time: p.time, views, status: p.status, timings: {} };
  if (p.peopleCounts && p.peopleKeypoints) {
    let o = 0;
    const all = p.peopleKeypoints;
    f.people = Array.from(p.peopleCounts, (c) => (c < 0 ? null : Array.from({ length: c }, () => all.subarray(o * KP, (++o) * KP))));
  }
  return f;
}

export interface PackedPerson {
  person: number;
  methods: string[];
  /** 1 where the method gave a pose. */
  has: Uint8Array;
  joints: Float64Array;
  valid: Uint8Array;
  info: (Pose3D['info'] | null)[];
}

export interface PackedResult {
  people: PackedPerson[];
  timings: Record<string, number>;
}

export function packResult(f: FusedFrameSet): { result: PackedResult; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const people = f.people.map((p) => {
    const methods = Object.keys(p.poses);
    const M = methods.length;
    const out: PackedPerson = {
      person: p.person, methods, has: new Uint8Array(M), joints: new Float64Array(M * KP), valid: new Uint8Array(M * NUM_JOINTS), info: [],
    };
    methods.forEach((id, m) => {
      const pose = p.poses[id];
      out.info.push(pose?.info ?? null);
      if (!pose) return;
      out.has[m] = 1;
      out.joints.set(pose.joints, m * KP);
      out.valid.set(pose.valid, m * NUM_JOINTS);
    });
    transfer.push(out.has.buffer as ArrayBuffer, out.joints.buffer as ArrayBuffer, out.valid.buffer as ArrayBuffer);
    return out;
  });
  return { result: { people, timings: { ...f.timings } }, transfer };
}

/** The fused frame set on the app's side, around the app's own frame set (its gt and timings stay there). */
export function unpackResult(r: PackedResult, frame: DetectedFrameSet): FusedFrameSet {
  const people = r.people.map((p) => {
    const poses: Record<string, Pose3D | null> = {};
    p.methods.forEach((id, m) => {
      if (!p.has[m]) {
        poses[id] = null;
        return;
      }
      const pose: Pose3D = { joints: p.joints.subarray(m * KP, (m + 1) * KP), valid: p.valid.subarray(m * NUM_JOINTS, (m + 1) * NUM_JOINTS) };
      if (p.info[m]) pose.info = p.info[m]!;
      poses[id] = pose;
    });
    return { person: p.person, poses };
  });
  return { frame, people, timings: r.timings };
}
