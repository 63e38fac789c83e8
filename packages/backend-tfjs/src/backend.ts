/**
 * The TensorFlow.js {@link InferenceBackend} of core's backend contract: loads a model bundle (a
 * folder or an in-memory {@link ModelBundle}) onto an engine chosen explicitly or best-available,
 * and runs batched forward passes that return probabilities and, on request, the CAM feature map.
 * Importing this module changes nothing; `register(registry)` adds the backend to a registry.
 */
import * as tf from '@tensorflow/tfjs';
import {
  AffnetError,
  bundleGraph,
  readBundle,
  type BackendRegistry,
  type ForwardResult,
  type ImageBatch,
  type InferenceBackend,
  type LoadedModel,
  type LoadOptions,
  type ModelBundle,
  type RuntimeInfo,
} from '@affnet/core';
import { probeEngines, selectEngine, useEngine, type EngineName } from './engines/index.js';
import { buildTfModel, type TfNetwork } from './model/index.js';

export interface TfjsLoadOptions extends LoadOptions {
  /** Images per forward pass inside one `forward` call (bounds memory). @defaultValue 16 */
  maxBatch?: number;
}

/** Checks a batch against the network input; values must be finite (a NaN would give a silently wrong probability). */
export function checkBatch(batch: ImageBatch, inputSize: number, where: string): void {
  const [n, h, w, c] = batch.shape;
  if (!(n >= 1) || h !== inputSize || w !== inputSize || c !== 3) {
    throw new AffnetError('E_OPTION_INVALID', `${where}: batch shape [${batch.shape.join(', ')}] does not fit the model input [n, ${inputSize}, ${inputSize}, 3]`);
  }
  if (batch.data.length !== n * h * w * c) {
    throw new AffnetError('E_OPTION_INVALID', `${where}: batch has ${batch.data.length} values, its shape [${batch.shape.join(', ')}] needs ${n * h * w * c}`);
  }
  for (let i = 0; i < batch.data.length; i++) {
    if (!Number.isFinite(batch.data[i]!)) {
      const image = Math.floor(i / (h * w * c));
      throw new AffnetError('E_OPTION_INVALID', `${where}: image ${image} of the batch holds a non-finite value (NaN or ±Infinity) at index ${i}`);
    }
  }
}

class TfjsModel implements LoadedModel {
  private disposed = false;

  constructor(
    readonly bundle: ModelBundle,
    readonly runtime: RuntimeInfo,
    private readonly engine: EngineName,
    private readonly net: TfNetwork,
    private readonly maxBatch: number,
  ) {}

  private get where(): string {
    return `tfjs model ${this.bundle.path ?? this.bundle.manifest.architecture}`;
  }

  async forward(batch: ImageBatch, options: { features?: boolean } = {}): Promise<ForwardResult> {
    if (this.disposed) throw new AffnetError('E_OPTION_INVALID', `${this.where}: forward() after dispose()`);
    const size = this.bundle.manifest.inputSize;
    checkBatch(batch, size, this.where);
    await useEngine(this.engine); // tfjs has one current engine per process; another model may have switched it
    const [n] = batch.shape;
    const per = size * size * 3;
    const k = this.net.graph.numClasses;
    const probabilities = new Float32Array(n * k);
    let features: ForwardResult['features'];
    for (let start = 0; start < n; start += this.maxBatch) {
      const m = Math.min(this.maxBatch, n - start);
      const outs = tf.tidy(() => {
        const x = tf.tensor4d(batch.data.subarray(start * per, (start + m) * per), [m, size, size, 3]);
        const y = options.features ? (this.net.withFeatures.predict(x) as tf.Tensor[]) : [this.net.model.predict(x) as tf.Tensor];
        return y;
      });
      try {
        const p = (await outs[0]!.data()) as Float32Array;
        probabilities.set(p, start * k);
        if (options.features) {
          const f = outs[1]!;
          const [, fh, fw, fc] = f.shape as [number, number, number, number];
          features ??= { data: new Float32Array(n * fh * fw * fc), shape: [n, fh, fw, fc] };
          features.data.set((await f.data()) as Float32Array, start * fh * fw * fc);
        }
      } finally {
        tf.dispose(outs);
      }
    }
    const bad = probabilities.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new AffnetError('E_RUNTIME', `${this.where}: engine ${this.engine} gave a non-finite probability for image ${Math.floor(bad / k)}`);
    }
    return { probabilities, numClasses: k, ...(features && { features }) };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.net.model.dispose(); // the features view shares its layers
  }
}

/**
 * Loads a bundle (a folder path or one in memory) for inference.
 * @throws AffnetError E_FILE_NOT_FOUND / E_BUNDLE_INVALID (bundle), E_WEIGHTS_MISMATCH, E_OPTION_INVALID
 *   (unknown engine), E_BACKEND_UNAVAILABLE (asked engine absent and no fallback)
 */
export async function loadTfjsModel(source: ModelBundle | string, options: TfjsLoadOptions = {}): Promise<LoadedModel> {
  const bundle = typeof source === 'string' ? await readBundle(source) : source;
  const maxBatch = options.maxBatch ?? 16;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new AffnetError('E_OPTION_INVALID', `maxBatch: expected a positive integer, got ${maxBatch}`);
  const selection = await selectEngine({
    ...(options.engines && { engines: options.engines }),
    ...(options.allowFallback !== undefined && { allowFallback: options.allowFallback }),
    ...(options.threads !== undefined && { threads: options.threads }),
  });
  const net = buildTfModel(bundleGraph(bundle.manifest), { weights: bundle.weights });
  return new TfjsModel(bundle, selection.runtime, selection.engine, net, maxBatch);
}

/** The backend object (core's {@link InferenceBackend}). */
export function createTfjsBackend(): InferenceBackend {
  return {
    name: 'tfjs',
    engines: () => probeEngines(),
    load: (bundle, options) => loadTfjsModel(bundle, options),
  };
}

/** Adds the tfjs backend to a registry (no side effect on import). @defaultValue priority 10 */
export function register(registry: BackendRegistry, priority = 10): void {
  registry.register('tfjs', async () => createTfjsBackend(), priority);
}
