/** What the view, the tiles, the panels and the exports call a person: P1, P2, … from the tracker's ids 0, 1, … */
export const personLabel = (id: number): string => `P${id + 1}`;
