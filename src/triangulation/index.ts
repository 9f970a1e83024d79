export * from './triangulate';
export * from './methods';
