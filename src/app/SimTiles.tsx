import { useEffect, useRef, useSyncExternalStore } from 'react';
import { drawFusedOverlay } from '../viewer/overlay';
import { METHOD_COLORS } from '../viewer/styles';
import { APP_METHOD_IDS } from './app-fusion';
import { session } from './app-session';

const TILE_W = 240;

/**
 * The virtual cameras' tiles while the simulation is the source: each view's simulated detection (white) with
 * every method's 3D result reprojected into it in the method's colour, and each method's mean reprojection error
 * in pixels. Drawn in its own timer from the session's latest result; React only decides whether the tiles exist.
 */
export function SimTiles() {
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const canvases = useRef<(HTMLCanvasElement | null)[]>([]);
  const isSim = state.source.kind === 'simulation';
  const cams = isSim ? state.threeD.rig : null;
  useEffect(() => {
    if (!cams) return;
    let last: unknown = null;
    const timer = setInterval(() => {
      const f = session.fused.latest();
      if (!f || f === last || f.frame.views.length !== cams.length) return;
      last = f;
      cams.forEach((cam, i) => {
        const c = canvases.current[i];
        const ctx = c?.getContext('2d');
        if (!c || !ctx) return;
        const k = c.width / cam.width;
        ctx.fillStyle = '#0d0f13';
        ctx.fillRect(0, 0, c.width, c.height);
        const view = f.frame.people ? f.frame.people[i] : f.frame.views[i];
        const errors = view ? drawFusedOverlay(ctx, cam, i, f, k, METHOD_COLORS, APP_METHOD_IDS) : {};
        const lines = Object.entries(errors).filter(([, e]) => Number.isFinite(e)).map(([id, e]) => [id, `${id} ${e.toFixed(1)} px`] as [string, string]);
        ctx.font = '11px system-ui, sans-serif';
        ctx.fillStyle = '#e6e8ee';
        ctx.fillText(`${cam.name}${view ? '' : ` — ${f.frame.status[i]}`}`, 4, 12);
        lines.forEach(([id, text], n) => {
          ctx.fillStyle = METHOD_COLORS[id];
          ctx.fillText(text, 4, c.height - 6 - 13 * (lines.length - 1 - n));
        });
      });
    }, 100);
    return () => clearInterval(timer);
  }, [cams]);
  if (!cams) return null;
  return (
    <section className="sim-tiles" data-testid="sim-tiles" aria-label="Virtual cameras">
      <h2>Virtual cameras</h2>
      {cams.map((cam, i) => (
        <canvas
          key={`${cam.name}-${i}`}
          ref={(el) => {
            canvases.current[i] = el;
          }}
          width={TILE_W}
          height={Math.round((TILE_W * cam.height) / cam.width)}
          data-testid={`sim-tile-${i}`}
        />
      ))}
    </section>
  );
}
