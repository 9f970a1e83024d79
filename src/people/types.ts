/**
 * Several people at once: the shapes that travel from multi-person detection through association and tracking to
 * per-person fusion. Plain data over typed arrays, so a worker can post them as they are.
 */
import type { FrameViews, ViewKeypoints } from '../fusion/types';

/** Every person a detector found in one view: COCO-17 [x, y, score] × 17 each, raw pixels. */
export type ViewPeople = ReadonlyArray<ViewKeypoints>;

/** One multi-person frame set, one entry per camera; null = camera lost (no frame), [] = frame with nobody. */
export type MultiFrameViews = ReadonlyArray<ViewPeople | null>;

/** A 3D person the association may lean on: a tracked person's predicted joints at this frame set's time. */
export interface PersonPrior {
  /** The tracker's person id. */
  id: number;
  /** x, y, z × 17, metres. */
  joints: Float64Array;
  valid: Uint8Array;
  /** How far (metres) the person may have moved from `joints` since last seen: widens the prior's gate. */
  slack: number;
}

/** One person found across the views of a frame set. */
export interface AssociatedPerson {
  /** Per camera: index of this person's detection in that view's list, or −1. */
  detections: Int32Array;
  /** The person's single-person frame set (detection or null per camera): what every fusion method takes. */
  views: FrameViews;
  /** Cameras with a detection of this person (≥ 2). */
  nViews: number;
  /** Linear triangulation of the person's matched detections (the association's 3D hypothesis). */
  joints: Float64Array;
  valid: Uint8Array;
  /** The prior (PersonPrior.id) the association matched this person to, or −1. */
  priorId: number;
  /** The clustering's objective over this person's members (higher = more mutually consistent). */
  score: number;
}

export interface Association {
  people: AssociatedPerson[];
  /** Detections given to nobody, [camera, index] (false detections, people seen by one camera). */
  unassigned: Array<[number, number]>;
}
