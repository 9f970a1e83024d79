/**
 * Frame-set assembly: groups one frame per camera whose timestamps agree within a tolerance. Pure (no DOM):
 * the live scheduler feeds it rVFC timestamps; tests feed it jittered, dropped sequences.
 *
 * Rule: a set's reference is the latest of the cameras' oldest queued frames (no earlier set can still be
 * completed by a camera that has already moved past it). Older frames that cannot reach the reference are
 * dropped. A camera that has delivered nothing near the reference by the time the others are `maxWait`
 * seconds ahead gets a hole (null) in that set, so one stalled camera never stops the rest.
 */

export interface FrameSetOptions {
  /** Max |frame time − set time| in seconds; default half a frame period. */
  tolerance: number;
  /** How far (s) the newest frame may run ahead of a pending set before it is emitted with holes. */
  maxWait: number;
  /** Frames queued per camera before the oldest are dropped (bounds memory when a camera stalls). */
  maxQueue: number;
}

export interface AssembledSet<T> {
  /** Reference time (s): the mean of the member frames' times. */
  time: number;
  /** One slot per camera: the frame's payload or null (lost, dropped or late). */
  frames: (T | null)[];
  /** Frame time − set time per camera (s); NaN where the slot is empty. */
  skew: number[];
}

export interface CameraSyncStats {
  /** Frames received. */
  received: number;
  /** Frames that went into a set. */
  used: number;
  /** Frames discarded (no partner within tolerance, or queue overflow). */
  dropped: number;
  /** Sets this camera had no frame in while it was not marked lost. */
  missed: number;
  /** Skew of this camera's last frame in a set (s). */
  lastSkew: number;
  /** Running mean of |skew| (s). */
  meanAbsSkew: number;
  lost: boolean;
}

interface Queued<T> {
  time: number;
  payload: T;
}

export function defaultFrameSetOptions(fps = 30): FrameSetOptions {
  return { tolerance: 0.5 / fps, maxWait: 3 / fps, maxQueue: 8 };
}

export class FrameSetAssembler<T> {
  readonly options: FrameSetOptions;
  private queues: Queued<T>[][];
  private stats: CameraSyncStats[];
  private newest = -Infinity;
  private lastSetTime = -Infinity;

  /** `onDrop` receives payloads the assembler discards (e.g. to close ImageBitmaps). */
  constructor(readonly nCameras: number, options: Partial<FrameSetOptions> = {}, private onDrop?: (payload: T, camera: number) => void) {
    this.options = { ...defaultFrameSetOptions(), ...options };
    this.queues = Array.from({ length: nCameras }, () => []);
    this.stats = Array.from({ length: nCameras }, () => ({ received: 0, used: 0, dropped: 0, missed: 0, lastSkew: NaN, meanAbsSkew: 0, lost: false }));
  }

  /** Marks a camera lost (its slots become holes without waiting for it) or back. */
  setLost(camera: number, lost: boolean): AssembledSet<T>[] {
    this.stats[camera].lost = lost;
    if (lost) {
      for (const f of this.queues[camera].splice(0)) this.drop(camera, f.payload);
      return this.drain(false);
    }
    return [];
  }

  /** Adds a frame; returns the sets it completes, oldest first. Times must rise per camera. */
  push(camera: number, time: number, payload: T): AssembledSet<T>[] {
    const st = this.stats[camera];
    st.received++;
    const q = this.queues[camera];
    if (st.lost || !Number.isFinite(time) || time <= this.lastSetTime - this.options.tolerance || (q.length && time <= q[q.length - 1].time)) {
      // Too late for any future set, out of order, or from a camera marked lost: nothing can use it.
      this.drop(camera, payload);
      return [];
    }
    q.push({ time, payload });
    while (q.length > this.options.maxQueue) this.drop(camera, q.shift()!.payload);
    this.newest = Math.max(this.newest, time);
    return this.drain(false);
  }

  /**
   * Releases every queued frame without counting it as dropped: the consumer was busy and chose not to take
   * these frames (a live scheduler skipping frames while detection runs), which is not a sync failure.
   */
  discardQueued(): void {
    for (let c = 0; c < this.nCameras; c++) for (const f of this.queues[c].splice(0)) this.onDrop?.(f.payload, c);
  }

  /** Emits whatever can be emitted, filling holes (end of a stream). */
  flush(): AssembledSet<T>[] {
    return this.drain(true);
  }

  cameraStats(): readonly Readonly<CameraSyncStats>[] {
    return this.stats;
  }

  private drop(camera: number, payload: T) {
    this.stats[camera].dropped++;
    this.onDrop?.(payload, camera);
  }

  private active(): number[] {
    const out: number[] = [];
    for (let c = 0; c < this.nCameras; c++) if (!this.stats[c].lost) out.push(c);
    return out;
  }

  private drain(final: boolean): AssembledSet<T>[] {
    const out: AssembledSet<T>[] = [];
    const tol = this.options.tolerance;
    for (;;) {
      const active = this.active();
      const withFrames = active.filter((c) => this.queues[c].length > 0);
      if (!withFrames.length) break;
      const complete = withFrames.length === active.length;
      // Reference: the latest head among cameras that have frames. A camera without frames may still deliver
      // one for this reference, so wait for it unless the others are too far ahead.
      let ref = -Infinity;
      for (const c of withFrames) ref = Math.max(ref, this.queues[c][0].time);
      // Drop heads that are too old to join this reference; then re-check (a newer head may change ref).
      let changed = false;
      for (const c of withFrames) {
        const q = this.queues[c];
        while (q.length > 1 && q[0].time < ref - tol && Math.abs(q[1].time - ref) <= Math.abs(q[0].time - ref)) {
          this.drop(c, q.shift()!.payload);
          changed = true;
        }
      }
      if (changed) continue;
      const members = withFrames.filter((c) => Math.abs(this.queues[c][0].time - ref) <= tol);
      const stale = withFrames.filter((c) => !members.includes(c));
      const waitedOut = this.newest - ref > this.options.maxWait;
      if (stale.length) {
        // A head older than ref − tol whose queue has nothing closer: it can only be matched by a set that
        // cannot happen any more (the others have moved on) once the others are waited out or complete.
        if (complete || waitedOut || final) {
          for (const c of stale) this.drop(c, this.queues[c].shift()!.payload);
          continue;
        }
        break;
      }
      if (!complete && !waitedOut && !final) break;
      out.push(this.emit(members, active));
    }
    return out;
  }

  private emit(members: number[], active: number[]): AssembledSet<T> {
    let time = 0;
    for (const c of members) time += this.queues[c][0].time;
    time /= members.length;
    const frames: (T | null)[] = new Array(this.nCameras).fill(null);
    const skew: number[] = new Array(this.nCameras).fill(NaN);
    for (const c of members) {
      const f = this.queues[c].shift()!;
      frames[c] = f.payload;
      skew[c] = f.time - time;
      const st = this.stats[c];
      st.lastSkew = skew[c];
      st.used++;
      st.meanAbsSkew += (Math.abs(skew[c]) - st.meanAbsSkew) / st.used;
    }
    for (const c of active) if (!members.includes(c)) this.stats[c].missed++;
    this.lastSetTime = time;
    // Frames at or before this set that were not used can never join a later one.
    const tol = this.options.tolerance;
    for (const c of active) {
      const q = this.queues[c];
      while (q.length && q[0].time <= time - tol) this.drop(c, q.shift()!.payload);
    }
    return { time, frames, skew };
  }
}
