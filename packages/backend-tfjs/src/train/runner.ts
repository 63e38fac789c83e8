/**
 * Internal: one epoch of training and one pass of validation on images (modes `full` and
 * `top-blocks`). Frozen layers run outside the gradient tape in inference mode; the trained layers
 * run on the tape in training mode.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, rocAuc, type LabelledImages } from '@affnet/core';
import type { TfNetwork } from '../model/index.js';
import type { ResolvedConfig } from './config.js';
import { chunk, deriveSeed, epochOrder, loadBatch, STREAM } from './data.js';
import { runNodes, type GraphSplit } from './forward.js';
import { countCorrect, EPSILON, weightedCrossEntropy } from './loss.js';

export interface EpochStats {
  loss: number;
  accuracy: number;
}
export interface EvalStats extends EpochStats {
  auc: number;
}

/** What the trainer needs from a mode. */
export interface Runner {
  trainEpoch(epoch: number, onBatch: (done: number, total: number, loss: number) => void): Promise<EpochStats>;
  evaluate(onBatch: (done: number, total: number) => void): Promise<EvalStats>;
  dispose(): void;
}

export interface RunnerContext<S> {
  net: TfNetwork;
  split: GraphSplit;
  variables: tf.Variable[];
  optimizer: tf.Optimizer;
  config: ResolvedConfig;
  classWeights: number[];
  train: LabelledImages<S>;
  validation?: LabelledImages<S>;
  /** Added to the loss (L2 on the classifier kernel), or undefined. */
  penalty?: () => tf.Scalar;
}

/** One optimisation step: returns the batch loss and the number of correct predictions. */
export function trainStep(
  ctx: Pick<RunnerContext<unknown>, 'net' | 'split' | 'variables' | 'optimizer' | 'classWeights' | 'penalty'>,
  known: Map<string, tf.Tensor>,
  labels: number[],
): { loss: number; correct: number } {
  let probabilities: tf.Tensor2D | undefined;
  const cost = ctx.optimizer.minimize(
    () => {
      const acts = runNodes(ctx.net, ctx.split.trained, known, true);
      const p = acts.get(ctx.net.graph.outputs.probabilities) as tf.Tensor2D;
      probabilities = tf.keep(p);
      const loss = weightedCrossEntropy(p, labels, ctx.classWeights);
      return ctx.penalty ? tf.add(loss, ctx.penalty()) : loss;
    },
    true,
    ctx.variables,
  );
  const loss = cost!.dataSync()[0]!;
  const correct = countCorrect(probabilities!.dataSync(), ctx.net.graph.numClasses, labels);
  tf.dispose([cost!, probabilities!]);
  return { loss, correct };
}

/** Validation statistics from probabilities: unweighted loss (as Keras), accuracy, AUC of the positive class. */
export function evalStats(probabilities: Float32Array, labels: readonly number[], k: number, positive: number): EvalStats {
  let loss = 0;
  labels.forEach((l, i) => (loss -= Math.log(Math.min(Math.max(probabilities[i * k + l]!, EPSILON), 1 - EPSILON))));
  const scores = labels.map((_, i) => probabilities[i * k + positive]!);
  const targets = labels.map((l) => (l === positive ? 1 : 0));
  return {
    loss: loss / labels.length,
    accuracy: countCorrect(probabilities, k, labels) / labels.length,
    auc: rocAuc(targets, scores, { onWarning: () => {} }), // one class: NaN, reported as such
  };
}

const VALIDATION_CACHE_BYTES = 1 << 30;

export class ImageRunner<S> implements Runner {
  private valCache?: { data: Float32Array; shape: [number, number, number, number]; labels: number[] }[];

  constructor(private readonly ctx: RunnerContext<S>) {}

  /** Inputs of the trained part: the frozen part run in inference mode, outside the tape. */
  private boundary(x: tf.Tensor4D): Map<string, tf.Tensor> {
    const { net, split } = this.ctx;
    const inputName = net.graph.nodes[0]!.name;
    if (split.frozen.every((n) => n.op === 'input')) return new Map([[inputName, x]]);
    // tidy keeps the tensors it returns in arrays (not in Maps), and disposes the rest.
    const kept = tf.tidy(() => {
      const acts = runNodes(net, split.frozen, new Map([[inputName, x]]), false);
      return split.boundary.map((b) => acts.get(b)!);
    });
    return new Map(split.boundary.map((b, i) => [b, kept[i]!]));
  }

  async trainEpoch(epoch: number, onBatch: (done: number, total: number, loss: number) => void): Promise<EpochStats> {
    const { config, train } = this.ctx;
    const batches = chunk(epochOrder(config.seed, epoch, train.samples.length), config.batchSize);
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    for (const [b, indices] of batches.entries()) {
      const batch = await loadBatch(train, 'train', indices, config.inputSize, {
        epoch,
        draw: 0,
        augment: config.augment,
        rng: (i) => createRng(deriveSeed(config.seed, STREAM.augment, epoch, i)),
      });
      const x = tf.tensor4d(batch.data, batch.shape);
      const known = this.boundary(x);
      const step = trainStep(this.ctx, known, batch.labels);
      tf.dispose([x, ...known.values()]);
      lossSum += step.loss * indices.length;
      correct += step.correct;
      seen += indices.length;
      onBatch(b + 1, batches.length, lossSum / seen);
      await new Promise((r) => setImmediate(r)); // let signals and progress output through
    }
    return { loss: lossSum / seen, accuracy: correct / seen };
  }

  async evaluate(onBatch: (done: number, total: number) => void): Promise<EvalStats> {
    const { config, validation, net } = this.ctx;
    if (!validation) throw new Error('internal: evaluate without a validation set');
    const batches = this.valCache ?? (await this.loadValidation(validation));
    const k = net.graph.numClasses;
    const probs = new Float32Array(validation.samples.length * k);
    let offset = 0;
    for (const [b, batch] of batches.entries()) {
      const p = tf.tidy(() => net.model.predict(tf.tensor4d(batch.data, batch.shape)) as tf.Tensor);
      probs.set(p.dataSync(), offset);
      offset += p.size;
      p.dispose();
      onBatch(b + 1, batches.length);
    }
    return evalStats(
      probs,
      batches.flatMap((b) => b.labels),
      k,
      config.labels.indexOf(config.positiveLabel),
    );
  }

  private async loadValidation(validation: LabelledImages<S>) {
    const { config } = this.ctx;
    const indices = chunk(
      Array.from({ length: validation.samples.length }, (_, i) => i),
      config.batchSize,
    );
    const out = [];
    for (const idx of indices) {
      out.push(await loadBatch(validation, 'validation', idx, config.inputSize, { epoch: 0, draw: 0, augment: false, rng: () => createRng(0) }));
    }
    // Validation images are fixed: keep them unless they are large.
    if (validation.samples.length * config.inputSize ** 2 * 3 * 4 <= VALIDATION_CACHE_BYTES) this.valCache = out;
    return out;
  }

  dispose(): void {
    this.valCache = undefined;
  }
}
