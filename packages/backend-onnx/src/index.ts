// Public API of @affnet/backend-onnx. This file only re-exports.
export { exportOnnx, EXPORTER_VERSION, type ExportInfo, type OnnxExport } from './export/exporter.js';
export { exportModel, exportBundle, type ModelExport, type ModelExportOptions, type Precision } from './export/precision.js';
export { resolveExportOptions, ZSCORE_EPSILON, type ExportOptions } from './export/options.js';
export { convertToFp16, type Fp16Mode } from './export/fp16.js';
export { floatToHalfBits, halfBitsToFloat } from './export/half.js';
export { kerasPads, onnxPads2d, outputLength } from './export/padding.js';
export { exportCacheKey, weightsHash } from './export/cache-key.js';
export { toExternalData, type ExternalDataEntry } from './export/external-data.js';
export { quantizeQdq, type QuantizeOptions, type QuantizeReport } from './quantize/qdq.js';
export type { CalibrationMethod } from './quantize/calibrate.js';
export { encodeModel, decodeModel, type ModelProto } from './proto/onnx.js';
export { onnxEngines, ONNX_ENGINES, parseEngine, type OnnxEngine } from './runtime/providers.js';
export { toOrtSessionOptions, type OnnxSessionOptions, type GraphOptimizationLevel } from './runtime/session-options.js';
export { createOnnxBackend, type OnnxBackend, type OnnxLoadOptions } from './runtime/onnx-backend.js';
export { OnnxLoadedModel, type CamResult } from './runtime/loaded-model.js';
export { register, type RegisterOptions } from './runtime/register.js';
export { writeHfFolder, exportHfVariant, hfConfig, hfPreprocessorConfig, HF_MODEL_FILES, type HfFolderOptions } from './hf/folder.js';
export { createTransformersBackend, type TransformersLoadOptions, type TransformersLoadedModel } from './hf/transformers-backend.js';
