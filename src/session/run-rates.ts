/**
 * A run's rates: frame sets per second and each method's poses per second, over one window since the run began.
 * A pose counts at the time its frame set arrived, so poses/s never exceeds sets/s however long fusion takes.
 */
import type { Pose3D } from '../fusion/types';
import { RateWindow } from './rates';

export class RunRates {
  private start = 0;
  private sets = new RateWindow();
  private poses = new Map<string, RateWindow>();

  reset(now: number): void {
    this.start = now;
    this.sets = new RateWindow();
    this.poses.clear();
  }

  frameSet(arrived: number): void {
    this.sets.tick(arrived);
  }

  fused(poses: Readonly<Record<string, Pose3D | null>>, arrived: number): void {
    for (const [id, pose] of Object.entries(poses)) {
      let r = this.poses.get(id);
      if (!r) this.poses.set(id, (r = new RateWindow()));
      if (pose) r.tick(arrived);
    }
  }

  rates(now: number): { setsPerSec: number; posesPerSec: Record<string, number> } {
    const posesPerSec: Record<string, number> = {};
    for (const [id, r] of this.poses) posesPerSec[id] = r.rate(now, this.start);
    return { setsPerSec: this.sets.rate(now, this.start), posesPerSec };
  }
}
