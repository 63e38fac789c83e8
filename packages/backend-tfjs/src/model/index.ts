// Building tf.LayersModels from core network descriptions, and their weights by Keras name. Re-exports only.
export * from './build.js';
export * from './weights.js';
