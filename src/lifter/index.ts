export { LifterMethod, runNet, type LiftResult, type LifterOptions } from './lifter';
export { DEFAULT_FALLBACK_RULE, fallbackReason, type FallbackRule } from './fallback';
export { frameFeatures, canonicalToWorld, N_FEATURES, FEATURE_CONSTANTS, type FrameFeatures } from './features';
export { LifterNet, expectedShapes } from './model';
export { netFromParts, parseManifest, type LifterConfig, type LifterManifest } from './manifest';
export { TemporalLifterMethod, type TemporalOptions } from './temporal';
export { TemporalNet } from './temporal-model';
export { temporalNetFromParts, parseTemporalManifest, type TemporalConfig, type TemporalManifest } from './temporal-manifest';
export { selectWindow, WINDOW_CONSTANTS } from './window';
