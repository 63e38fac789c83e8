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
  checkBatch,
  checkLoadOptions,
  checkOutputFinite,
  readBundle,
  type BackendCapabilities,
  type BackendRegistry,
  type ForwardResult,
  type ImageBatch,
  type InferenceBackend,
  type LoadedModel,
  type LoadOptions,
  type ModelBundle,
  type RuntimeInfo,
} from '@affnet/core';
import { ENGINE_NAMES, probeEngines, selectEngine, useEngine, type EngineName } from './engines/index.js';
import { buildTfModel, type TfNetwork } from './model/index.js';

export interface TfjsLoadOptions extends LoadOptions {
  /** Images per forward pass inside one `forward` call (bounds memory). @defaultValue 16 */
  maxBatch?: number;
}

/** What the tfjs backend can do (core's contract): fp32 only, with the feature map for CAM. */
export const TFJS_CAPABILITIES: BackendCapabilities = {
  precisions: ['fp32'],
  features: true,
  engines: ENGINE_NAMES,
};

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
    checkBatch(batch, { inputSize: size, where: this.where, ...(this.bundle.path ? { file: this.bundle.path } : {}) });
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
    checkOutputFinite(probabilities, 'probability', `${this.where} on engine ${this.engine}`, this.bundle.path);
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
  checkLoadOptions('tfjs', TFJS_CAPABILITIES, options);
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
    capabilities: TFJS_CAPABILITIES,
    engines: () => probeEngines(),
    load: (bundle, options) => loadTfjsModel(bundle, options),
  };
}

export interface RegisterOptions {
  /** Priority of 'tfjs' in the registry (`auto` tries higher first). @defaultValue 20 */
  priority?: number;
}

/**
 * Adds the tfjs backend to a registry (no side effect on import). Every backend package exports a
 * `register(registry, options)` of this shape. `auto` may choose tfjs, on its best available engine.
 */
export function register(registry: BackendRegistry, options: RegisterOptions = {}): void {
  registry.register('tfjs', async () => createTfjsBackend(), { priority: options.priority ?? 20, capabilities: TFJS_CAPABILITIES, auto: {} });
}
