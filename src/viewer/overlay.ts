/**
 * Reprojection of 3D results into a camera tile: a pure part (pixels and per-view error, with the one camera
 * model) and a small 2D-canvas draw helper. The capture tiles and the simulation tiles both call these.
 */
import { projectPoint, type Camera } from '../geometry/camera';
import type { Pose3D, ViewKeypoints } from '../fusion/types';
import { COCO17_BONES, NUM_JOINTS } from '../keypoints';
import { personColour, personLabel } from './styles';

/** u,v × 17 of a pose seen by a camera; NaN for joints without an estimate or behind the camera. */
export function reprojectPose(cam: Camera, pose: Pose3D, out = new Float64Array(NUM_JOINTS * 2)): Float64Array {
  for (let j = 0; j < NUM_JOINTS; j++) {
    if (!pose.valid[j]) {
      out[2 * j] = NaN;
      out[2 * j + 1] = NaN;
      continue;
    }
    projectPoint(cam, pose.joints[3 * j], pose.joints[3 * j + 1], pose.joints[3 * j + 2], out, 2 * j);
  }
  return out;
}

/**
 * Mean pixel distance between a pose's reprojection and a view's detection, over joints with a detection score
 * of at least minScore and an estimate; NaN when there is no such joint.
 */
export function reprojectionErrorPx(cam: Camera, pose: Pose3D, view: ViewKeypoints, minScore = 0.3): number {
  const uv = reprojectPose(cam, pose);
  let s = 0, n = 0;
  for (let j = 0; j < NUM_JOINTS; j++) {
    if (view[3 * j + 2] < minScore || Number.isNaN(uv[2 * j])) continue;
    s += Math.hypot(uv[2 * j] - view[3 * j], uv[2 * j + 1] - view[3 * j + 1]);
    n++;
  }
  return n ? s / n : NaN;
}

/**
 * Draws a skeleton given as pixel coordinates (u,v × 17, NaN = absent) with an optional per-joint score
 * (fades low scores). `scale` maps image pixels to canvas pixels.
 */
export function drawSkeleton2D(
  ctx: CanvasRenderingContext2D,
  uv: ArrayLike<number>,
  opts: { color: string; scale: number; lineWidth?: number; dash?: number[]; scores?: ArrayLike<number>; stride?: number },
): void {
  const st = opts.stride ?? 2;
  const k = opts.scale;
  const ok = (j: number) => Number.isFinite(uv[st * j]) && (!opts.scores || opts.scores[j] >= 0.3);
  ctx.save();
  ctx.strokeStyle = opts.color;
  ctx.fillStyle = opts.color;
  ctx.lineWidth = opts.lineWidth ?? 1.5;
  ctx.setLineDash(opts.dash ?? []);
  ctx.beginPath();
  for (const [a, b] of COCO17_BONES) {
    if (!ok(a) || !ok(b)) continue;
    ctx.moveTo(uv[st * a] * k, uv[st * a + 1] * k);
    ctx.lineTo(uv[st * b] * k, uv[st * b + 1] * k);
  }
  ctx.stroke();
  for (let j = 0; j < NUM_JOINTS; j++) {
    if (!ok(j)) continue;
    ctx.fillRect(uv[st * j] * k - 1.5, uv[st * j + 1] * k - 1.5, 3, 3);
  }
  ctx.restore();
}

/** A detection ([x, y, score] × 17) as drawSkeleton2D input: stride 3, scores every third value. */
export function drawDetection(ctx: CanvasRenderingContext2D, view: ViewKeypoints, scale: number, color = '#ffffff'): void {
  const scores = Array.from({ length: NUM_JOINTS }, (_, j) => view[3 * j + 2]);
  drawSkeleton2D(ctx, view, { color, scale, stride: 3, scores, lineWidth: 2 });
}

/** What drawFusedOverlay needs of a fused frame set (bus.fused's value fits). */
export interface FusedLike {
  frame: { views: ReadonlyArray<ViewKeypoints | null>; people?: ReadonlyArray<ReadonlyArray<ViewKeypoints> | null> };
  people: ReadonlyArray<{ person: number; poses: Readonly<Record<string, Pose3D | null>> }>;
}

/**
 * One call for a camera tile: draws view `index`'s detection (white) and every method's 3D result reprojected into
 * camera `cam`, each in its colour, at `scale` canvas pixels per image pixel. Returns each method's mean
 * reprojection error in pixels against the detection (NaN where it cannot be measured).
 */
export function drawFusedOverlay(
  ctx: CanvasRenderingContext2D,
  cam: Camera,
  index: number,
  fused: FusedLike,
  scale: number,
  colors: Readonly<Record<string, string>>,
  methods?: readonly string[],
): Record<string, number> {
  if (fused.frame.people) return drawPeopleOverlay(ctx, cam, fused.frame.people[index] ?? null, fused.people, scale, colors, methods);
  const poses = fused.people[0]?.poses ?? {};
  const view = fused.frame.views[index] ?? null;
  if (view) drawDetection(ctx, view, scale);
  const errors: Record<string, number> = {};
  const uv = new Float64Array(NUM_JOINTS * 2);
  for (const id of methods ?? Object.keys(poses)) {
    const pose = poses[id];
    if (!pose) continue;
    drawSkeleton2D(ctx, reprojectPose(cam, pose, uv), { color: colors[id] ?? '#ffffff', scale, lineWidth: 1.2 });
    errors[id] = view ? reprojectionErrorPx(cam, pose, view) : NaN;
  }
  return errors;
}

/**
 * The multi-person tile: every detection of the view (white), every person's methods reprojected in the method
 * colours, and each person's label above the reprojected head in the person's colour. A method's error is its
 * mean over the people of the distance to the nearest detection of the view (who is whose detection is not kept
 * past association).
 */
function drawPeopleOverlay(
  ctx: CanvasRenderingContext2D,
  cam: Camera,
  dets: ReadonlyArray<ViewKeypoints> | null,
  people: FusedLike['people'],
  scale: number,
  colors: Readonly<Record<string, string>>,
  methods?: readonly string[],
): Record<string, number> {
  for (const d of dets ?? []) drawDetection(ctx, d, scale);
  const sums: Record<string, [number, number]> = {};
  const uv = new Float64Array(NUM_JOINTS * 2);
  for (const p of people) {
    let top: [number, number] | null = null;
    for (const id of methods ?? Object.keys(p.poses)) {
      const pose = p.poses[id];
      if (!pose) continue;
      reprojectPose(cam, pose, uv);
      drawSkeleton2D(ctx, uv, { color: colors[id] ?? '#ffffff', scale, lineWidth: 1.2 });
      if (!top) top = headTop(uv);
      const e = Math.min(...(dets ?? []).map((d) => reprojectionErrorPx(cam, pose, d)).filter(Number.isFinite));
      const acc = (sums[id] ??= [0, 0]);
      if (Number.isFinite(e)) (acc[0] += e), acc[1]++;
    }
    if (!top) continue;
    ctx.save();
    ctx.font = 'bold 11px system-ui, sans-serif';
    ctx.fillStyle = personColour(p.person);
    ctx.textAlign = 'center';
    ctx.fillText(personLabel(p.person), top[0] * scale, top[1] * scale - 6);
    ctx.restore();
  }
  return Object.fromEntries(Object.entries(sums).map(([id, [s, n]]) => [id, n ? s / n : NaN]));
}

/** The topmost reprojected joint (smallest v), or null when none is in front of the camera. */
function headTop(uv: Float64Array): [number, number] | null {
  let best: [number, number] | null = null;
  for (let j = 0; j < NUM_JOINTS; j++) {
    const u = uv[2 * j], v = uv[2 * j + 1];
    if (Number.isFinite(u) && Number.isFinite(v) && (!best || v < best[1])) best = [u, v];
  }
  return best;
}
