/** One tile per camera: the live image with the detected board, a coverage map of its snapshots, and its counts. */
import { useEffect, useRef, type ReactNode } from 'react';
import type { BoardSpec } from '../../calibration/board';
import type { Feed, WizardSession } from './session';

export function FeedTiles({ session, caption }: { session: WizardSession; caption: (f: Feed, i: number) => ReactNode }) {
  const tiles = useRef<Array<HTMLCanvasElement | null>>([]);
  const coverage = useRef<Array<HTMLCanvasElement | null>>([]);
  useEffect(() => {
    session.onFrame = (i, f, corners) => {
      drawTile(tiles.current[i], f, corners);
      drawCoverage(coverage.current[i], f, session.board);
    };
    return () => {
      session.onFrame = null;
    };
  }, [session]);
  return (
    <div className="wz-tiles" data-testid="calib-camera-count" data-count={session.feeds.length}>
      {session.feeds.map((f, i) => (
        <figure key={f.name} className="wz-tile" data-testid={`calib-cam-${i}`}>
          <div className="wz-tile-images">
            <canvas ref={(el) => { tiles.current[i] = el; }} width={320} height={180} />
            <canvas className="wz-coverage" ref={(el) => { coverage.current[i] = el; }} width={80} height={45} title="where this camera's snapshots put the board" />
          </div>
          <figcaption>{caption(f, i)}</figcaption>
        </figure>
      ))}
    </div>
  );
}

function drawTile(canvas: HTMLCanvasElement | null, f: Feed, corners: Float64Array | null): void {
  if (!canvas || !f.grab.width) return;
  const ctx = canvas.getContext('2d')!;
  const sx = canvas.width / f.grab.width, sy = canvas.height / f.grab.height;
  ctx.drawImage(f.grab, 0, 0, canvas.width, canvas.height);
  if (corners) {
    ctx.strokeStyle = f.stillFrames >= 2 ? '#3c3' : '#fc3';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let k = 0; k < corners.length; k += 2) (k === 0 ? ctx.moveTo : ctx.lineTo).call(ctx, corners[k] * sx, corners[k + 1] * sy);
    ctx.stroke();
    ctx.fillStyle = '#f33';
    ctx.fillRect(corners[0] * sx - 3, corners[1] * sy - 3, 6, 6);
  }
  ctx.fillStyle = 'rgba(0, 0, 0, 0.55)';
  ctx.fillRect(0, 0, canvas.width, 18);
  ctx.fillStyle = '#fff';
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillText(`${f.name} · ${corners ? (f.stillFrames >= 2 ? 'board, still' : 'board, moving') : 'no board'} · ${f.detectMs.toFixed(0)} ms`, 6, 13);
}

function drawCoverage(canvas: HTMLCanvasElement | null, f: Feed, b: BoardSpec): void {
  if (!canvas || f.grab.width === 0) return;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#222';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = 'rgba(80, 200, 120, 0.35)';
  const sx = canvas.width / f.grab.width, sy = canvas.height / f.grab.height;
  const idx = [0, b.cols - 1, b.cols * b.rows - 1, b.cols * (b.rows - 1)];
  for (const v of f.views) {
    ctx.beginPath();
    idx.forEach((k, j) => (j === 0 ? ctx.moveTo : ctx.lineTo).call(ctx, v[2 * k] * sx, v[2 * k + 1] * sy));
    ctx.fill();
  }
}
