/**
 * The numbers panel marks a lifter pose that fell back to robust triangulation (issue 8): the panel rendered by
 * React from the app's own metrics store, fed the frame sets the pipeline publishes.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Pose3D } from '../fusion/types';
import type { FusedFrameSet } from '../fusion/flow';
import { MetricsPanel } from './MetricsPanel';
import { session } from './app-session';

const metrics = session.metrics;

function fused(lifterInfo: Pose3D['info'] | null): FusedFrameSet {
  const pose = (info?: Pose3D['info']): Pose3D => ({ joints: new Float64Array(51), valid: new Uint8Array(17).fill(1), info });
  return {
    frame: { time: 0, views: [null, null], status: ['ok', 'ok'], timings: {} },
    people: [{ person: 0, poses: { robust: pose(), lifter: lifterInfo ? pose(lifterInfo) : null } }],
    timings: {},
  };
}

const render = () => renderToStaticMarkup(createElement(MetricsPanel));

describe('numbers panel: lifter fallback', () => {
  it('shows the badge only while the current lifter pose fell back, and counts fallbacks', () => {
    metrics.reset();
    expect(render()).not.toContain('data-testid="lifter-fallback"'); // no lifter pose yet: nothing to say
    metrics.add(fused({ fallback: false, predictedErrorMm: 40 }), 0);
    let html = render();
    expect(html).toContain('data-testid="lifter-fallback"');
    expect(html).not.toContain('fallback to triangulation');
    metrics.add(fused({ fallback: true, fallbackReason: 'predicted error 400 mm &gt; 150 mm' }), 0.1);
    html = render();
    expect(html).toContain('data-testid="lifter-fallback-now"');
    expect(html).toContain('fallback to triangulation');
    expect(html).toMatch(/data-testid="lifter-fallback-count">1<\/b> of 2 frame sets/);
    metrics.add(fused(null), 0.2); // no lifter pose: not counted, no badge
    metrics.add(fused({ fallback: false }), 0.3);
    html = render();
    expect(html).not.toContain('fallback to triangulation');
    expect(html).toMatch(/lifter-fallback-count">1<\/b> of 3 frame sets/);
  });
});
