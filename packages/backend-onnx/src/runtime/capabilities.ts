/** What the ONNX Runtime and transformers.js backends can do (core's BackendCapabilities), known without loading them. */
import type { BackendCapabilities } from '@affnet/core';
import { ONNX_ENGINES } from './providers.js';

/** ONNX Runtime: every precision, the feature map for CAM, any batch (a fixed-batch model is split). */
export const ONNX_CAPABILITIES: BackendCapabilities = {
  precisions: ['fp32', 'fp16', 'int8'],
  features: true,
  engines: ONNX_ENGINES,
  // InferenceSession.run may be called again before the previous call resolves.
  concurrent: true,
};

/**
 * transformers.js: class scores only (its image-classification pipeline has no feature output, so no
 * CAM), and only bundles trained on z-scored input (its exported graph z-scores in the graph).
 */
export const TRANSFORMERS_CAPABILITIES: BackendCapabilities = {
  precisions: ['fp32', 'fp16', 'int8'],
  features: false,
  engines: ['cuda', 'webgpu', 'cpu'],
  normalisations: ['zscore'],
};
