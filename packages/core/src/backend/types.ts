/**
 * The backend contract. Core holds no runtime code: a backend package (TensorFlow.js, ONNX Runtime …)
 * implements these interfaces and registers itself in a {@link BackendRegistry} instance.
 * Inputs are always already preprocessed by a core pathway (decode → pathway → normalise): no
 * backend repeats preprocessing.
 */
import type { ModelBundle } from '../bundle/types.js';
import type { NormalisationName } from '../bundle/types.js';
import type { Precision } from './runtime-spec.js';

export type { Precision } from './runtime-spec.js';

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
  precision: Precision;
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

/** int8 quantisation of a model at load time (backends with int8 in their capabilities). */
export interface QuantizationOptions {
  /** Preprocessed training images (NHWC, as core's pathway gives them) that calibrate the activation ranges. */
  calibration: ImageBatch[];
  /** @defaultValue 'percentile' */
  method?: 'minmax' | 'percentile';
  /** @defaultValue 99.99 */
  percentile?: number;
  /** Weight range: 7 bits (exact on every x86 int8 kernel) or 8. @defaultValue 7 */
  weightBits?: 7 | 8;
}

/** Options every backend's `load` takes; a backend may accept more (its own options type extends this). */
export interface LoadOptions {
  /** Engine / provider preference in order, e.g. ["webgpu", "wasm", "cpu"]. */
  engines?: string[];
  /** Allow falling back to another engine when the requested ones are absent. Default false. */
  allowFallback?: boolean;
  threads?: number;
  /** @defaultValue 'fp32' (must be one of the backend's `capabilities.precisions`) */
  precision?: Precision;
  /** Needed for `precision: 'int8'`. */
  quantization?: QuantizationOptions;
}

/** What a backend can do, known without loading a model: lets callers refuse an impossible request before any work starts. */
export interface BackendCapabilities {
  /** Precisions `load` accepts. */
  precisions: readonly Precision[];
  /** Whether `forward(batch, { features: true })` returns the last feature map (CAM, frozen-trunk features). */
  features: boolean;
  /** Engines the backend knows, best first (whether each is available here: `engines()`). */
  engines: readonly string[];
  /** Largest batch one `forward` call accepts; undefined: any (the model splits internally). */
  maxBatch?: number;
  /** Several `forward` calls may run at once on one loaded model (e.g. ONNX Runtime sessions). @defaultValue false */
  concurrent?: boolean;
  /** Input normalisations a model on this backend can take; undefined: any. */
  normalisations?: readonly NormalisationName[];
}

export interface InferenceBackend {
  readonly name: string;
  readonly capabilities: BackendCapabilities;
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
