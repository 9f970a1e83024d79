/**
 * Frame sets on the reference clock once views are synchronised: at each of the reference view's frame times,
 * every view's keypoints interpolated at its own (fractional) frame for that instant. Where a view has no frame at
 * that time (it started later, ended earlier, or lost the person) its entry is null, so fusion treats it as a
 * missing view; instants with fewer than `minViews` views are left out.
 */
import type { FrameViews } from '../fusion/types';
import type { MultiFrameViews, ViewPeople } from '../people/types';
import { keypointsAt, type Timing } from './reprojection';
import type { KeypointTrack } from './signal';

export interface ResampledFrames {
  /** Seconds on the reference clock, increasing. */
  times: number[];
  frames: FrameViews[];
}

/**
 * `timings[v]`: where view v's frames lie on the reference clock (from synchronizeViews: offsetS and fps). The
 * time grid is the reference view's frames: i / timings[reference].fps + timings[reference].offsetS.
 */
export function resampleToReference(
  tracks: readonly KeypointTrack[], timings: readonly Timing[], reference: number, minViews = 2, minScore = 0.05,
): ResampledFrames {
  const ref = timings[reference];
  const times: number[] = [], frames: FrameViews[] = [];
  for (let i = 0; i < tracks[reference].frames.length; i++) {
    const t = ref.offsetS + i / ref.fps;
    let present = 0;
    const views = tracks.map((track, v) => {
      const k = (t - timings[v].offsetS) * timings[v].fps;
      // On a frame (a synchronised or reference view): that frame as detected, nothing interpolated.
      const near = Math.round(k);
      if (Math.abs(k - near) < 1e-6) {
        const kp = near >= 0 && near < track.frames.length ? track.frames[near] : null;
        if (kp) present++;
        return kp ? Float32Array.from(kp) : null;
      }
      const kp = keypointsAt(track, k, minScore);
      if (kp) present++;
      return kp;
    });
    if (present < minViews) continue;
    times.push(t);
    frames.push(views);
  }
  return { times, frames };
}

/** Frame sets of every person on the reference clock (see resamplePeopleToReference). */
export interface ResampledPeople {
  times: number[];
  frames: MultiFrameViews[];
}

/**
 * The multi-person counterpart of resampleToReference: at each of the reference view's frame times, every view's
 * people at its nearest frame (who is who within a view is not known before association, so nothing is
 * interpolated: a synchronised view is then off by at most half a frame). A view without a frame at that time is
 * null; instants with fewer than `minViews` views holding somebody are left out.
 */
export function resamplePeopleToReference(
  tracks: ReadonlyArray<{ fps: number; frames: ReadonlyArray<ViewPeople | null> }>, timings: readonly Timing[], reference: number, minViews = 2,
): ResampledPeople {
  const ref = timings[reference];
  const times: number[] = [], frames: MultiFrameViews[] = [];
  for (let i = 0; i < tracks[reference].frames.length; i++) {
    const t = ref.offsetS + i / ref.fps;
    let present = 0;
    const views = tracks.map((track, v) => {
      const k = Math.round((t - timings[v].offsetS) * timings[v].fps);
      const list = k >= 0 && k < track.frames.length ? track.frames[k] ?? null : null;
      if (list?.length) present++;
      return list;
    });
    if (present < minViews) continue;
    times.push(t);
    frames.push(views);
  }
  return { times, frames };
}
