/** One entry point for every export format, so the worker, the CLI and tests produce identical files. */
import { writeBvh } from './bvh';
import { writeCsv, writePoseJson, writeTrc } from './csv';
import { posesYUp, type ExportFrame } from './frame';
import type { PoseLike } from './types';

export type ExportFormat = 'csv' | 'json' | 'bvh' | 'trc';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'bvh', 'trc'];

export interface ExportRequest {
  format: ExportFormat;
  method: string;
  fps: number;
  times: number[];
  /** In the calibration's frame. */
  poses: (PoseLike | null)[];
  /** The calibration's up (exportFrame(take.cameras)): CSV and JSON declare it, BVH and TRC are turned Y up. */
  frame: ExportFrame;
  baseName: string;
}

export function exportFileName(r: Pick<ExportRequest, 'baseName' | 'method' | 'format'>): string {
  return `${r.baseName}-${r.method}.${r.format}`;
}

export function runExport(r: ExportRequest, onProgress?: (done: number, total: number) => void): string {
  const info = { fps: r.fps, times: r.times, frame: r.frame, onProgress };
  switch (r.format) {
    case 'csv':
      return writeCsv(r.poses, info);
    case 'json':
      return writePoseJson(r.poses, { ...info, method: r.method });
    case 'trc':
      return writeTrc(r.poses, { ...info, fileName: exportFileName(r) });
    case 'bvh':
      return writeBvh(posesYUp(r.poses, r.frame), { fps: r.fps, onProgress });
  }
}
