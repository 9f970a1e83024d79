/**
 * The pose models Parallax can run, and where their weight files live under public/models (put there by
 * scripts/install-models.mjs). Paths are relative to the models root so the browser (URLs) and Node (files)
 * resolve them the same way.
 */
export const MODEL_IDS = ['movenet-lightning', 'movenet-thunder', 'blazepose-lite', 'blazepose-full', 'blazepose-heavy'] as const;
export type ModelId = (typeof MODEL_IDS)[number];
export const DEFAULT_MODEL: ModelId = 'movenet-lightning';

export interface ModelInfo {
  id: ModelId;
  label: string;
  family: 'movenet' | 'blazepose';
  /** Graph model JSON paths relative to the models root. */
  files: { model?: string; detector?: string; landmark?: string };
}

export const MODELS: Readonly<Record<ModelId, ModelInfo>> = {
  'movenet-lightning': { id: 'movenet-lightning', label: 'MoveNet Lightning', family: 'movenet', files: { model: 'movenet/movenet-lightning.json' } },
  'movenet-thunder': { id: 'movenet-thunder', label: 'MoveNet Thunder', family: 'movenet', files: { model: 'movenet/movenet-thunder.json' } },
  'blazepose-lite': { id: 'blazepose-lite', label: 'BlazePose lite', family: 'blazepose', files: { detector: 'blazepose/blazepose-detector.json', landmark: 'blazepose/blazepose-lite.json' } },
  'blazepose-full': { id: 'blazepose-full', label: 'BlazePose full', family: 'blazepose', files: { detector: 'blazepose/blazepose-detector.json', landmark: 'blazepose/blazepose-full.json' } },
  'blazepose-heavy': { id: 'blazepose-heavy', label: 'BlazePose heavy', family: 'blazepose', files: { detector: 'blazepose/blazepose-detector.json', landmark: 'blazepose/blazepose-heavy.json' } },
};

export function isModelId(s: string): s is ModelId {
  return (MODEL_IDS as readonly string[]).includes(s);
}

export const BACKEND_IDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendId = (typeof BACKEND_IDS)[number];
export type BackendChoice = BackendId | 'auto';

/** Where the app serves the wasm binaries (copied there by scripts/install-models.mjs). */
export const WASM_PATH = '/models/tfjs-wasm/';
