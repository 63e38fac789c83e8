/**
 * Registration of affnet's WASM training kernels. Explicit and idempotent (nothing happens on
 * import). `Conv2DBackpropFilter` is missing from tfjs-backend-wasm 4.22 and always added;
 * `Conv2DBackpropInput` exists natively and is replaced by default by a faster one that hands tiny
 * feature maps back to the native kernel (see conv2d-backprop-input.ts; `replaceBackpropInput: false`
 * keeps the native one).
 *
 * What a gradient step of VGG19, InceptionV3 and ResNet50 needs on WASM was listed by running one
 * (test/kernels/wasm-gradient-coverage.test.ts): only `Conv2DBackpropFilter` is missing; MaxPoolGrad,
 * AvgPoolGrad, Conv2DBackpropInput exist, and batch normalisation, ReLU, softmax, concatenation,
 * padding and mean have gradients built from ops WASM has.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig, setNativeBackpropInput } from './conv2d-backprop-input.js';

export type KernelSource = 'native' | 'affnet' | 'missing';

const natives = new Map<string, tf.KernelConfig>();

function install(config: tf.KernelConfig): void {
  const current = tf.getKernel(config.kernelName, 'wasm');
  if (current?.kernelFunc === config.kernelFunc) return;
  if (current) {
    natives.set(config.kernelName, current);
    tf.unregisterKernel(config.kernelName, 'wasm');
  }
  if (config === conv2dBackpropInputConfig) setNativeBackpropInput(natives.get(config.kernelName)?.kernelFunc);
  tf.registerKernel(config);
}

export interface WasmKernelOptions {
  /**
   * Replace the native `Conv2DBackpropInput` with the Conv2D-based one.
   * @defaultValue true
   */
  replaceBackpropInput?: boolean;
}

/** Registers the kernels; returns the names now served by affnet. Safe to call repeatedly. */
export function registerWasmTrainingKernels(options: WasmKernelOptions = {}): string[] {
  install(conv2dBackpropFilterConfig);
  if (options.replaceBackpropInput ?? true) install(conv2dBackpropInputConfig);
  else restoreNative(conv2dBackpropInputConfig.kernelName);
  return wasmKernelSources()
    .filter((k) => k.source === 'affnet')
    .map((k) => k.kernel);
}

function restoreNative(name: string): void {
  const native = natives.get(name);
  const current = tf.getKernel(name, 'wasm');
  if (current && current !== native) tf.unregisterKernel(name, 'wasm');
  if (native && tf.getKernel(name, 'wasm') === undefined) tf.registerKernel(native);
}

/** Removes affnet's kernels and puts back the native ones (for comparisons and tests). */
export function unregisterWasmTrainingKernels(): void {
  for (const config of [conv2dBackpropFilterConfig, conv2dBackpropInputConfig]) {
    if (tf.getKernel(config.kernelName, 'wasm')?.kernelFunc === config.kernelFunc) {
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    restoreNative(config.kernelName);
  }
}

/** Who serves each training kernel on WASM right now. */
export function wasmKernelSources(): { kernel: string; source: KernelSource }[] {
  return [conv2dBackpropFilterConfig, conv2dBackpropInputConfig].map((config) => {
    const k = tf.getKernel(config.kernelName, 'wasm');
    return { kernel: config.kernelName, source: !k ? 'missing' : k.kernelFunc === config.kernelFunc ? 'affnet' : 'native' };
  });
}
