/** One camera tile: the source's video with its latest 2D skeleton drawn over it, and the tile's numbers. */
import { useEffect, useRef } from 'react';
import { COCO17_BONES, NUM_JOINTS } from '../keypoints';
import type { CaptureController, TileState } from './capture';

export function CameraTile({ index, tile, controller, threshold }: { index: number; tile: TileState; controller: CaptureController; threshold: number }) {
  const holder = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

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
    const draw = (kp: Float32Array | null, w: number, h: number) => {
      const c = canvas.current;
      if (!c) return;
      const ctx = c.getContext('2d');
      if (!ctx) return;
      if (w && h && (c.width !== w || c.height !== h)) {
        c.width = w;
        c.height = h;
      }
      ctx.clearRect(0, 0, c.width, c.height);
      if (!kp) return;
      const lw = Math.max(2, c.width / 200);
      ctx.lineWidth = lw;
      for (const [a, b] of COCO17_BONES) {
        const sa = kp[3 * a + 2], sb = kp[3 * b + 2];
        if (sa <= 0 || sb <= 0) continue;
        ctx.strokeStyle = Math.min(sa, sb) >= threshold ? 'rgba(79,195,247,0.95)' : 'rgba(140,140,140,0.35)';
        ctx.beginPath();
        ctx.moveTo(kp[3 * a], kp[3 * a + 1]);
        ctx.lineTo(kp[3 * b], kp[3 * b + 1]);
        ctx.stroke();
      }
      for (let j = 0; j < NUM_JOINTS; j++) {
        const s = kp[3 * j + 2];
        if (s <= 0) continue;
        ctx.fillStyle = s >= threshold ? 'rgba(255,214,0,1)' : 'rgba(160,160,160,0.35)';
        ctx.beginPath();
        ctx.arc(kp[3 * j], kp[3 * j + 1], lw * 1.6, 0, Math.PI * 2);
        ctx.fill();
      }
    };
    const last = controller.latestKeypoints(index);
    const [w, h] = controller.frameSize(index);
    if (last) draw(last, w, h);
    const off = controller.onKeypoints((i, kp, w, h) => {
      if (i === index) draw(kp, w, h);
    });
    return () => void off();
  }, [controller, index, threshold]);

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
        {tile.message && <div className="tile-message" role="alert" data-testid={`camera-message-${index}`}>{tile.message}</div>}
      </figcaption>
    </figure>
  );
}
