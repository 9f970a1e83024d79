/**
 * The noise model's parameters as bundled: training/noise/movenet_noise.json (the measured fit, written by the
 * lifter-data work) when it exists, else DEFAULT_NOISE. import.meta.glob keeps the build working while the file
 * is absent; Vite and Vitest both resolve it at build time.
 */
import { DEFAULT_NOISE, parseNoiseParams, type NoiseParams } from './noise';

const found = import.meta.glob('../../training/noise/movenet_noise.json', { eager: true, import: 'default' });

function load(): { params: NoiseParams; source: string } {
  const entries = Object.entries(found);
  if (entries.length === 0) return { params: DEFAULT_NOISE, source: 'defaults (training/noise/movenet_noise.json not present)' };
  try {
    return { params: parseNoiseParams(entries[0][1]), source: 'training/noise/movenet_noise.json' };
  } catch (e) {
    // A malformed fit must not take the simulation down: say so and fall back.
    console.warn(String(e));
    return { params: DEFAULT_NOISE, source: `defaults (${String(e)})` };
  }
}

export const BUNDLED_NOISE = load();
