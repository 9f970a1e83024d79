/** The detection part of the status bar: backend and model in use, frame sets per second. */
import { useSyncExternalStore } from 'react';
import { capture } from './capture';

export function CaptureStatus() {
  const snap = useSyncExternalStore(capture.subscribe, capture.getSnapshot);
  if (!snap.backend) return null;
  return (
    <span data-testid="detection-status" data-backend={snap.backend} title={snap.backendNotes.join('; ')}>
      {snap.settings.model} on <strong data-testid="detection-backend">{snap.backend}</strong>
      {snap.sets > 0 && <> · {snap.setsPerSec.toFixed(1)} sets/s</>}
    </span>
  );
}
