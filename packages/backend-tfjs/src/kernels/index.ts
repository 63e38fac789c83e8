export { registerWasmTrainingKernels, unregisterWasmTrainingKernels, wasmKernelSources } from './register.js';
export type { KernelSource, WasmKernelOptions } from './register.js';
export { conv2dBackpropFilterWasm } from './conv2d-backprop-filter.js';
export { conv2dBackpropInputWasm } from './conv2d-backprop-input.js';
export { convGeometry } from './conv-geometry.js';
export type { ConvGeometry } from './conv-geometry.js';
