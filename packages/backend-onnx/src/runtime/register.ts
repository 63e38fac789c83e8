/**
 * Registration in a core BackendRegistry instance. Importing this package registers nothing; the
 * caller decides (`register(registry)`), and transformers.js is imported only when its backend is
 * first resolved.
 */
import type { BackendRegistry } from '@affnet/core';
import { createOnnxBackend, type OnnxLoadOptions } from './onnx-backend.js';

export interface RegisterOptions {
  /** Priority of 'onnx' in the registry. @defaultValue 10 */
  priority?: number;
  /** Also register 'transformers' (the Hugging Face transformers.js pipeline). @defaultValue true */
  transformers?: boolean;
  /** Defaults for every load through the registered backend. */
  defaults?: OnnxLoadOptions;
}

export function register(registry: BackendRegistry, options: RegisterOptions = {}): void {
  const priority = options.priority ?? 10;
  registry.register('onnx', async () => createOnnxBackend(options.defaults), priority);
  if (options.transformers ?? true) {
    registry.register(
      'transformers',
      async () => (await import('../hf/transformers-backend.js')).createTransformersBackend(),
      priority - 5,
    );
  }
}
