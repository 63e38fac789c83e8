// Public API of @affnet/backend-tfjs. This file only re-exports.
export * from './model/index.js';
export * from './weights/index.js';
export * from './engines/index.js';
export * from './kernels/index.js';
export * from './train/index.js';
export { createTfjsBackend, loadTfjsModel, register, TFJS_CAPABILITIES, type RegisterOptions, type TfjsLoadOptions } from './backend.js';
