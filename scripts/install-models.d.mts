// Types for scripts/install-models.mjs (plain JS so `npm install` can run it before any TypeScript tooling).
export interface LockEntry { from: string; size?: number; sha256: string }
export interface ModelsLock { package: string; version: string; files: Record<string, LockEntry> }
export function sha256File(path: string): string;
export function readLock(path?: string): ModelsLock;
export function checkFiles(dir: string, entries: Record<string, { sha256: string; size?: number }>): {
  missing: string[];
  mismatched: { name: string; reason: string }[];
};
export function verifyFiles(dir: string, entries: Record<string, { sha256: string; size?: number }>): void;
export function installFromTarball(lock: ModelsLock, tarball: string, modelsDir: string, names?: string[]): void;
export function installWasm(srcDir: string, destDir: string): { files: string[]; copied: number };
export function main(): void;
