// Types for scripts/test-setup.mjs (plain JS so `npm test` can run it before any TypeScript tooling).
export interface Pin { name: string; version: string }
export interface Step { cmd: string; args: string[]; soft?: boolean }
export type Installed = Record<string, string | null>;
export const VENV: string;
export const REQUIRED: string[];
export const TOOLS: Array<[string, string[]]>;
export function pythonFor(root?: string, exists?: (p: string) => boolean): string;
export function parsePins(text: string): Pin[];
export function missingPins(pins: Pin[], installed: Installed): Pin[];
export function planPython(s: {
  required: Pin[];
  tools: Pin[][];
  system: { python: boolean; venvModule: boolean; installed: Installed };
  venv: { installed: Installed } | null;
  brokenVenv?: boolean;
  root: boolean;
  apt: boolean;
}): { python: 'system' | 'venv'; steps: Step[]; warn?: string; fail?: undefined } | { fail: string; python?: undefined; steps?: undefined; warn?: undefined };
export function planChromium(s: {
  env: string | undefined;
  playwright: string | null;
  exists: (p: string) => boolean;
  root: boolean;
  apt: boolean;
}): { chromium: string; steps: Step[]; fail?: undefined } | { fail: string; chromium?: undefined; steps?: undefined };
export function main(): void;
