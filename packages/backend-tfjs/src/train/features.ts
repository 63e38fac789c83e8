/**
 * Internal: the `frozen-trunk` mode. The trunk (everything up to global average pooling) runs once
 * per image in inference mode — once per augmentation draw when augmenting — and only the dense head
 * trains, on the cached pooled features. An epoch then costs a few small matrix products, so this
 * mode is practical on a CPU.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, type LabelledImages, type TrainProgress } from '@affnet/core';
import { chunk, deriveSeed, epochOrder, loadBatch, STREAM } from './data.js';
import { runNodes } from './forward.js';
import { evalStats, trainStep, type EpochStats, type EvalStats, type Runner, type RunnerContext } from './runner.js';

/** Pooled features of every sample of a source: [draw][sample] → Float32Array(channels). */
async function poolFeatures<S>(
  ctx: RunnerContext<S>,
  source: LabelledImages<S>,
  name: string,
  draws: number,
  augment: boolean,
  onProgress: (done: number, total: number) => void,
): Promise<Float32Array[][]> {
  const { net, split, config } = ctx;
  const pooled = split.boundary[0]!;
  const inputName = net.graph.nodes[0]!.name;
  const batches = chunk(Array.from({ length: source.samples.length }, (_, i) => i), config.batchSize);
  const out: Float32Array[][] = [];
  let done = 0;
  for (let draw = 0; draw < draws; draw++) {
    const rows: Float32Array[] = [];
    for (const indices of batches) {
      const batch = await loadBatch(source, name, indices, config.inputSize, {
        epoch: -1,
        draw,
        augment,
        rng: (i) => createRng(deriveSeed(config.seed, STREAM.featureDraw, draw, i)),
      });
      const f = tf.tidy(() => runNodes(net, split.frozen, new Map([[inputName, tf.tensor4d(batch.data, batch.shape)]]), false).get(pooled)!);
      const values = f.dataSync() as Float32Array;
      const c = f.shape[1]!;
      f.dispose();
      indices.forEach((_, k) => rows.push(values.slice(k * c, (k + 1) * c)));
      done += indices.length;
      onProgress(done, draws * source.samples.length);
      await new Promise((r) => setImmediate(r));
    }
    out.push(rows);
  }
  return out;
}

export class FeatureRunner<S> implements Runner {
  private constructor(
    private readonly ctx: RunnerContext<S>,
    private readonly trainFeatures: Float32Array[][],
    private readonly valFeatures: Float32Array[] | undefined,
  ) {}

  static async create<S>(ctx: RunnerContext<S>, onProgress: (p: TrainProgress) => void): Promise<FeatureRunner<S>> {
    const { config } = ctx;
    const total = (config.augment ? config.augmentDraws : 1) * ctx.train.samples.length + (ctx.validation?.samples.length ?? 0);
    let base = 0;
    const report = (done: number) => onProgress({ phase: 'features', epoch: 0, epochs: config.epochs, done: base + done, total });
    const train = await poolFeatures(ctx, ctx.train, 'train', config.augment ? config.augmentDraws : 1, config.augment, report);
    base = train.length * ctx.train.samples.length;
    const val = ctx.validation ? (await poolFeatures(ctx, ctx.validation, 'validation', 1, false, report))[0] : undefined;
    return new FeatureRunner(ctx, train, val);
  }

  private matrix(rows: readonly Float32Array[]): tf.Tensor2D {
    const c = rows[0]!.length;
    const data = new Float32Array(rows.length * c);
    rows.forEach((r, i) => data.set(r, i * c));
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
      const step = trainStep(this.ctx, new Map([[split.boundary[0]!, x]]), indices.map((i) => train.labels[i]!));
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
