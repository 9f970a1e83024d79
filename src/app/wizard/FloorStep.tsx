/** Step 4: the floor, from one view of the board lying flat on it: the world becomes Y up with the floor at y = 0. */
import { FeedTiles } from './FeedTiles';
import { GatedButton } from './Gated';
import type { WizardSession } from './session';

export function FloorStep({ session }: { session: WizardSession }) {
  return (
    <div className="wz-step-body">
      <p className="wz-hint">
        Lay the board flat on the floor, printed side up, where at least one camera sees it, then press "Capture the floor".
        Without a floor the world is the first camera's frame, and the 3D view and exports take "up" from the cameras.
      </p>
      <FeedTiles session={session} caption={(f) => <strong>{f.name}</strong>} />
      <div className="wz-row">
        <GatedButton testId="calib-floor-capture" primary why={session.floorArmed ? 'waiting for a still view of the board…' : null} onClick={() => session.armFloor()}>Capture the floor</GatedButton>
        <button type="button" data-testid="calib-floor-skip" onClick={() => session.skipFloor()}>Skip: no floor</button>
      </div>
      <p data-testid="calib-world-status" className={session.floor === 'set' ? 'wz-ok' : 'wz-hint'}>
        {session.floor === 'set' ? 'World frame set: the floor is y = 0, Y up.' : session.floorArmed ? 'Waiting for a still view of the board on the floor…' : 'No floor yet.'}
      </p>
    </div>
  );
}
