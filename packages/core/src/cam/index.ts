// Class activation maps: pure math, upsampling, normalisation and colour maps. Re-exports only.
export * from './class-activation.js';
export * from './upsample.js';
export * from './normalise.js';
export * from './colour-map.js';
