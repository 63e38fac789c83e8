// Model bundles: model.json validation, safetensors, reading/writing and initial weights. Re-exports only;
// the bundle types are exported from ./types.js by the package index.
export * from './safetensors.js';
export * from './manifest.js';
export * from './io.js';
export * from './init.js';
export * from './random.js';
export * from './fingerprint.js';
