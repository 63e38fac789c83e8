/**
 * Internal: the `frozen-trunk` mode. The trunk (everything up to global average pooling) runs once
 * per image in inference mode — once per augmentation draw when augmenting — and only the dense head
 * trains, on the cached pooled features. An epoch then costs a few small matrix products, so this
 * mode is practical on a CPU.
 *
 * The trunk can run on another backend (`TrainOptions.trunk`, e.g. ONNX Runtime: its feature map,
 * globally average-pooled, is exactly the head's input), and pooled features can be kept in a
 * `FeatureCache` shared between trainings (the folds of a cross-validation see each image four times
 * as a training image and once as a test image). Cache keys hold a hash of the trunk's weights, so a
 * cache never hands out features of other weights.
 *
 * With `standardiseFeatures` the head trains on features standardised with the training set's
 * per-channel mean and SD; the scaling is folded into the dense weights whenever weights leave the
 * runner, so every saved network is still GAP → dense with exact CAMs.
 */
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { AffnetError, createRng, featureCacheKey, globalAveragePool, type FeatureCache, type LabelledImages, type LoadedModel, type TrainProgress, type WeightMap } from '@affnet/core';
import { chunk, deriveSeed, epochOrder, loadBatch, STREAM } from './data.js';
import { runNodes } from './forward.js';
import { evalStats, trainStep, type EpochStats, type EvalStats, type Runner, type RunnerContext } from './runner.js';

/** The head's trained variables and standardisation, saved in a checkpoint to resume exactly. */
export interface HeadState {
  mean: number[];
  sd: number[];
  kernel: number[];
  bias: number[];
}

export interface FeatureOptions {
  trunk?: LoadedModel;
  cache?: FeatureCache;
  /** Seed of the augmentation draws of keyed sources. */
  augmentSeed: number;
  standardise: boolean;
  /** The weights the run starts from (trunk identity; the head to unfold for a fresh run). */
  start: WeightMap;
  /** A resumed run's exact head variables. */
  resumeHead?: HeadState;
}

/** 32-bit FNV-1a of a string: the sample part of an augmentation seed path. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Identity of a trunk: architecture, input size and the SHA-256 of its frozen weights. */
function trunkIdentity<S>(ctx: RunnerContext<S>, weights: WeightMap): string {
  const hash = createHash('sha256');
  const names = ctx.split.frozen.flatMap((n) => [...weights.keys()].filter((k) => k.startsWith(`${n.name}/`))).sort();
  for (const name of names) {
    const t = weights.get(name)!;
    hash.update(`${name}:${t.shape.join('x')};`);
    hash.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  return `${ctx.config.architecture}@${ctx.config.inputSize}:${hash.digest('hex').slice(0, 32)}`;
}

/** Refuses a trunk model whose weights are not the run's starting weights (layer by layer). */
function checkTrunk<S>(ctx: RunnerContext<S>, trunk: LoadedModel, start: WeightMap): void {
  const m = trunk.bundle.manifest;
  if (m.architecture !== ctx.config.architecture || m.inputSize !== ctx.config.inputSize) {
    throw new AffnetError('E_OPTION_INVALID', `trunk: the trunk model is ${m.architecture} at ${m.inputSize} px but the run trains ${ctx.config.architecture} at ${ctx.config.inputSize} px`);
  }
  const differing: string[] = [];
  for (const node of ctx.split.frozen) {
    for (const [name, t] of start) {
      if (!name.startsWith(`${node.name}/`)) continue;
      const other = trunk.bundle.weights.get(name);
      if (!other || other.data.length !== t.data.length || other.data.some((v, i) => v !== t.data[i])) differing.push(name);
    }
  }
  if (differing.length > 0) {
    throw new AffnetError(
      'E_OPTION_INVALID',
      `trunk: the trunk model's weights differ from the starting weights in ${differing.length} tensor(s) (${differing.slice(0, 5).join(', ')}${differing.length > 5 ? ', …' : ''}); load the trunk from the starting bundle`,
    );
  }
}

/** Pooled features of every sample of a source: [draw][sample] → Float32Array(channels). */
async function poolFeatures<S>(
  ctx: RunnerContext<S>,
  options: FeatureOptions & { trunkId: string },
  source: LabelledImages<S>,
  name: string,
  draws: number,
  augment: boolean,
  onProgress: (done: number, total: number) => void,
): Promise<Float32Array[][]> {
  const { net, split, config } = ctx;
  const pooled = split.boundary[0]!;
  const inputName = net.graph.nodes[0]!.name;
  const cache = source.key ? options.cache : undefined;
  const keyOf = (draw: number, i: number): string | undefined =>
    source.key ? featureCacheKey(options.trunkId, augment ? { seed: options.augmentSeed, index: draw } : undefined, source.key(source.samples[i] as S, i)) : undefined;
  const out: Float32Array[][] = [];
  let done = 0;
  for (let draw = 0; draw < draws; draw++) {
    const rows: Float32Array[] = new Array(source.samples.length);
    const todo: number[] = [];
    for (let i = 0; i < source.samples.length; i++) {
      const hit = cache?.get(keyOf(draw, i)!);
      if (hit) rows[i] = hit;
      else todo.push(i);
    }
    done += source.samples.length - todo.length;
    for (const indices of chunk(todo, config.batchSize)) {
      const batch = await loadBatch(source, name, indices, config.inputSize, {
        epoch: -1,
        draw,
        augment,
        // Keyed samples draw from their own key, so a draw is the same in every training (cacheable).
        rng: (i) =>
          createRng(source.key ? deriveSeed(options.augmentSeed, STREAM.featureDraw, draw, fnv1a(source.key(source.samples[i] as S, i))) : deriveSeed(config.seed, STREAM.featureDraw, draw, i)),
      });
      let features: Float32Array[];
      if (options.trunk) {
        const result = await options.trunk.forward({ data: batch.data, shape: batch.shape }, { features: true });
        if (!result.features) throw new AffnetError('E_RUNTIME', `trunk: the ${options.trunk.runtime.backend} model returned no feature map`);
        features = globalAveragePool(result.features);
      } else {
        const f = tf.tidy(() => runNodes(net, split.frozen, new Map([[inputName, tf.tensor4d(batch.data, batch.shape)]]), false).get(pooled)!);
        const values = f.dataSync() as Float32Array;
        const c = f.shape[1]!;
        f.dispose();
        features = indices.map((_, k) => values.slice(k * c, (k + 1) * c));
      }
      indices.forEach((i, k) => {
        rows[i] = features[k]!;
        cache?.set(keyOf(draw, i)!, features[k]!);
      });
      done += indices.length;
      onProgress(done, draws * source.samples.length);
      await new Promise((r) => setImmediate(r));
    }
    out.push(rows);
  }
  return out;
}

export class FeatureRunner<S> implements Runner {
  private readonly kernelKey: string;
  private readonly biasKey: string;

  private constructor(
    private readonly ctx: RunnerContext<S>,
    private readonly trainFeatures: Float32Array[][],
    private readonly valFeatures: Float32Array[] | undefined,
    /** Per-channel mean and SD of the training features (standardisation), or undefined. */
    private readonly scale: { mean: Float32Array; sd: Float32Array } | undefined,
  ) {
    const classifier = ctx.net.graph.outputs.classifier;
    this.kernelKey = `${classifier}/kernel`;
    this.biasKey = `${classifier}/bias`;
  }

  static async create<S>(ctx: RunnerContext<S>, options: FeatureOptions, onProgress: (p: TrainProgress) => void): Promise<FeatureRunner<S>> {
    const { config } = ctx;
    if (options.trunk) checkTrunk(ctx, options.trunk, options.start);
    const trunkId = options.cache ? trunkIdentity(ctx, options.start) : 'uncached';
    const opts = { ...options, trunkId };
    const total = (config.augment ? config.augmentDraws : 1) * ctx.train.samples.length + (ctx.validation?.samples.length ?? 0);
    let base = 0;
    const report = (done: number) => onProgress({ phase: 'features', epoch: 0, epochs: config.epochs, done: base + done, total });
    const train = await poolFeatures(ctx, opts, ctx.train, 'train', config.augment ? config.augmentDraws : 1, config.augment, report);
    base = train.length * ctx.train.samples.length;
    const val = ctx.validation ? (await poolFeatures(ctx, opts, ctx.validation, 'validation', 1, false, report))[0] : undefined;
    const scale = options.standardise ? standardisation(train.flat()) : undefined;
    const runner = new FeatureRunner(ctx, train, val, scale);
    if (scale) runner.setHead(options.resumeHead ?? runner.unfold(options.start));
    return runner;
  }

  private variable(key: string): tf.Variable {
    const classifier = this.ctx.net.graph.outputs.classifier;
    const layer = this.ctx.net.model.getLayer(classifier);
    const w = layer.trainableWeights.find((v) => `${classifier}/${v.originalName.split('/').at(-1)}` === key);
    if (!w) throw new Error(`internal: ${key} is not a trainable weight`);
    return w.read() as tf.Variable;
  }

  /** Head variables in standardised units from folded weights (the inverse of {@link foldWeights}). */
  private unfold(weights: WeightMap): HeadState {
    const { mean, sd } = this.scale!;
    const kernel = weights.get(this.kernelKey)!.data;
    const bias = weights.get(this.biasKey)!.data;
    const c = mean.length;
    const k = bias.length;
    const kOut = new Array<number>(c * k);
    const bOut = Array.from(bias);
    for (let i = 0; i < c; i++) {
      for (let j = 0; j < k; j++) {
        kOut[i * k + j] = kernel[i * k + j]! * sd[i]!;
        bOut[j] += kernel[i * k + j]! * mean[i]!;
      }
    }
    return { mean: Array.from(mean), sd: Array.from(sd), kernel: kOut, bias: bOut };
  }

  private setHead(head: HeadState): void {
    const c = this.scale!.mean.length;
    const k = head.bias.length;
    this.variable(this.kernelKey).assign(tf.tensor2d(head.kernel, [c, k]));
    this.variable(this.biasKey).assign(tf.tensor1d(head.bias));
  }

  /** The exact head variables (standardised units) and standardisation, for a checkpoint. */
  headState(): HeadState | undefined {
    if (!this.scale) return undefined;
    return {
      mean: Array.from(this.scale.mean),
      sd: Array.from(this.scale.sd),
      kernel: Array.from(this.variable(this.kernelKey).dataSync()),
      bias: Array.from(this.variable(this.biasKey).dataSync()),
    };
  }

  /**
   * Network weights as they leave the runner: with standardisation the head is folded back to raw
   * features — kernel[c][j] / sd[c], bias[j] − Σ_c mean[c]·kernel[c][j] / sd[c] — so GAP → dense on
   * the trunk's own features gives the same logits.
   */
  foldWeights(weights: WeightMap): WeightMap {
    if (!this.scale) return weights;
    const { mean, sd } = this.scale;
    const kernel = weights.get(this.kernelKey)!;
    const bias = weights.get(this.biasKey)!;
    const c = mean.length;
    const k = bias.data.length;
    const kOut = new Float32Array(c * k);
    const bOut = Float64Array.from(bias.data);
    for (let i = 0; i < c; i++) {
      for (let j = 0; j < k; j++) {
        const w = kernel.data[i * k + j]! / sd[i]!;
        kOut[i * k + j] = w;
        bOut[j]! -= mean[i]! * w;
      }
    }
    const out = new Map(weights);
    out.set(this.kernelKey, { ...kernel, data: kOut });
    out.set(this.biasKey, { ...bias, data: Float32Array.from(bOut) });
    return out;
  }

  private matrix(rows: readonly Float32Array[]): tf.Tensor2D {
    const c = rows[0]!.length;
    const data = new Float32Array(rows.length * c);
    rows.forEach((r, i) => data.set(r, i * c));
    if (this.scale) {
      const { mean, sd } = this.scale;
      for (let i = 0; i < data.length; i++) data[i] = (data[i]! - mean[i % c]!) / sd[i % c]!;
    }
    return tf.tensor2d(data, [rows.length, c]);
  }

  async trainEpoch(epoch: number, onBatch: (done: number, total: number, loss: number) => void): Promise<EpochStats> {
    const { config, train, split } = this.ctx;
    // Draws are used in turn, one per epoch, so each epoch sees one augmented version of every image.
    const features = this.trainFeatures[epoch % this.trainFeatures.length]!;
    const batches = chunk(epochOrder(config.seed, epoch, train.samples.length), config.batchSize);
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    for (const [b, indices] of batches.entries()) {
      const x = this.matrix(indices.map((i) => features[i]!));
      const step = trainStep(
        this.ctx,
        new Map([[split.boundary[0]!, x]]),
        indices.map((i) => train.labels[i]!),
      );
      x.dispose();
      lossSum += step.loss * indices.length;
      correct += step.correct;
      seen += indices.length;
      onBatch(b + 1, batches.length, lossSum / seen);
    }
    await new Promise((r) => setImmediate(r));
    return { loss: lossSum / seen, accuracy: correct / seen };
  }

  async evaluate(onBatch: (done: number, total: number) => void): Promise<EvalStats> {
    const { validation, net, split, config } = this.ctx;
    if (!validation || !this.valFeatures) throw new Error('internal: evaluate without a validation set');
    const probs = tf.tidy(() => {
      const acts = runNodes(net, split.trained, new Map([[split.boundary[0]!, this.matrix(this.valFeatures!)]]), false);
      return acts.get(net.graph.outputs.probabilities)!;
    });
    const values = probs.dataSync() as Float32Array;
    probs.dispose();
    onBatch(1, 1);
    return evalStats(values, validation.labels, net.graph.numClasses, config.labels.indexOf(config.positiveLabel));
  }

  dispose(): void {}
}

/** Per-channel mean and SD (population) of feature rows; a constant channel gets SD 1. */
export function standardisation(rows: readonly Float32Array[]): { mean: Float32Array; sd: Float32Array } {
  const c = rows[0]!.length;
  const mean = new Float64Array(c);
  const sq = new Float64Array(c);
  for (const r of rows) for (let i = 0; i < c; i++) mean[i] += r[i]!;
  for (let i = 0; i < c; i++) mean[i]! /= rows.length;
  for (const r of rows) for (let i = 0; i < c; i++) sq[i] += (r[i]! - mean[i]!) ** 2;
  const sd = Float32Array.from(sq, (s) => {
    const v = Math.sqrt(s / rows.length);
    return v > 1e-6 ? v : 1;
  });
  return { mean: Float32Array.from(mean), sd };
}
