export { LifterMethod, runNet, type LiftResult } from './lifter';
export { frameFeatures, canonicalToWorld, N_FEATURES, FEATURE_CONSTANTS, type FrameFeatures } from './features';
export { LifterNet, expectedShapes } from './model';
export { netFromParts, parseManifest, type LifterConfig, type LifterManifest } from './manifest';
