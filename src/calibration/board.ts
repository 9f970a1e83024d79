/**
 * The calibration target: a classic checkerboard described by its inner corners (cols × rows) and square size.
 * Corner k = r·cols + c lies at (c·s, r·s, 0) in the board frame (metres); board z points away from the printed face.
 */
export interface BoardSpec {
  /** Inner corners along the board's x axis. */
  readonly cols: number;
  /** Inner corners along the board's y axis. */
  readonly rows: number;
  /** Square side in millimetres. */
  readonly squareMm: number;
}

export function cornerCount(b: BoardSpec): number {
  return b.cols * b.rows;
}

/** Board-frame 3D corners (xyz interleaved, metres). */
export function boardObjectPoints(b: BoardSpec): Float64Array {
  const s = b.squareMm / 1000;
  const out = new Float64Array(b.cols * b.rows * 3);
  for (let r = 0; r < b.rows; r++)
    for (let c = 0; c < b.cols; c++) {
      const k = r * b.cols + c;
      out[3 * k] = c * s;
      out[3 * k + 1] = r * s;
    }
  return out;
}

/** Parses "9x6" or "9x6:25" (square in mm, default 25); null when malformed. */
export function parseBoardSpec(text: string): BoardSpec | null {
  const m = /^\s*(\d+)\s*[xX×]\s*(\d+)\s*(?::\s*(\d+(?:\.\d+)?)\s*)?$/.exec(text);
  if (!m) return null;
  const cols = Number(m[1]), rows = Number(m[2]);
  const squareMm = m[3] === undefined ? 25 : Number(m[3]);
  if (cols < 2 || rows < 2 || cols > 40 || rows > 40 || !(squareMm > 0) || squareMm > 1000) return null;
  return { cols, rows, squareMm };
}

export function formatBoardSpec(b: BoardSpec): string {
  return `${b.cols}x${b.rows}:${b.squareMm}`;
}
