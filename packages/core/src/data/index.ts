// Dataset manifests, patient grouping and cross-validation splits. This file only re-exports.
export * from './manifest-types.js';
export { MANIFEST_HEADER_ALIASES } from './manifest-schema.js';
export { loadManifest, parseManifest, type ParseManifestOptions } from './manifest-read.js';
export { saveManifest, writeManifest, type ManifestWriteOptions } from './manifest-write.js';
export * from './patients.js';
export * from './splits.js';
export type { RandomOptions, RandomSource } from './random.js';
export { parseCsv, type CsvRecord } from './csv.js';
