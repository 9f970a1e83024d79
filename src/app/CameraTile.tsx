/**
 * One view's tile: the source's video with its latest 2D skeleton drawn over it, and the tile's numbers. When the
 * view is fused in 3D (the session binds it to a calibrated camera), every method's result is reprojected into it
 * in the method's colour with the method's mean reprojection error in pixels; a view shown in 2D only says so.
 */
import { useEffect, useRef, useState } from 'react';
import { COCO17_BONES, NUM_JOINTS } from '../keypoints';
import { drawFusedOverlay } from '../viewer/overlay';
import { METHOD_COLORS } from '../viewer/styles';
import { methodLabel } from '../fusion/registry';
import type { TileState } from '../cameras/source';
import { session } from './app-session';

type Errors = Record<string, number>;

/** The element the active source shows for view i (webcams and files have one; takes and the simulation not). */
function videoOf(i: number): HTMLVideoElement | null {
  const src = session.activeSource as { videoElement?: (i: number) => HTMLVideoElement | null } | null;
  return src?.videoElement?.(i) ?? null;
}

/** Frame size of view i: what the source reported, else the video's own. */
function frameSize(i: number): [number, number] {
  const v = session.getSnapshot().source.views[i];
  if (v && v.width > 0 && v.height > 0) return [v.width, v.height];
  const el = videoOf(i);
  return el ? [el.videoWidth, el.videoHeight] : [0, 0];
}

/** `captured`: the view comes from a camera or a file (detected here), so capture numbers mean something. */
export function CameraTile({ index, tile, threshold, fusedIndex, captured }: { index: number; tile: TileState; threshold: number; fusedIndex: number; captured: boolean }) {
  const holder = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [errors, setErrors] = useState<Errors | null>(null);
  /** People the multi-person model found in the latest frame; null with a single-person model. */
  const [people, setPeople] = useState<number | null>(null);

  // The source owns the <video>; the tile only mounts it (it survives re-renders and React never recreates it).
  const video = videoOf(index);
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
      const latest = session.detections.latest();
      const kp = latest?.views[index] ?? null;
      // A multi-person model: every person of the view (the first one is `kp`).
      const all = latest?.people ? latest.people[index] ?? [] : kp ? [kp] : [];
      setPeople(latest?.people ? all.length : null);
      const [w, h] = frameSize(index);
      if (w && h && (c.width !== w || c.height !== h)) {
        c.width = w;
        c.height = h;
      }
      ctx.clearRect(0, 0, c.width, c.height);
      if (!kp) return setErrors(null);
      const t = session.getSnapshot().threeD;
      const fi = t.fusedIndex[index] ?? -1;
      const cam = fi >= 0 && t.rig ? t.rig[fi] : null;
      const fused = session.fused.latest();
      // Only the 3D result of this very frame set (fusion publishes it a moment after the detection).
      const withFused = cam && fused && fused.frame.views[fi] === kp ? fused : null;
      // With the 3D overlay, drawFusedOverlay draws the confident joints (white); here only the dimmed ones.
      for (const p of all) drawKeypoints(ctx, p, threshold, Math.max(2, c.width / 200), withFused !== null);
      if (!cam || !withFused) return setErrors(null);
      // drawFusedOverlay's line widths are meant for a tile about 240 px wide; this canvas has the frame's
      // resolution, so draw through a transform that makes its lines as thick here.
      const f = Math.max(1, c.width / 240);
      ctx.save();
      ctx.scale(f, f);
      const e = drawFusedOverlay(ctx, cam, fi, withFused, c.width / w / f, METHOD_COLORS);
      ctx.restore();
      setErrors((old) => (sameErrors(old, e) ? old : e));
    };
    draw();
    const offDet = session.detections.subscribe(draw);
    const offFused = session.fused.subscribe(draw);
    return () => {
      offDet();
      offFused();
    };
  }, [index, threshold]);

  const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
  const shownErrors = errors ? Object.entries(errors).filter(([, e]) => Number.isFinite(e)) : [];
  return (
    <figure className={`camera-tile tile-${tile.status}`} data-testid={`camera-tile-${index}`} data-status={tile.status}
      data-detected={tile.detected} data-processed={tile.processed} data-fused={fusedIndex >= 0 ? 'yes' : 'no'} data-people={people ?? ''}>
      <div className={video ? 'tile-media' : 'tile-media no-video'} ref={holder}>
        <canvas ref={canvas} className="tile-overlay" data-testid={`camera-overlay-${index}`} />
        {tile.status === 'lost' && <div className="tile-badge" data-testid={`camera-lost-${index}`}>LOST</div>}
        {tile.status === 'error' && <div className="tile-badge" data-testid={`camera-failed-${index}`}>{tile.message?.includes('decode') ? 'CANNOT DECODE' : 'ERROR'}</div>}
      </div>
      <figcaption>
        <strong>{tile.label}</strong> <span data-testid={`camera-settings-${index}`}>{tile.settings}</span>
        {fusedIndex < 0 && tile.status !== 'error' && <span className="tile-2d" data-testid={`camera-2d-only-${index}`}> · 2D only</span>}
        {people !== null && <span data-testid={`camera-people-${index}`}> · {people} {people === 1 ? 'person' : 'people'}</span>}
        {captured && <div className="tile-stats">
          <span data-testid={`camera-detfps-${index}`} data-value={tile.detFps}>det {fmt(tile.detFps)} fps</span>
          {tile.camFps > 0 && <span>cam {fmt(tile.camFps, 0)} fps</span>}
          <span title="frames the camera skipped plus frames without a partner in time">drop {tile.dropped}</span>
          <span title="frame time minus the frame set's time">skew {fmt(tile.skewMs)} ms</span>
        </div>}
        {shownErrors.length > 0 && (
          <div className="tile-stats" data-testid={`camera-reproj-${index}`} title="mean distance between the detection and each 3D result reprojected into this view">
            {shownErrors.map(([id, e]) => (
              <span key={id} data-method={id} data-value={e} style={{ color: METHOD_COLORS[id] }} title={methodLabel(id)}>
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
