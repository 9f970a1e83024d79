export * from './types';
export * from './affinity';
export * from './cluster';
export * from './associate';
export * from './hungarian';
export * from './tracker';
export * from './fuse';
export * from './stage';
