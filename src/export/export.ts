/** One entry point for every export format, so the worker, the CLI and tests produce identical files. */
import { writeBvh } from './bvh';
import { writeCsv, writePoseJson, writeTrc } from './csv';
import { writeC3d } from './c3d';
import { posesYUp, posesZUp, type ExportFrame } from './frame';
import type { PoseLike } from './types';

export type ExportFormat = 'csv' | 'json' | 'bvh' | 'trc';
/** The text formats (runExport). */
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'bvh', 'trc'];
export type BinaryExportFormat = 'c3d';
/** Every format a user can pick: the text ones, then the binary ones (runExportFile). */
export const ALL_EXPORT_FORMATS: readonly (ExportFormat | BinaryExportFormat)[] = [...EXPORT_FORMATS, 'c3d'];

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

/** A request for any format; the text formats' callers keep using ExportRequest and runExport. */
export type FileExportRequest = Omit<ExportRequest, 'format'> & { format: ExportFormat | BinaryExportFormat };

export function exportFileName(r: Pick<FileExportRequest, 'baseName' | 'method' | 'format'>): string {
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

/** Any format as the bytes or text of its file, with its MIME type. C3D is Z up (its readers' and Vicon's convention). */
export function runExportFile(r: FileExportRequest, onProgress?: (done: number, total: number) => void): { data: string | Uint8Array; mime: string } {
  if (r.format === 'c3d') return { data: writeC3d(posesZUp(r.poses, r.frame), { fps: r.fps, onProgress }), mime: 'application/octet-stream' };
  return { data: runExport({ ...r, format: r.format }, onProgress), mime: 'text/plain' };
}
