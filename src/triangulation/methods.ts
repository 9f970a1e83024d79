import type { Camera } from '../geometry/camera';
import type { FrameViews, FusionMethod, Pose3D } from '../fusion/types';
import { defaultTriangulationOptions, prepareRig, triangulatePose, type TriangulationOptions } from './triangulate';

/** Triangulation as a FusionMethod: 'dlt' (weighted linear) or 'robust'. */
export class TriangulationMethod implements FusionMethod {
  readonly label: string;
  private rigCache: { cameras: readonly Camera[]; rig: ReturnType<typeof prepareRig> } | null = null;

  constructor(
    readonly id: 'dlt' | 'robust',
    private readonly options: TriangulationOptions = defaultTriangulationOptions,
  ) {
    this.label = id === 'dlt' ? 'DLT triangulation' : 'Robust triangulation';
  }

  private rigFor(cameras: readonly Camera[]) {
    if (this.rigCache?.cameras !== cameras) this.rigCache = { cameras, rig: prepareRig(cameras, this.options) };
    return this.rigCache.rig;
  }

  /** Synchronous single-frame estimate, for the live pipeline. */
  estimate(cameras: readonly Camera[], views: FrameViews): Pose3D | null {
    return triangulatePose(this.rigFor(cameras), views, this.id);
  }

  async estimateFrames(cameras: readonly Camera[], frames: ReadonlyArray<FrameViews>): Promise<(Pose3D | null)[]> {
    const rig = this.rigFor(cameras);
    return frames.map((views) => triangulatePose(rig, views, this.id));
  }
}
