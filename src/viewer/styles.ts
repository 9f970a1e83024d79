/** Colours and labels of what the 3D view draws: the registry's methods, plus the ground truth. */
import { METHODS } from '../fusion/registry';

export const METHOD_COLORS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(METHODS.map((m) => [m.id, m.colour])),
  gt: '#d8d8d8',
};

export const METHOD_LABELS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(METHODS.map((m) => [m.id, m.label])),
  gt: 'Ground truth',
};

export const DISAGREE_COLOR = '#ff1f8e';

/** One colour per person id (cycled), away from the method colours' hues where possible. */
export const PERSON_COLORS = ['#ffd54f', '#ba68c8', '#4db6ac', '#f06292', '#aed581', '#90a4ae'];

export const personColour = (id: number): string => PERSON_COLORS[((id % PERSON_COLORS.length) + PERSON_COLORS.length) % PERSON_COLORS.length];
export { personLabel } from '../people/label';
