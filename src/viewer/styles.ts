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
