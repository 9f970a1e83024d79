/** The detection part of the status bar: backend and model in use (only while a detecting source has one). */
import { useSyncExternalStore } from 'react';
import { session } from './app-session';

export function CaptureStatus() {
  const s = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const d = s.source.detector;
  if (!d.backend || (s.source.kind !== 'webcams' && s.source.kind !== 'videos')) return null;
  return (
    <span data-testid="detection-status" data-backend={d.backend} title={d.backendNotes.join('; ')}>
      {d.model} on <strong data-testid="detection-backend">{d.backend}</strong>
    </span>
  );
}
