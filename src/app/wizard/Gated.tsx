/** A button that, when it cannot be pressed, says why: in its tooltip and in visible text beside it. */
import type { ReactNode } from 'react';

export function GatedButton({ why, onClick, testId, primary, children }: { why: string | null; onClick: () => void; testId: string; primary?: boolean; children: ReactNode }) {
  return (
    <span className="wz-gated">
      <button type="button" className={primary ? 'wz-primary' : undefined} data-testid={testId} disabled={!!why} title={why ?? undefined} onClick={onClick}>
        {children}
      </button>
      {why && <span className="wz-why" data-testid={`${testId}-why`}>{why}</span>}
    </span>
  );
}
