export * from './take';
export { cameraSchema, headerSchema, frameSchema } from './schema';
export * from './limits';
