export * from './linalg';
export * from './rotation';
export * from './camera';
export * from './lm';
export * from './rig-up';
export * from './ray-angle';
export * from './camera-check';
