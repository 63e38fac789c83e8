/**
 * The checks every backend makes on what goes into and comes out of a model, written once so that
 * the same fault gets the same error code on every runtime:
 * - `E_BATCH_INVALID`: the batch does not fit the model (shape, value count, batch size limit);
 * - `E_INPUT_NOT_FINITE`: an input value is NaN or ±Infinity;
 * - `E_RUNTIME`: the runtime gave a NaN or ±Infinity output;
 * - `E_OPTION_INVALID`: load options the backend cannot honour (checked before any work starts).
 */
import { AffnetError } from '../errors.js';
import type { BackendCapabilities, ImageBatch, LoadOptions } from './types.js';

export interface BatchCheck {
  /** Network input side N. */
  inputSize: number;
  /** Largest batch accepted; undefined: any. */
  maxBatch?: number;
  /** What is being fed, for the message (e.g. "onnx model resnet50"). */
  where: string;
  /** File named in the error (the bundle or model file). */
  file?: string;
}

/** An NHWC batch [n, N, N, 3] of finite values. */
export function checkBatch(batch: ImageBatch, check: BatchCheck): void {
  const { inputSize: N, where } = check;
  const opts = check.file ? { file: check.file } : {};
  const [n, h, w, c] = batch.shape;
  if (!(Number.isInteger(n) && n >= 1) || h !== N || w !== N || c !== 3) {
    throw new AffnetError('E_BATCH_INVALID', `${where}: batch shape [${batch.shape.join(', ')}] does not fit the model input [n, ${N}, ${N}, 3] (NHWC)`, opts);
  }
  if (batch.data.length !== n * h * w * c) {
    throw new AffnetError('E_BATCH_INVALID', `${where}: batch has ${batch.data.length} values, its shape [${batch.shape.join(', ')}] needs ${n * h * w * c}`, opts);
  }
  if (check.maxBatch !== undefined && n > check.maxBatch) {
    throw new AffnetError('E_BATCH_INVALID', `${where}: batch of ${n} images is larger than the ${check.maxBatch} this runtime takes at once`, opts);
  }
  const data = batch.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new AffnetError('E_INPUT_NOT_FINITE', `${where}: image ${Math.floor(i / (h * w * c))} of the batch holds a non-finite value (${data[i]}) at index ${i}`, opts);
    }
  }
}

/** A runtime's output (probabilities, feature map) holds finite values only. */
export function checkOutputFinite(data: Float32Array, what: string, where: string, file?: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new AffnetError('E_RUNTIME', `${where}: the runtime gave a non-finite ${what} (${data[i]}) at index ${i}`, file ? { file } : {});
    }
  }
}

/** Load options against a backend's capabilities: an impossible request fails here, before anything is exported or loaded. */
export function checkLoadOptions(backend: string, capabilities: BackendCapabilities, options: LoadOptions): void {
  const precision = options.precision ?? 'fp32';
  if (!capabilities.precisions.includes(precision)) {
    throw new AffnetError('E_OPTION_INVALID', `${backend}: precision ${precision} is not supported (supported: ${capabilities.precisions.join(', ')})`);
  }
  if (precision === 'int8' && !options.quantization) {
    throw new AffnetError('E_OPTION_INVALID', `${backend}: precision int8 needs calibration images (quantization.calibration: preprocessed training images)`, {
      hint: { api: 'pass quantization: { calibration }', cli: 'give --manifest with training images for calibration' },
    });
  }
  for (const e of options.engines ?? []) {
    if (!capabilities.engines.includes(e)) {
      const near = capabilities.engines.find((v) => v.startsWith(e.slice(0, 3)));
      throw new AffnetError('E_OPTION_INVALID', `${backend}: engines: unknown value "${e}".${near ? ` Did you mean "${near}"?` : ''} Available: ${capabilities.engines.join(', ')}`);
    }
  }
}
