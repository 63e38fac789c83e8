/**
 * The backend contract. Core holds no runtime code: a backend package (TensorFlow.js, ONNX Runtime …)
 * implements these interfaces and registers itself in a {@link BackendRegistry} instance.
 * Inputs are always already preprocessed by a core pathway (decode → pathway → normalise): no
 * backend repeats preprocessing.
 */
import type { ModelBundle } from '../bundle/types.js';

/** A batch of preprocessed images, NHWC Float32. */
export interface ImageBatch {
  data: Float32Array;
  /** [batch, height, width, channels] */
  shape: [number, number, number, number];
}

/** What actually runs: the engine / execution provider as reported by the runtime itself. */
export interface RuntimeInfo {
  /** Backend package name, e.g. "tfjs" or "onnx". */
  backend: string;
  /** Engine or execution provider, e.g. "wasm", "cpu", "webgpu", "cuda". */
  engine: string;
  /** Numeric precision of the weights: fp32, fp16, int8. */
  precision: 'fp32' | 'fp16' | 'int8';
  /** Free-form details (library versions, thread count …). */
  details?: Record<string, string | number | boolean>;
}

export interface ForwardResult {
  /** [batch, numClasses] softmax probabilities, row-major. */
  probabilities: Float32Array;
  numClasses: number;
  /** The last convolutional feature map, [batch, fh, fw, channels], when requested. */
  features?: { data: Float32Array; shape: [number, number, number, number] };
}

export interface LoadedModel {
  readonly runtime: RuntimeInfo;
  readonly bundle: ModelBundle;
  /** Class probabilities; with `features: true` also the feature map for CAM. */
  forward(batch: ImageBatch, options?: { features?: boolean }): Promise<ForwardResult>;
  dispose(): Promise<void>;
}

export interface LoadOptions {
  /** Engine / provider preference in order, e.g. ["webgpu", "wasm", "cpu"]. */
  engines?: string[];
  /** Allow falling back to another engine when the requested ones are absent. Default false. */
  allowFallback?: boolean;
  threads?: number;
  [key: string]: unknown;
}

export interface InferenceBackend {
  readonly name: string;
  /** Engines this backend knows, with whether each is available here and why not. */
  engines(): Promise<EngineAvailability[]>;
  load(bundle: ModelBundle, options?: LoadOptions): Promise<LoadedModel>;
}

export interface EngineAvailability {
  engine: string;
  available: boolean;
  /** Why it is absent (shown to users). */
  reason?: string;
}
