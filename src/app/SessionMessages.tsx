/** The session's messages about the rig and the source, each with its button (calibrate, restart) where one helps. */
import type { SessionState } from '../session/state';
import { openWizard } from './route';

export function SessionMessages({ state, onRestart }: { state: SessionState; onRestart: () => void }) {
  // The source's own error is shown above, beside the controls.
  const shown = state.messages.filter((m) => m.text !== state.source.error);
  if (!shown.length) return null;
  return (
    <ul className="session-messages" data-testid="session-messages">
      {shown.map((m, i) => (
        <li key={i} className={`session-message ${m.level}`} data-level={m.level} data-testid="session-message">
          {m.text}
          {m.action === 'calibrate' && (
            <button type="button" data-testid="message-calibrate" onClick={openWizard}>Calibrate…</button>
          )}
          {m.action === 'restart' && (
            <button type="button" data-testid="message-restart" onClick={onRestart}>Restart at the calibrated size</button>
          )}
        </li>
      ))}
    </ul>
  );
}
