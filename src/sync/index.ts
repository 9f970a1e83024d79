export * from './signal';
export * from './reprojection';
export * from './sync';
