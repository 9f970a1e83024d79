/**
 * When the lifter steps aside for robust triangulation (issue 8): decided per frame set from the network's own
 * error predictions, never from a hand-tuned rule on the 2D inputs. Pure; lifter.ts applies it.
 */

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
