import { describe, expect, it } from 'vitest';
import { boardPageSvg } from './boardPage';

describe('printable board page', () => {
  it('draws the squares at exact millimetre scale with a ruler, and refuses boards that do not fit', () => {
    const svg = boardPageSvg({ cols: 9, rows: 6, squareMm: 25 }, 'A4')!;
    expect(svg).toContain('width="297mm" height="210mm" viewBox="0 0 297 210"');
    expect((svg.match(/<rect x=/g) ?? []).length).toBe(35); // half of the 10 x 7 squares
    expect(svg).toContain('width="25" height="25"');
    expect(svg).toContain('the ruler must measure 100 mm');
    expect(boardPageSvg({ cols: 7, rows: 5, squareMm: 60 }, 'Letter')).toBeNull();
    expect(boardPageSvg({ cols: 6, rows: 4, squareMm: 30 }, 'Letter')).toContain('width="279.4mm"');
  });
});
