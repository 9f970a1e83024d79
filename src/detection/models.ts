/**
 * The pose models Parallax can run, and where their weight files live under public/models (put there by
 * scripts/install-models.mjs). Paths are relative to the models root so the browser (URLs) and Node (files)
 * resolve them the same way.
 */
export const MODEL_IDS = ['movenet-lightning', 'movenet-thunder', 'movenet-multipose', 'blazepose-lite', 'blazepose-full', 'blazepose-heavy'] as const;
export type ModelId = (typeof MODEL_IDS)[number];
export const DEFAULT_MODEL: ModelId = 'movenet-lightning';

export interface ModelInfo {
  id: ModelId;
  label: string;
  family: 'movenet' | 'blazepose';
  /**
   * Finds everyone in a view (up to MAX_PEOPLE_PER_VIEW): a source detecting with it feeds fusion every person of
   * every view, which then associates them across views. Single-person models follow one person per view.
   */
  multiPerson: boolean;
  /** Graph model JSON paths relative to the models root. */
  files: { model?: string; detector?: string; landmark?: string };
}

export const MODELS: Readonly<Record<ModelId, ModelInfo>> = {
  'movenet-lightning': { id: 'movenet-lightning', label: 'MoveNet Lightning', family: 'movenet', multiPerson: false, files: { model: 'movenet/movenet-lightning.json' } },
  'movenet-thunder': { id: 'movenet-thunder', label: 'MoveNet Thunder', family: 'movenet', multiPerson: false, files: { model: 'movenet/movenet-thunder.json' } },
  'movenet-multipose': { id: 'movenet-multipose', label: 'MoveNet MultiPose (several people)', family: 'movenet', multiPerson: true, files: { model: 'movenet/movenet-multipose.json' } },
  'blazepose-lite': { id: 'blazepose-lite', label: 'BlazePose lite', family: 'blazepose', multiPerson: false, files: { detector: 'blazepose/blazepose-detector.json', landmark: 'blazepose/blazepose-lite.json' } },
  'blazepose-full': { id: 'blazepose-full', label: 'BlazePose full', family: 'blazepose', multiPerson: false, files: { detector: 'blazepose/blazepose-detector.json', landmark: 'blazepose/blazepose-full.json' } },
  'blazepose-heavy': { id: 'blazepose-heavy', label: 'BlazePose heavy', family: 'blazepose', multiPerson: false, files: { detector: 'blazepose/blazepose-detector.json', landmark: 'blazepose/blazepose-heavy.json' } },
};

/** The most people a multi-person model reports per view (MoveNet MultiPose's fixed number of instances). */
export const MAX_PEOPLE_PER_VIEW = 6;

export const isMultiPerson = (model: ModelId): boolean => MODELS[model].multiPerson;

export function isModelId(s: string): s is ModelId {
  return (MODEL_IDS as readonly string[]).includes(s);
}

export const BACKEND_IDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendId = (typeof BACKEND_IDS)[number];
export type BackendChoice = BackendId | 'auto';

/** Where the app serves the wasm binaries (copied there by scripts/install-models.mjs). */
export const WASM_PATH = '/models/tfjs-wasm/';
