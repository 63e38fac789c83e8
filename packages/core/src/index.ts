// Public API of @affnet/core. This file only re-exports.
export * from './errors.js';
export * from './settings.js';
export * from './image/radiograph.js';
export * as affine from './geometry/affine.js';
export type { Affine, Point } from './geometry/affine.js';
export * from './models/graph.js';
export * from './backend/types.js';
export * from './backend/registry.js';
export * from './bundle/types.js';
