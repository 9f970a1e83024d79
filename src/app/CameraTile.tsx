/**
 * One camera tile: the source's video with its latest 2D skeleton drawn over it, and the tile's numbers. When the
 * rig is calibrated (bus.cameras holds one camera per tile, of the tile's frame size), both 3D results are
 * reprojected into the tile in their method's colour with each method's mean reprojection error in pixels.
 */
import { useEffect, useRef, useState } from 'react';
import { COCO17_BONES, NUM_JOINTS } from '../keypoints';
import type { Camera } from '../geometry/camera';
import { drawFusedOverlay } from '../viewer/overlay';
import { METHOD_COLORS } from '../viewer/styles';
import { bus } from './bus';
import { simulation } from './SimulationSource';
import type { CaptureController, TileState } from './capture';

/** Camera `index` of the rig on the bus if that rig describes these sources, else null. */
export function calibratedCamera(cams: readonly Camera[] | null, index: number, nViews: number, w: number, h: number): Camera | null {
  if (!cams || cams.length !== nViews || simulation.ownsRig(cams)) return null;
  const cam = cams[index];
  // Keypoints are in the frame's pixels: the calibration must be of that size (a few pixels of padding allowed,
  // as in Pose2Sim's 1088-wide calibration of 1080-wide videos).
  const near = (a: number, b: number) => Math.abs(a - b) <= 0.02 * b;
  return cam && w > 0 && h > 0 && near(cam.width, w) && near(cam.height, h) ? cam : null;
}

type Errors = Record<string, number>;

export function CameraTile({ index, count, tile, controller, threshold }: { index: number; count: number; tile: TileState; controller: CaptureController; threshold: number }) {
  const holder = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [errors, setErrors] = useState<Errors | null>(null);

  // The controller owns the <video>; the tile only mounts it (it survives re-renders and React never recreates it).
  const video = controller.videoElement(index);
  useEffect(() => {
    const h = holder.current;
    if (!h || !video) return;
    video.className = 'tile-video';
    video.dataset.testid = `camera-video-${index}`;
    h.prepend(video);
    return () => video.remove();
  }, [video, index]);

  useEffect(() => {
    const draw = () => {
      const c = canvas.current;
      const ctx = c?.getContext('2d');
      if (!c || !ctx) return;
      const kp = controller.latestKeypoints(index);
      const [w, h] = controller.frameSize(index);
      if (w && h && (c.width !== w || c.height !== h)) {
        c.width = w;
        c.height = h;
      }
      ctx.clearRect(0, 0, c.width, c.height);
      if (!kp) return setErrors(null);
      const cam = calibratedCamera(bus.cameras.latest(), index, count, w, h);
      const fused = bus.fused.latest();
      // Only the 3D result of this very frame set (the fusion publishes it a moment after the detection).
      const withFused = cam && fused && fused.frame.views[index] === kp ? fused : null;
      // With the 3D overlay, drawFusedOverlay draws the confident joints (white); here only the dimmed ones.
      drawKeypoints(ctx, kp, threshold, Math.max(2, c.width / 200), withFused !== null);
      if (!cam || !withFused) return setErrors(null);
      // drawFusedOverlay's line widths are meant for a tile about 240 px wide; this canvas has the frame's
      // resolution, so draw through a transform that makes its lines as thick here.
      const f = Math.max(1, c.width / 240);
      ctx.save();
      ctx.scale(f, f);
      const e = drawFusedOverlay(ctx, cam, index, withFused, c.width / w / f, METHOD_COLORS);
      ctx.restore();
      setErrors((old) => (sameErrors(old, e) ? old : e));
    };
    draw();
    const offKp = controller.onKeypoints((i) => {
      if (i === index) draw();
    });
    const offFused = bus.fused.subscribe((f) => {
      if (f.frame.views[index] === controller.latestKeypoints(index)) draw();
    });
    const offCams = bus.cameras.subscribe(draw);
    return () => {
      offKp();
      offFused();
      offCams();
    };
  }, [controller, index, count, threshold]);

  const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
  return (
    <figure className={`camera-tile tile-${tile.status}`} data-testid={`camera-tile-${index}`} data-status={tile.status}
      data-detected={tile.detected} data-processed={tile.processed}>
      <div className={video ? 'tile-media' : 'tile-media no-video'} ref={holder}>
        <canvas ref={canvas} className="tile-overlay" data-testid={`camera-overlay-${index}`} />
        {tile.status === 'lost' && <div className="tile-badge" data-testid={`camera-lost-${index}`}>LOST</div>}
      </div>
      <figcaption>
        <strong>{tile.label}</strong> <span data-testid={`camera-settings-${index}`}>{tile.settings}</span>
        <div className="tile-stats">
          <span data-testid={`camera-detfps-${index}`} data-value={tile.detFps}>det {fmt(tile.detFps)} fps</span>
          {tile.camFps > 0 && <span>cam {fmt(tile.camFps, 0)} fps</span>}
          <span title="frames the camera skipped plus frames without a partner in time">drop {tile.dropped}</span>
          <span title="frame time minus the frame set's time">skew {fmt(tile.skewMs)} ms</span>
        </div>
        {errors && (
          <div className="tile-stats" data-testid={`camera-reproj-${index}`} title="mean distance between the detection and each 3D result reprojected into this view">
            {Object.entries(errors).map(([id, e]) => (
              <span key={id} data-method={id} data-value={Number.isFinite(e) ? e : undefined} style={{ color: METHOD_COLORS[id] }}>
                {id} {fmt(e)} px
              </span>
            ))}
          </div>
        )}
        {tile.message && <div className="tile-message" role="alert" data-testid={`camera-message-${index}`}>{tile.message}</div>}
      </figcaption>
    </figure>
  );
}

/** The detection: confident joints in colour (unless `dimOnly`), joints under the threshold dimmed. */
function drawKeypoints(ctx: CanvasRenderingContext2D, kp: Float32Array, threshold: number, lw: number, dimOnly: boolean) {
  ctx.lineWidth = lw;
  for (const [a, b] of COCO17_BONES) {
    const sa = kp[3 * a + 2], sb = kp[3 * b + 2];
    if (sa <= 0 || sb <= 0) continue;
    const confident = Math.min(sa, sb) >= threshold;
    if (confident && dimOnly) continue;
    ctx.strokeStyle = confident ? 'rgba(79,195,247,0.95)' : 'rgba(140,140,140,0.35)';
    ctx.beginPath();
    ctx.moveTo(kp[3 * a], kp[3 * a + 1]);
    ctx.lineTo(kp[3 * b], kp[3 * b + 1]);
    ctx.stroke();
  }
  for (let j = 0; j < NUM_JOINTS; j++) {
    const s = kp[3 * j + 2];
    if (s <= 0 || (dimOnly && s >= threshold)) continue;
    ctx.fillStyle = s >= threshold ? 'rgba(255,214,0,1)' : 'rgba(160,160,160,0.35)';
    ctx.beginPath();
    ctx.arc(kp[3 * j], kp[3 * j + 1], lw * 1.6, 0, Math.PI * 2);
    ctx.fill();
  }
}

/** Equal to 0.1 px (what the tile shows), so a re-render happens only when a shown number changes. */
function sameErrors(a: Errors | null, b: Errors): boolean {
  if (!a) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && kb.every((k) => (Number.isFinite(a[k]) ? a[k].toFixed(1) : 'x') === (Number.isFinite(b[k]) ? b[k].toFixed(1) : 'x'));
}
