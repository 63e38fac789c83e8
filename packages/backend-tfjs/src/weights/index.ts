// Pretrained weights: Keras H5 and TensorFlow.js layers-model readers, and matching by layer name. Re-exports only.
export * from './keras-h5.js';
export * from './tfjs-layers.js';
export * from './match.js';
export * from './load.js';
export * from './keras-h5-write.js';
