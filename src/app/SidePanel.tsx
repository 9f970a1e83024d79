import { useState } from 'react';
import { MetricsPanel } from './MetricsPanel';
import { SimulationPanel } from './SimulationPanel';
import { RecordPanel } from '../record/RecordPanel';
import { fusion, session } from './app-session';
import './panels.css';

/** The right-hand column beside the 3D view (never over it): simulation controls, numbers, recording. */
export function SidePanel() {
  const [open, setOpen] = useState(true);
  return (
    <aside className={`side-panel${open ? '' : ' collapsed'}`} data-testid="side-panel" aria-label="Controls and numbers">
      <button type="button" className="collapse" aria-label={open ? 'collapse panel' : 'expand panel'} onClick={() => setOpen(!open)}>
        {open ? '›' : '‹'}
      </button>
      {open && (
        <>
          <SimulationPanel />
          <MetricsPanel />
          <RecordPanel session={session} pipeline={fusion} />
        </>
      )}
    </aside>
  );
}
