/**
 * The multi-person front of the fusion stage, one call per frame set: association (with the tracked people as
 * priors) then identities. What a fusion worker holds per rig; its input and output are plain data and typed
 * arrays, so they cross a worker boundary as they are. Fusion per person (fuse.ts) then takes `people`.
 */
import type { Camera } from '../geometry/camera';
import { defaultAssociationOptions, PeopleAssociator, type AssociationOptions } from './associate';
import { defaultTrackerOptions, PersonTracker, type TrackedPerson, type TrackerOptions } from './tracker';
import type { MultiFrameViews } from './types';

export interface PeopleStep {
  people: TrackedPerson[];
  /** Detections given to nobody, [camera, index]. */
  unassigned: Array<[number, number]>;
}

export class PeopleStage {
  private readonly associator: PeopleAssociator;
  private readonly tracker: PersonTracker;

  constructor(cameras: readonly Camera[], assoc: AssociationOptions = defaultAssociationOptions, track: TrackerOptions = defaultTrackerOptions) {
    this.associator = new PeopleAssociator(cameras, assoc);
    this.tracker = new PersonTracker(track);
  }

  /** One frame set (time in seconds, non-decreasing; going back starts the identities again). */
  step(time: number, frame: MultiFrameViews): PeopleStep {
    const a = this.associator.associate(frame, this.tracker.priors(time));
    return { people: this.tracker.update(time, a.people), unassigned: a.unassigned };
  }

  /** Ids still remembered (for PeopleFusion.retainOnly). */
  get ids(): number[] {
    return this.tracker.ids;
  }

  /** A new take or rig: forget everyone. */
  reset(): void {
    this.tracker.reset();
  }
}
