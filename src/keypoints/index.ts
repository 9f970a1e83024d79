export * from './coco17';
export * from './layouts';
