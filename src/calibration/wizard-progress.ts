/**
 * The calibration wizard's steps in order, and what each still needs, from plain facts about the captures so far.
 * Pure, so the order and every "still needs" sentence are tested in Node; the wizard's page only shows them.
 */
import { linkedGroups, type PairCheck } from './shared-views';

export type WizardStep = 'board' | 'intrinsics' | 'pairs' | 'floor' | 'summary';
export const WIZARD_STEPS: readonly WizardStep[] = ['board', 'intrinsics', 'pairs', 'floor', 'summary'];
export const WIZARD_STEP_TITLES: Record<WizardStep, string> = {
  board: 'Board and cameras',
  intrinsics: 'Lenses (each camera)',
  pairs: 'Camera pairs',
  floor: 'Floor',
  summary: 'Summary',
};

export interface WizardFacts {
  /** Camera names; empty before the cameras are opened. */
  cameras: string[];
  /** Snapshots per camera for its lens calibration. */
  minViews: number;
  /** Confirmed shared views a pair needs to link its cameras. */
  minShared: number;
  views: number[];
  /** Lens calibration RMS per camera, null while not calibrated. */
  intrinsicsRms: Array<number | null>;
  pairs: readonly Pick<PairCheck, 'a' | 'b' | 'confirmed' | 'seen'>[];
  rigSolved: boolean;
  floor: 'none' | 'set' | 'skipped';
}

export interface StepState {
  step: WizardStep;
  /** Every step before it is done. */
  open: boolean;
  done: boolean;
  /** What it still needs, in the user's words; empty when done. */
  needs: string[];
}

function pairNeeds(f: WizardFacts): string[] {
  const n = f.cameras.length;
  const groups = linkedGroups(n, f.pairs, f.minShared);
  if (groups.length === 1) return f.rigSolved ? [] : ['every camera is linked: press "Compute extrinsics"'];
  // Link the first camera's group to each other group through the pair with the most confirmed views.
  const home = groups.find((g) => g.includes(0))!;
  return groups.filter((g) => g !== home).map((g) => {
    let best = { a: home[0], b: g[0], k: -1 };
    for (const p of f.pairs) {
      const across = (home.includes(p.a) && g.includes(p.b)) || (home.includes(p.b) && g.includes(p.a));
      if (across && p.confirmed.length > best.k) best = { a: p.a, b: p.b, k: p.confirmed.length };
    }
    return `show the board to ${f.cameras[best.a]} and ${f.cameras[best.b]} together: ${Math.max(0, best.k)}/${f.minShared} shared views`;
  });
}

export function wizardProgress(f: WizardFacts): StepState[] {
  const needs: Record<WizardStep, string[]> = {
    board: f.cameras.length >= 2 ? [] : [f.cameras.length ? 'a second camera: positions need two or more' : 'open the cameras (two or more)'],
    intrinsics: f.cameras.flatMap((name, i) =>
      f.intrinsicsRms[i] != null ? [] : (f.views[i] ?? 0) < f.minViews ? [`show the board to ${name}: ${f.views[i] ?? 0}/${f.minViews} snapshots`] : [`${name} has its snapshots: press "Calibrate lenses"`],
    ),
    pairs: pairNeeds(f),
    floor: f.floor === 'none' ? ['lay the board flat on the floor where a camera sees it and press "Capture the floor" (or skip: up then comes from the cameras)'] : [],
    summary: [],
  };
  let open = true;
  return WIZARD_STEPS.map((step) => {
    const s = { step, open, done: open && needs[step].length === 0 && step !== 'summary', needs: needs[step] };
    open = open && s.done;
    return s;
  });
}
