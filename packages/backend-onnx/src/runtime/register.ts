/**
 * Registration in a core BackendRegistry instance. Importing this package registers nothing; the
 * caller decides (`register(registry)`, the shape every backend package exports), and
 * transformers.js is imported only when its backend is first resolved.
 */
import type { BackendRegistry } from '@affnet/core';
import { ONNX_CAPABILITIES, TRANSFORMERS_CAPABILITIES } from './capabilities.js';
import { createOnnxBackend, type OnnxLoadOptions } from './onnx-backend.js';

export { ONNX_CAPABILITIES, TRANSFORMERS_CAPABILITIES } from './capabilities.js';

export interface RegisterOptions {
  /** Priority of 'onnx' in the registry (`auto` tries higher first); 'transformers' gets 5 less. @defaultValue 30 */
  priority?: number;
  /** Also register 'transformers' (the Hugging Face transformers.js pipeline). @defaultValue true */
  transformers?: boolean;
  /** Defaults for every load through the registered backend. */
  defaults?: OnnxLoadOptions;
}

/**
 * `auto` may choose 'onnx', on the CPU provider (part of every onnxruntime-node build, and the
 * runtime whose agreement with the tfjs reference is measured: |Δp| < 1e-5); never 'transformers'
 * (the same ONNX Runtime underneath, without CAM).
 */
export function register(registry: BackendRegistry, options: RegisterOptions = {}): void {
  const priority = options.priority ?? 30;
  registry.register('onnx', async () => createOnnxBackend(options.defaults), { priority, capabilities: ONNX_CAPABILITIES, auto: { engine: 'cpu' } });
  if (options.transformers ?? true) {
    registry.register('transformers', async () => (await import('../hf/transformers-backend.js')).createTransformersBackend(), {
      priority: priority - 5,
      capabilities: TRANSFORMERS_CAPABILITIES,
      auto: false,
    });
  }
}
