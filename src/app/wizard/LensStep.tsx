/** Step 2: each camera's lens, from snapshots of the board held still in many poses in its view. */
import { FeedTiles } from './FeedTiles';
import { GatedButton } from './Gated';
import type { WizardSession } from './session';

export const TARGET_RMS = 0.5;

export function LensStep({ session }: { session: WizardSession }) {
  const short = session.feeds.filter((f) => !f.intrinsics && f.views.length < session.minViews);
  const todo = session.feeds.filter((f) => !f.intrinsics);
  const calibrateWhy = !todo.length ? 'every lens is calibrated' : short.length ? `needs ${session.minViews} snapshots per camera: ${short.map((f) => `${f.name} has ${f.views.length}`).join(', ')}` : null;
  return (
    <div className="wz-step-body">
      <p className="wz-hint">
        Hold the board still in front of each camera, in many poses: near every corner of the image, tilted left, right, up
        and down. A snapshot is taken when the board stays still in a new place (the outline turns green).
      </p>
      <FeedTiles
        session={session}
        caption={(f, i) => (
          <>
            <strong>{f.name}</strong>: <span data-testid={`snap-count-${i}`}>{f.views.length}</span> / {session.minViews} snapshots
            {f.intrinsics && (
              <span className={f.intrinsics.rms <= TARGET_RMS ? 'wz-ok' : 'wz-warn'} data-testid={`calib-intrinsics-rms-${i}`} data-rms={f.intrinsics.rms}>
                {' '}· RMS {f.intrinsics.rms.toFixed(3)} px {f.intrinsics.rms <= TARGET_RMS ? '✓' : `(target ${TARGET_RMS} px: retake with sharper, more tilted views near the image corners)`}
              </span>
            )}
            {f.intrinsics && (
              <button type="button" className="wz-small" data-testid={`calib-retake-${i}`} title="take this camera's snapshots again (the camera pairs and the floor are then taken again too)" onClick={() => session.retakeLens(i)}>retake</button>
            )}
          </>
        )}
      />
      <div className="wz-row">
        <GatedButton testId="calib-intrinsics-run" why={calibrateWhy} onClick={() => session.calibrateLenses()}>Calibrate lenses</GatedButton>
      </div>
    </div>
  );
}
