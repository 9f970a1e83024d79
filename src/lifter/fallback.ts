/**
 * When the lifter steps aside for robust triangulation (issue 8): decided per frame set from the network's own
 * error predictions, never from a hand-tuned rule on the 2D inputs. The rule is pure; applyFallback applies it for both lifters.
 */
import type { Camera } from '../geometry/camera';
import type { FrameViews, FusionMethod, Pose3D } from '../fusion/types';

export interface FallbackRule {
  /**
   * Fall back when the predicted error of the lifter's pose exceeds this multiple of the predicted error of the
   * per-joint triangulation it starts from: the network expects to have made its input worse.
   */
  maxRatio: number;
  /**
   * … or when its predicted error (mean over joints, mm) exceeds this. The error heads were trained on synthetic
   * rigs (2-view validation MPJPE 71 mm) and on samples whose views disagree; above 150 mm the network says the frame
   * set is far outside what it can lift, where its own comparison with triangulation cannot be trusted either.
   */
  maxErrorMm: number;
}

export const DEFAULT_FALLBACK_RULE: Readonly<FallbackRule> = { maxRatio: 1, maxErrorMm: 150 };

/** Why this frame set should fall back, or null when the lifter's pose stands. */
export function fallbackReason(predictedErrorMm: number, predictedTriangulationErrorMm: number, rule: FallbackRule = DEFAULT_FALLBACK_RULE): string | null {
  if (!Number.isFinite(predictedErrorMm)) return 'the network gave no finite error estimate';
  if (predictedErrorMm > rule.maxErrorMm) return `predicted error ${predictedErrorMm.toFixed(0)} mm > ${rule.maxErrorMm} mm`;
  if (Number.isFinite(predictedTriangulationErrorMm) && predictedErrorMm > rule.maxRatio * predictedTriangulationErrorMm) {
    return `predicted error ${predictedErrorMm.toFixed(0)} mm > ${rule.maxRatio} × triangulation's ${predictedTriangulationErrorMm.toFixed(0)} mm`;
  }
  return null;
}

/**
 * Replaces the lifted frame sets (indices `lifted` into `out`) that the rule rejects by `fallback`'s pose of the same
 * frame set, marked info.fallback with the reason; a frame set the fallback cannot fuse either stays null, saying so.
 * Shared by the single-frame and temporal lifters.
 */
export async function applyFallback(
  fallback: FusionMethod, rule: FallbackRule, cameras: readonly Camera[], frames: ReadonlyArray<FrameViews>,
  out: Array<{ pose: Pose3D | null; reason?: string }>, lifted: readonly number[],
): Promise<void> {
  const which: number[] = [];
  const reasons: string[] = [];
  for (const i of lifted) {
    const r = out[i];
    const info = r.pose?.info;
    const why = r.pose
      ? fallbackReason(info!.predictedErrorMm as number, info!.predictedTriangulationErrorMm as number, rule)
      : r.reason!; // the network's output was not finite
    if (why === null) {
      r.pose!.info = { ...info, fallback: false };
      continue;
    }
    which.push(i);
    reasons.push(why);
  }
  if (!which.length) return;
  const alt = await fallback.estimateFrames(cameras, which.map((i) => frames[i]));
  which.forEach((i, k) => {
    const own = out[i].pose?.info;
    const p = alt[k];
    const reason = `${reasons[k]}: ${fallback.id} triangulation's pose`;
    out[i] = p
      ? { pose: { joints: p.joints, valid: p.valid, info: { ...p.info, ...own, fallback: true, fallbackReason: reason } } }
      : { pose: null, reason: `${reasons[k]}, and ${fallback.id} gives no pose either` };
  });
}
