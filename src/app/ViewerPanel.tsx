import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { ParallaxView, DEFAULT_VIEW, type ViewSettings } from '../viewer/scene';
import { METHOD_COLORS, METHOD_LABELS, DISAGREE_COLOR } from '../viewer/styles';
import { APP_LIFTER, APP_METHOD_IDS } from './app-fusion';
import { lifterState, session, type LifterState } from './app-session';
import { openWizard } from './route';
import './panels.css';

/**
 * The cameras the view stands upright and draws: the whole calibration while some of its cameras are fused (the
 * world is the calibration's, and the missing cameras show where they belong), the source's own rig otherwise,
 * the calibration while no source runs, none in 2D only. The same array while nothing changes (the view re-frames on a new one).
 */
function viewRig() {
  const s = session.getSnapshot();
  // No source yet: the calibration in use, so the user sees the rig they are about to capture with.
  if (!s.source.kind && s.calibration) return s.calibration.cameras;
  if (!s.threeD.available) return null;
  return s.threeD.from === 'calibration' && s.calibration ? s.calibration.cameras : s.threeD.rig;
}

/** The running view, for the numbers panel (render time) and tests. */
export let activeView: ParallaxView | null = null;

function useLifterState(): LifterState {
  const [s, set] = useState<LifterState>(lifterState.latest() ?? { state: 'loading' });
  useEffect(() => lifterState.subscribe(set), []);
  return s;
}

/**
 * The 3D view: the fused skeletons, the truth (only where the source has one), the frustums of the cameras fused
 * on, the floor; settings in a bar above it. With nothing in 3D it says why, with the way out.
 */
export function ViewerPanel() {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<ParallaxView | null>(null);
  const lifter = useLifterState();
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const [settings, setSettings] = useState<ViewSettings>(DEFAULT_VIEW);

  useEffect(() => {
    const v = new ParallaxView(host.current!, { fused: () => session.fused.latest(), cameras: viewRig });
    view.current = v;
    activeView = v;
    (window as unknown as { __parallaxView?: ParallaxView }).__parallaxView = v;
    return () => {
      v.dispose();
      if (activeView === v) activeView = null;
      view.current = null;
    };
  }, []);

  // Without a lifter the comparison falls back to DLT vs robust triangulation, so the view still compares two methods.
  useEffect(() => {
    setSettings((s) =>
      lifter.state === 'ready'
        ? { ...s, compare: [APP_LIFTER, 'robust'], visible: { ...s.visible, [APP_LIFTER]: true, dlt: false } }
        : { ...s, compare: ['dlt', 'robust'], visible: { ...s.visible, [APP_LIFTER]: false, dlt: true } },
    );
  }, [lifter.state]);

  useEffect(() => view.current?.setSettings(settings), [settings]);

  const set = <K extends keyof ViewSettings>(k: K, v: ViewSettings[K]) => setSettings((s) => ({ ...s, [k]: v }));
  const toggleMethod = (id: string) => setSettings((s) => ({ ...s, visible: { ...s.visible, [id]: !s.visible[id] } }));

  return (
    <section className="viewer-panel" data-testid="viewer-panel" aria-label="3D view">
      <div className="viewer-bar">
        <div className="legend" data-testid="legend" aria-label="Legend">
          {APP_METHOD_IDS.map((id) => (
            <label key={id} className="legend-item" data-testid={`legend-${id}`} title={id === APP_LIFTER && lifter.state === 'unavailable' ? lifter.reason : undefined}>
              <input type="checkbox" checked={!!settings.visible[id]} disabled={id === APP_LIFTER && lifter.state !== 'ready'} onChange={() => toggleMethod(id)} />
              <span className="swatch" style={{ background: METHOD_COLORS[id] }} />
              {METHOD_LABELS[id]}
              {id === APP_LIFTER && lifter.state === 'unavailable' && <em data-testid="lifter-unavailable"> unavailable</em>}
              {id === APP_LIFTER && lifter.state === 'loading' && <em> loading…</em>}
            </label>
          ))}
          {state.stats.hasTruth && <label className="legend-item" data-testid="legend-gt">
            <input type="checkbox" checked={settings.showTruth} onChange={(e) => set('showTruth', e.target.checked)} />
            <span className="swatch thin" style={{ background: METHOD_COLORS.gt }} />
            {METHOD_LABELS.gt}
          </label>}
          <span className="legend-item" title="Joints where the compared methods disagree by more than the threshold; hover one for the distance">
            <span className="swatch round" style={{ background: DISAGREE_COLOR }} />
            &gt;
            <input className="num" type="number" min={1} max={50} value={settings.thresholdCm} aria-label="disagreement threshold (cm)" onChange={(e) => set('thresholdCm', Math.max(1, Number(e.target.value) || 1))} />
            cm apart
          </span>
        </div>
        <div className="view-opts">
          <select aria-label="layout" data-testid="layout" value={settings.layout} onChange={(e) => set('layout', e.target.value as ViewSettings['layout'])}>
            <option value="overlay">overlaid</option>
            <option value="side">side by side</option>
          </select>
          <label><input type="checkbox" checked={settings.follow} onChange={(e) => set('follow', e.target.checked)} /> follow</label>
          <label><input type="checkbox" data-testid="trails" checked={settings.trails} onChange={(e) => set('trails', e.target.checked)} /> trails</label>
        </div>
      </div>
      <div className="viewer-host" ref={host} />
      {state.source.kind && state.source.phase !== 'error' && !state.threeD.available && state.threeD.reason && (
        <div className="viewer-notice" data-testid="viewer-2d-only" role="status">
          <strong>2D only.</strong> {state.threeD.reason}
          {state.threeD.action === 'calibrate' && (
            <div><button type="button" data-testid="viewer-calibrate" onClick={openWizard}>Calibrate the cameras…</button></div>
          )}
        </div>
      )}
    </section>
  );
}
