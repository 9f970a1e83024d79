export * from './signal';
export * from './reprojection';
export * from './sync';
export * from './resample';
export * from './epipolar';
export * from './video-times';
