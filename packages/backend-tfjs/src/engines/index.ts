export { ENGINE_NAMES, TF_BACKEND_OF } from './types.js';
export type { EngineName, EngineOptions, EngineSelection, EngineLoader } from './types.js';
export { probeEngines, selectEngine, useEngine, parseEngineNames, quietTfjs } from './select.js';
export { wasmBinaryFolder } from './wasm.js';
export { resolveOptional } from './native.js';
