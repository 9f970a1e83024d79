/** Step 3: the cameras' positions, from board views shared by pairs of cameras (confirmed by geometry). */
import { linkedGroups } from '../../calibration/shared-views';
import { FeedTiles } from './FeedTiles';
import { GatedButton } from './Gated';
import type { WizardSession } from './session';
import { RigResultView } from './RigResultView';

export function PairsStep({ session }: { session: WizardSession }) {
  const names = session.feeds.map((f) => f.name);
  const linked = linkedGroups(names.length, session.check.pairs, session.minShared).length === 1;
  const needs = session.progress().find((s) => s.step === 'pairs')!.needs;
  const confirmedTotal = session.check.kept.filter((k) => k.size >= 2).length;
  return (
    <div className="wz-step-body">
      <p className="wz-hint">
        Hold the board where two or more cameras see it at once, still, in several places and tilts. A shared view counts
        when the board's pose seen by each camera agrees with the pair's other views: two cameras shown different boards
        are not linked.
      </p>
      <FeedTiles session={session} caption={(f) => <strong>{f.name}</strong>} />
      <p>
        Shared snapshots: <span data-testid="calib-extrinsics-seen">{session.shared.length}</span>, confirmed:{' '}
        <span data-testid="calib-extrinsics-count">{confirmedTotal}</span>
      </p>
      <table className="wz-table" data-testid="calib-pairs">
        <thead><tr><th>pair</th><th>confirmed</th><th>seen together</th><th>status</th></tr></thead>
        <tbody>
          {session.check.pairs.map((p) => (
            <tr key={`${p.a}-${p.b}`} data-testid={`calib-pair-${p.a}-${p.b}`} data-confirmed={p.confirmed.length}>
              <td>{names[p.a]}–{names[p.b]}</td>
              <td>{p.confirmed.length} / {session.minShared}</td>
              <td>{p.seen.length}</td>
              <td>
                {p.confirmed.length >= session.minShared ? <span className="wz-ok">linked ✓</span>
                  : p.seen.length === 1 ? 'one view: waiting for a second to check it'
                  : p.seen.length && !p.confirmed.length ? <span className="wz-warn">views disagree: not the same board pose</span>
                  : p.seen.length ? `${p.rejected.length} rejected` : 'not seen together yet'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="wz-row">
        <GatedButton testId="calib-extrinsics-run" primary={linked} why={linked ? null : needs.join('; ')} onClick={() => session.solveRig()}>Compute extrinsics</GatedButton>
      </div>
      {session.rig && <RigResultView session={session} />}
    </div>
  );
}
