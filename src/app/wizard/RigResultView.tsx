/** The bundle adjustment's result: reprojection error per camera, the board-size check, a top view of the rig. */
import { cameraCenter, type Camera } from '../../geometry/camera';
import { rigUp } from '../../geometry/rig-up';
import type { WizardSession } from './session';

export function RigResultView({ session }: { session: WizardSession }) {
  const rig = session.rig!;
  return (
    <div className="wz-result" data-testid="calib-rig-result">
      <div>
        <p data-testid="calib-ba-rms" data-rms={rig.bundle.rms}>
          Bundle adjustment: RMS {rig.bundle.initialRms.toFixed(3)} → <strong>{rig.bundle.rms.toFixed(3)} px</strong>; per camera:{' '}
          {rig.bundle.perCameraRms.map((v, i) => `${session.feeds[i]?.name ?? i} ${v.toFixed(3)}`).join(', ')}
        </p>
        <p data-testid="calib-metric" data-error={rig.metric.errorPercent}>
          Square size reconstructed {rig.metric.squareMm.toFixed(2)} mm vs printed {session.board.squareMm} mm ({rig.metric.errorPercent.toFixed(2)} %)
        </p>
      </div>
      <TopView cameras={rig.cameras} />
    </div>
  );
}

/** The cameras seen from above (along the rig's up), named, with their viewing directions. */
export function TopView({ cameras }: { cameras: readonly Camera[] }) {
  const up = rigUp(cameras);
  // Two horizontal axes: any vector not along up, made orthogonal, and up × it.
  const e = Math.abs(up[0]) < 0.9 ? [1, 0, 0] : [0, 0, 1];
  const d = e[0] * up[0] + e[1] * up[1] + e[2] * up[2];
  const h1 = e.map((v, k) => v - d * up[k]);
  const n1 = Math.hypot(...h1);
  const u = h1.map((v) => v / n1);
  const w = [up[1] * u[2] - up[2] * u[1], up[2] * u[0] - up[0] * u[2], up[0] * u[1] - up[1] * u[0]];
  const flat = (p: ArrayLike<number>) => [p[0] * u[0] + p[1] * u[1] + p[2] * u[2], p[0] * w[0] + p[1] * w[1] + p[2] * w[2]];
  const pts = cameras.map((c) => ({ c, C: flat(cameraCenter(c)), dir: flat([c.R[6], c.R[7], c.R[8]]) }));
  const mid = [0, 1].map((k) => pts.reduce((s, p) => s + p.C[k], 0) / Math.max(1, pts.length));
  const span = Math.max(0.5, ...pts.map((p) => Math.max(Math.abs(p.C[0] - mid[0]), Math.abs(p.C[1] - mid[1])))) * 1.3;
  const X = (v: number, k: number) => 110 + ((v - mid[k]) / span) * 90;
  return (
    <svg className="wz-topview" viewBox="0 0 220 220" width={220} height={220} data-testid="calib-topview" aria-label="Cameras seen from above">
      <rect width={220} height={220} rx={6} fill="#101216" />
      {pts.map(({ c, C, dir }) => {
        const n = Math.hypot(dir[0], dir[1]) || 1;
        return (
          <g key={c.name}>
            <line x1={X(C[0], 0)} y1={X(C[1], 1)} x2={X(C[0], 0) + (22 * dir[0]) / n} y2={X(C[1], 1) + (22 * dir[1]) / n} stroke="#5aa9ff" strokeWidth={2} />
            <circle cx={X(C[0], 0)} cy={X(C[1], 1)} r={4} fill="#5aa9ff" />
            <text x={X(C[0], 0) + 6} y={X(C[1], 1) - 6} fill="#dfe3ea" fontSize={11}>{c.name}</text>
          </g>
        );
      })}
    </svg>
  );
}
