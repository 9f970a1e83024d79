/** Colours of the methods, the same in the 3D view, the tiles, the legend and the numbers panel. */
export const METHOD_COLORS: Readonly<Record<string, string>> = {
  lifter: '#ff8a3d',
  robust: '#29b6f6',
  dlt: '#9ccc65',
  gt: '#d8d8d8',
};

export const METHOD_LABELS: Readonly<Record<string, string>> = {
  lifter: 'Lifter (MPL-style)',
  robust: 'Robust triangulation',
  dlt: 'DLT triangulation',
  gt: 'Ground truth',
};

export const DISAGREE_COLOR = '#ff1f8e';
