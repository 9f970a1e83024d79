/**
 * One frame set through the per-camera detectors, as the detection worker runs it (and Node, on tensors): per view
 * the first person, and with a multi-person model every person. Kept apart from the worker so it runs in Node.
 */
import type { DetectorInput, ViewDetector } from './detector';

export interface SetDetections {
  /** Per view the (most confident) person, null for an empty slot or nobody found. */
  views: (Float32Array | null)[];
  /** Multi-person models only: per view everyone found ([] = nobody), null for an empty slot. */
  people?: (Float32Array[] | null)[];
  /** Inference time per view, ms (NaN for empty slots). */
  inferMs: number[];
}

/**
 * Detects every non-null frame with its camera's detector (made on demand by `detectorFor`); `release(c)` is
 * called once view c is done with, also when detection throws (the worker closes the bitmap there).
 */
export async function detectSet(
  detectorFor: (camera: number) => Promise<ViewDetector>,
  frames: readonly (DetectorInput | null)[],
  scales: readonly number[],
  timestamps: readonly number[],
  multiPerson: boolean,
  release: (camera: number) => void = () => {},
): Promise<SetDetections> {
  const views: (Float32Array | null)[] = [];
  const people: (Float32Array[] | null)[] = [];
  const inferMs: number[] = [];
  for (let c = 0; c < frames.length; c++) {
    const input = frames[c];
    if (!input) {
      views.push(null);
      people.push(null);
      inferMs.push(NaN);
      continue;
    }
    try {
      const det = await detectorFor(c);
      const t0 = performance.now();
      if (multiPerson) {
        const all = await det.detectAll(input, timestamps[c], scales[c]);
        people.push(all);
        // A copy, so views and people never share a buffer (each is transferred once).
        views.push(all.length ? all[0].slice() : null);
      } else {
        views.push(await det.detect(input, timestamps[c], scales[c]));
      }
      inferMs.push(performance.now() - t0);
    } finally {
      release(c);
    }
  }
  return multiPerson ? { views, people, inferMs } : { views, inferMs };
}

/** The buffers of a set's keypoints, each once (a buffer listed twice fails the transfer). */
export function keypointBuffers(d: Pick<SetDetections, 'views' | 'people'>): ArrayBuffer[] {
  const seen = new Set<ArrayBuffer>();
  for (const v of d.views) if (v) seen.add(v.buffer as ArrayBuffer);
  for (const list of d.people ?? []) for (const kp of list ?? []) seen.add(kp.buffer as ArrayBuffer);
  return [...seen];
}
