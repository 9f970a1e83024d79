/**
 * A printable page with the checkerboard at exact scale (SVG in millimetres) and a ruler, so the user can check
 * the printer did not rescale it. Returns null when the board does not fit on the page.
 */
import type { BoardSpec } from './board';

export type PaperSize = 'A4' | 'Letter';

const PAPER: Record<PaperSize, [number, number]> = { A4: [210, 297], Letter: [215.9, 279.4] };

export function boardPageSvg(board: BoardSpec, paper: PaperSize): string | null {
  const s = board.squareMm;
  const bw = (board.cols + 1) * s, bh = (board.rows + 1) * s;
  let [pw, ph] = PAPER[paper];
  if (bw > bh !== pw > ph) [pw, ph] = [ph, pw];
  const margin = 8, rulerSpace = 18;
  if (bw > pw - 2 * margin || bh > ph - 2 * margin - rulerSpace) return null;
  const x0 = (pw - bw) / 2, y0 = margin;
  const rects: string[] = [];
  // Square (i, j) with i + j even is black: corner 0 is then the corner whose outer diagonal square is black.
  for (let j = 0; j <= board.rows; j++)
    for (let i = 0; i <= board.cols; i++)
      if ((i + j) % 2 === 0) rects.push(`<rect x="${(x0 + i * s).toFixed(3)}" y="${(y0 + j * s).toFixed(3)}" width="${s}" height="${s}"/>`);
  const rulerMm = Math.min(100, Math.floor((pw - 2 * margin) / 10) * 10);
  const ry = y0 + bh + 5, rx = (pw - rulerMm) / 2;
  const ticks: string[] = [];
  for (let mm = 0; mm <= rulerMm; mm++) {
    const len = mm % 10 === 0 ? 4 : mm % 5 === 0 ? 2.5 : 1.5;
    ticks.push(`<line x1="${rx + mm}" y1="${ry}" x2="${rx + mm}" y2="${ry + len}"/>`);
    if (mm % 10 === 0) ticks.push(`<text x="${rx + mm}" y="${ry + 7.5}" font-size="2.8" text-anchor="middle">${mm / 10}</text>`);
  }
  const label = `${board.cols} x ${board.rows} inner corners, ${s} mm squares. Print at 100 % (no "fit to page"); the ruler must measure ${rulerMm} mm.`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${pw}mm" height="${ph}mm" viewBox="0 0 ${pw} ${ph}" data-board="${board.cols}x${board.rows}:${s}">`,
    `<rect width="${pw}" height="${ph}" fill="#fff"/>`,
    `<g fill="#000">${rects.join('')}</g>`,
    `<g stroke="#000" stroke-width="0.2">${ticks.filter((t) => t.startsWith('<line')).join('')}<line x1="${rx}" y1="${ry}" x2="${rx + rulerMm}" y2="${ry}"/></g>`,
    `<g font-family="sans-serif" fill="#000">${ticks.filter((t) => t.startsWith('<text')).join('')}<text x="${rx + rulerMm + 2}" y="${ry + 7.5}" font-size="2.8">cm</text>`,
    `<text x="${pw / 2}" y="${ry + 12}" font-size="3" text-anchor="middle">${label}</text></g>`,
    '</svg>',
  ].join('\n');
}
