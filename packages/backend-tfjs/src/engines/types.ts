/**
 * Engine names and the shapes the engine selection returns. An *engine* is the TensorFlow.js backend
 * that actually runs the kernels (tfjs's own word is "backend"; affnet keeps "backend" for the
 * runtime package, tfjs or onnx).
 */
import type { RuntimeInfo } from '@affnet/core';

/**
 * Every engine this package knows, best first (the order used when none is asked for):
 * native TensorFlow with CUDA, WebGPU (Dawn), native TensorFlow on the CPU, WebAssembly (XNNPACK),
 * plain JavaScript.
 */
export const ENGINE_NAMES = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** The tfjs backend name each engine registers (`tf.getBackend()` once it runs). */
export const TF_BACKEND_OF: Readonly<Record<EngineName, string>> = {
  'tfjs-node-gpu': 'tensorflow',
  'tfjs-node': 'tensorflow',
  webgpu: 'webgpu',
  wasm: 'wasm',
  cpu: 'cpu',
};

export interface EngineOptions {
  /** Engines to try, in order; unknown names are an `E_OPTION_INVALID` error listing the valid ones. */
  engines?: readonly string[];
  /**
   * When none of `engines` is available, go on with the others, best first. Without it an absent
   * engine is an `E_BACKEND_UNAVAILABLE` error naming it and the reason. @defaultValue false
   */
  allowFallback?: boolean;
  /** WASM only: XNNPACK thread-pool size (effective only where the threaded WASM build can run). */
  threads?: number;
}

export interface EngineSelection {
  engine: EngineName;
  /** `tf.getBackend()` after `tf.ready()`: what really runs. */
  tfBackend: string;
  /** Engines tried before this one, with why each was not used. */
  skipped: { engine: string; reason: string }[];
  runtime: RuntimeInfo;
}

/** One engine's loader: `probe` says whether it can run here (and why not); `activate` makes it current. */
export interface EngineLoader {
  readonly name: EngineName;
  /** Resolves to undefined when the engine can run here, else the reason it cannot (shown to users). */
  probe(options: EngineOptions): Promise<string | undefined>;
  /** Registers/initialises the tfjs backend; returns details for {@link RuntimeInfo}. */
  activate(options: EngineOptions): Promise<Record<string, string | number | boolean>>;
}
