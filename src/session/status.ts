/** The status bar's words for the session's state: what feeds fusion, and how much of it runs. */
import type { SessionState } from './state';

const KIND_WORDS = { simulation: 'simulation', webcams: 'webcams', videos: 'video files', take: 'take' } as const;

/** The source's kind in words: "simulation", "webcams", "video files", "take". */
export function kindWords(s: SessionState): string {
  return s.source.kind ? KIND_WORDS[s.source.kind] : 'none';
}

/** "simulation", "simulation (paused)", "webcams", "video files (processing)", "take (finished)", "none". */
export function sourceLine(s: SessionState): string {
  const { kind, phase } = s.source;
  if (!kind) return 'none';
  const words = KIND_WORDS[kind];
  switch (phase) {
    case 'running':
      return s.source.finite ? `${words} (${kind === 'take' ? 'replaying' : 'processing'})` : words;
    case 'idle':
      return words;
    default:
      return `${words} (${phase})`;
  }
}

/** "4 cameras running", "3 of 4 cameras running · 1 lost", "no camera running". */
export function camerasLine(s: SessionState): string {
  const n = s.source.views.length;
  if (!n) return 'no camera';
  const running = s.source.phase === 'running' ? (s.stats.frameSets ? s.stats.camerasRunning : n) : 0;
  const noun = s.source.kind === 'videos' ? 'file' : s.source.kind === 'take' || s.source.kind === 'simulation' ? 'view' : 'camera';
  const base = running === n ? `${n} ${noun}${n === 1 ? '' : 's'} running` : `${running} of ${n} ${noun}s running`;
  return s.stats.lost && s.source.phase === 'running' ? `${base} · ${s.stats.lost} lost` : base;
}

/** "" when the session fuses in 3D; "2D only" otherwise (the reason is among the messages). */
export function fusionLine(s: SessionState): string {
  if (!s.source.kind) return '';
  return s.threeD.available ? `3D on ${s.threeD.views.length} view${s.threeD.views.length === 1 ? '' : 's'}` : '2D only';
}
