/**
 * The data that flows between the stages: sources and detection produce frame sets of 2D detections, fusion turns
 * each into a list of people with every method's 3D pose. Plain data (typed arrays, records), so a frame set can
 * cross a worker boundary as it is.
 */
import type { FrameViews, PersonPoses, Pose3D } from './types';
import type { MultiFrameViews } from '../people/types';

export type ViewStatus = 'ok' | 'lost' | 'no-detection';

/** A view's status from its people in a frame set: null (no frame: the camera is lost) 'lost', nobody 'no-detection'. */
export function viewStatus(people: { readonly length: number } | null): ViewStatus {
  return people === null ? 'lost' : people.length ? 'ok' : 'no-detection';
}

export interface DetectedFrameSet {
  /** Reference time of the frame set, seconds. */
  time: number;
  /** One entry per view of the source, COCO-17 [x,y,score]×17 in raw pixels, or null. */
  views: FrameViews;
  /** Per-view state: a lost camera keeps its slot with status 'lost'. */
  status: ReadonlyArray<ViewStatus>;
  /** Per-stage timings of this frame set in ms (capture, detection, ...). */
  timings: Readonly<Record<string, number>>;
  /** World-space truth when the source knows it (simulation, takes with gt): x,y,z×17; NaN-free, with a mask. */
  gt?: { joints: Float64Array; valid: Uint8Array } | null;
  /**
   * A multi-person source: per view every person detected (null = no frame). Absent for a single-person source,
   * whose `views` are then all there is; when present, `views` still hold one person (the first figure) so
   * single-person consumers keep working, and fusion associates `people` instead.
   */
  people?: MultiFrameViews;
  /** Truth of every person with its id (multi-person simulation); `gt` is then the first one's. */
  truths?: ReadonlyArray<PersonTruth>;
  /**
   * Per view, per detection of `people`: the true person id it shows, −1 a false detection; null where `people`
   * is. Only sources that know it (the simulation, synthetic takes); recorded into takes for scoring.
   */
  labels?: ReadonlyArray<ReadonlyArray<number> | null>;
}

export interface PersonTruth {
  id: number;
  joints: Float64Array;
  valid: Uint8Array;
}

export interface FusedFrameSet {
  frame: DetectedFrameSet;
  /** Every person of the frame set with every method's pose (one person, id 0, until tracking comes). */
  people: readonly PersonPoses[];
  timings: Readonly<Record<string, number>>;
}

const NONE: Readonly<Record<string, Pose3D | null>> = Object.freeze({});

/** The poses of one person (default: the first) of a fused frame set; empty when the person is not in it. */
export function personPoses(f: Pick<FusedFrameSet, 'people'> | null | undefined, person?: number): Readonly<Record<string, Pose3D | null>> {
  if (!f || !f.people.length) return NONE;
  if (person === undefined) return f.people[0].poses;
  return f.people.find((p) => p.person === person)?.poses ?? NONE;
}
