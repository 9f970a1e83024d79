/**
 * Collects fused frame sets into a take: the run's result (every frame set of a processed video or take) or a
 * recording (what came while record was on). The count it reports is the number of frames the take will hold.
 * A single-person source gives a version 1 take; once a frame set holds several people's detections (a
 * multi-person source), the take is version 2 with every person (docs/formats.md).
 */
import type { Camera } from '../geometry/camera';
import type { FusedFrameSet } from '../fusion/flow';
import { methodLabel } from '../fusion/registry';
import type { MultiTake, MultiTakeFrame } from '../take/multi';
import { buildTake, fusedToTakeFrame } from '../record/take-poses';

export class TakeCollector {
  private frames: MultiTakeFrame[] = [];
  private t0 = NaN;
  private ids = new Set<string>();
  private multi = false;

  /** `rig`: the cameras of the fused views, the take's cameras. */
  constructor(readonly rig: readonly Camera[]) {}

  get count(): number {
    return this.frames.length;
  }

  /** Adds a frame set fused on this collector's rig; false (not added) when its time does not move forward. */
  add(f: FusedFrameSet): boolean {
    if (f.frame.views.length !== this.rig.length) return false;
    if (Number.isNaN(this.t0)) this.t0 = f.frame.time;
    const last = this.frames[this.frames.length - 1];
    if (last && f.frame.time - this.t0 <= last.time) return false;
    for (const p of f.people) for (const id of Object.keys(p.poses)) this.ids.add(id);
    if (f.frame.people) this.multi = true;
    this.frames.push(fusedToTakeFrame(f, this.t0));
    return true;
  }

  /** The take (null with fewer than two frames: no rate, nothing to replay). */
  take(meta: Record<string, unknown> = {}): MultiTake | null {
    if (this.frames.length < 2) return null;
    const span = this.frames[this.frames.length - 1].time - this.frames[0].time;
    const fps = Math.round(((this.frames.length - 1) / Math.max(span, 1e-6)) * 100) / 100;
    const labels = Object.fromEntries([...this.ids].map((id) => [id, methodLabel(id)]));
    return buildTake(this.rig, this.frames.slice(), fps, labels, meta, this.multi);
  }
}
