/**
 * The TensorFlow.js implementation of core's {@link Trainer}: the reference study's presets, three
 * modes (full fine-tuning, frozen trunk with cached features, top-K blocks), class weights, early
 * stopping on the validation loss, a checkpoint per epoch with resume, per-epoch history and
 * progress, all seeded.
 */
import { readdir, rm } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import {
  AffnetError,
  buildNetwork,
  createBundleManifest,
  initWeights,
  parseBundleManifest,
  runtimeId,
  type EpochRecord,
  type GraphNode,
  type ModelBundle,
  type NetworkGraph,
  type Trainer,
  type TrainOptions,
  type TrainResult,
  type WeightMap,
} from '@affnet/core';
import { selectEngine, type EngineOptions } from '../engines/index.js';
import { buildTfModel, getWeights } from '../model/index.js';
import { checkFingerprint, CHECKPOINT_INDEX, OPTIMIZER_FILE, readCheckpoint, writeCheckpoint, type Checkpoint, type RunFingerprint, type TrainingState } from './checkpoint.js';
import { resolveTrainConfig, type ResolvedConfig } from './config.js';
import { checkSource } from './data.js';
import { FeatureRunner } from './features.js';
import { splitGraph, trainableVariables, type GraphSplit } from './forward.js';
import { resolveClassWeights } from './loss.js';
import { makeOptimizer, restoreOptimizerState, saveOptimizerState } from './optimizer.js';
import { ImageRunner, type Runner } from './runner.js';

/** Which layers train in each mode. */
export function splitForMode(graph: NetworkGraph, config: Pick<ResolvedConfig, 'mode' | 'topBlocks'>): GraphSplit {
  switch (config.mode) {
    case 'full':
      return splitGraph(graph, () => true);
    case 'frozen-trunk': {
      const head = graph.nodes.find((n) => n.name === graph.outputs.classifier);
      const pooled = head && head.op === 'dense' ? graph.nodes.find((n) => n.name === head.input) : undefined;
      if (pooled?.op !== 'gap') {
        throw new AffnetError('E_OPTION_INVALID', `mode frozen-trunk: ${graph.architecture}'s classifier does not read global average pooling`);
      }
      return splitGraph(graph, (n: GraphNode) => n.name === graph.outputs.classifier);
    }
    case 'top-blocks': {
      if (config.topBlocks > graph.blocks.length) {
        throw new AffnetError('E_OPTION_INVALID', `topBlocks: ${config.topBlocks} is more than ${graph.architecture}'s ${graph.blocks.length} blocks (${graph.blocks.join(', ')})`);
      }
      const trained = new Set(graph.blocks.slice(-config.topBlocks));
      return splitGraph(graph, (n: GraphNode) => trained.has(n.block));
    }
  }
}

function fingerprint(config: ResolvedConfig, trainCount: number): RunFingerprint {
  return {
    architecture: config.architecture,
    inputSize: config.inputSize,
    mode: config.mode,
    topBlocks: config.topBlocks,
    batchSize: config.batchSize,
    optimizer: config.optimizer,
    learningRate: config.learningRate,
    seed: config.seed,
    augment: config.augment,
    augmentDraws: config.augmentDraws,
    augmentSeed: config.augmentSeed,
    standardiseFeatures: config.standardiseFeatures,
    l2: config.l2,
    trainSamples: trainCount,
  };
}

async function clearCheckpoints(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (name === CHECKPOINT_INDEX || /^(best-)?epoch-\d+$/.test(name)) await rm(join(dir, name), { recursive: true, force: true });
  }
}

/** Trains a network on the current engine (see {@link createTfjsTrainer}). */
export async function trainTfjs<S>(options: TrainOptions<S>): Promise<TrainResult> {
  const config = resolveTrainConfig(options as TrainOptions<unknown>);
  const graph = buildNetwork(config.architecture, { inputSize: config.inputSize, numClasses: config.labels.length });
  checkSource(options.train, 'train', graph.numClasses);
  if (options.validation) checkSource(options.validation, 'validation', graph.numClasses);
  const classWeights = resolveClassWeights(options.classWeights, options.train.labels, graph.numClasses);
  const split = splitForMode(graph, config);
  const engine = await selectEngine((options.backendOptions ?? {}) as EngineOptions);
  const print = fingerprint(config, options.train.samples.length);

  let checkpoint: Checkpoint | undefined;
  if (config.checkpointDir) {
    if (config.resume) checkpoint = await readCheckpoint(config.checkpointDir);
    else await clearCheckpoints(config.checkpointDir);
    if (checkpoint) checkFingerprint(checkpoint.state.fingerprint, print, config.checkpointDir);
  }
  const start: WeightMap = checkpoint?.bundle.weights ?? options.bundle?.weights ?? initWeights(graph, config.initSeed);
  const net = buildTfModel(graph, { weights: start });
  const variables = trainableVariables(net, split.trained);
  const optimizer = makeOptimizer(config.optimizer, config.learningRate);
  let runner: Runner | undefined;
  let features: FeatureRunner<S> | undefined;
  try {
    if (checkpoint) {
      const file = join(checkpoint.bundle.path ?? config.checkpointDir!, OPTIMIZER_FILE);
      await restoreOptimizerState(optimizer, config.optimizer, variables, checkpoint.optimizer, checkpoint.state.optimizer, file);
    }
    const state: TrainingState = checkpoint?.state ?? {
      format: 'affnet-training-state',
      version: 1,
      epoch: 0,
      history: [],
      optimizer: { optimizer: config.optimizer, slots: [] },
      rng: { seed: config.seed, scheme: 'derived-per-epoch', nextEpoch: 0 },
      bestEpoch: 0,
      ...(config.earlyStopping && { earlyStopping: { bestLoss: Number.POSITIVE_INFINITY, wait: 0 } }),
      fingerprint: print,
    };
    let best: WeightMap | undefined = checkpoint?.best?.weights;
    const resumedFrom = state.epoch;
    const progress = options.onProgress ?? (() => {});
    const classifierKernel = variables.find((v) => v.key === `${graph.outputs.classifier}/kernel`)?.variable;
    const penalty = config.l2 > 0 && classifierKernel ? () => tf.mul(config.l2, tf.sum(tf.square(classifierKernel))) as tf.Scalar : undefined;
    const ctx = { net, split, variables: variables.map((v) => v.variable), optimizer, config, classWeights, train: options.train, validation: options.validation, ...(penalty && { penalty }) };
    if (config.mode === 'frozen-trunk') {
      features = await FeatureRunner.create(
        ctx,
        {
          ...(options.trunk && { trunk: options.trunk }),
          ...(options.featureCache && { cache: options.featureCache }),
          augmentSeed: config.augmentSeed,
          standardise: config.standardiseFeatures,
          start,
          ...(checkpoint?.state.head && { resumeHead: checkpoint.state.head }),
        },
        progress,
      );
      runner = features;
    } else runner = new ImageRunner(ctx);
    /** The network's weights as saved (a standardised head folded back). */
    const currentWeights = (): WeightMap => (features ? features.foldWeights(getWeights(net.model)) : getWeights(net.model));
    const es = config.earlyStopping;
    let stopReason: TrainResult['stopReason'] = state.earlyStopped ? 'early-stopping' : 'completed';

    while (stopReason === 'completed' && state.epoch < config.epochs) {
      const epoch = state.epoch; // zero-based index of the epoch being run
      const started = performance.now();
      const fit = await runner.trainEpoch(epoch, (done, total, loss) => progress({ phase: 'train', epoch: epoch + 1, epochs: config.epochs, done, total, loss }));
      const record: EpochRecord = { epoch: epoch + 1, loss: fit.loss, accuracy: fit.accuracy, seconds: 0 };
      if (options.validation) {
        const val = await runner.evaluate((done, total) => progress({ phase: 'validate', epoch: epoch + 1, epochs: config.epochs, done, total }));
        Object.assign(record, { valLoss: val.loss, valAccuracy: val.accuracy, valAuc: val.auc });
      }
      record.seconds = (performance.now() - started) / 1000;
      state.history.push(record);
      state.epoch = epoch + 1;
      state.rng.nextEpoch = epoch + 1;
      if (es) {
        const s = state.earlyStopping!;
        // Keras EarlyStopping: an improvement resets the count; `patience` epochs without one stop.
        if (record.valLoss! < s.bestLoss - es.minDelta) {
          Object.assign(s, { bestLoss: record.valLoss!, wait: 0 });
          state.bestEpoch = epoch + 1;
          if (es.restoreBest) best = currentWeights();
        } else if (++s.wait >= es.patience) {
          stopReason = 'early-stopping';
          state.earlyStopped = true;
        }
      } else state.bestEpoch = epoch + 1;
      if (config.checkpointDir) {
        progress({ phase: 'checkpoint', epoch: epoch + 1, epochs: config.epochs, done: 0, total: 1 });
        const saved = await saveOptimizerState(optimizer, config.optimizer, variables);
        state.optimizer = saved.index;
        const head = features?.headState();
        if (head) state.head = head;
        await writeCheckpoint(config.checkpointDir, {
          state,
          bundle: makeBundle(config, currentWeights(), { epochsRun: state.epoch }),
          optimizer: saved.tensors,
          ...(best && es?.restoreBest && { best: makeBundle(config, best, { epochsRun: state.bestEpoch }) }),
        });
      }
      progress({ phase: 'epoch', epoch: epoch + 1, epochs: config.epochs, done: 1, total: 1, record });
      if (stopReason === 'completed' && options.signal?.aborted && state.epoch < config.epochs) stopReason = 'aborted';
    }

    const useBest = Boolean(es?.restoreBest && best);
    const history = state.history;
    const last = history.at(-1);
    const bestEpoch = useBest ? state.bestEpoch : state.epoch;
    const chosen = useBest ? history[bestEpoch - 1] : last;
    const metrics: Record<string, number> = {};
    if (chosen?.valAuc !== undefined && Number.isFinite(chosen.valAuc)) metrics.valAuc = chosen.valAuc;
    if (chosen?.valAccuracy !== undefined) metrics.valAccuracy = chosen.valAccuracy;
    if (chosen?.valLoss !== undefined) metrics.valLoss = chosen.valLoss;
    const bundle = makeBundle(
      config,
      useBest ? best! : currentWeights(),
      {
        backend: 'tfjs',
        engine: engine.engine,
        mode: config.mode,
        ...(config.mode === 'top-blocks' && { topBlocks: config.topBlocks }),
        optimizer: config.optimizer,
        learningRate: config.learningRate,
        batchSize: config.batchSize,
        epochs: config.epochs,
        epochsRun: state.epoch,
        bestEpoch,
        stopReason,
        classWeights,
        augment: config.augment,
        ...(config.mode === 'frozen-trunk' && { standardiseFeatures: config.standardiseFeatures, trunk: options.trunk ? runtimeId(options.trunk.runtime) : 'tfjs' }),
        ...(config.l2 > 0 && { l2: config.l2 }),
        ...(config.earlyStopping && { earlyStopping: config.earlyStopping }),
        trainSamples: options.train.samples.length,
        validationSamples: options.validation?.samples.length ?? 0,
        startedFrom: options.bundle?.manifest.provenance.initialisation ?? (options.bundle ? 'bundle' : 'random'),
        resumedFrom,
      },
      metrics,
    );
    return { bundle, history, bestEpoch, stopReason, resumedFrom, runtime: engine.runtime };
  } finally {
    runner?.dispose();
    optimizer.dispose();
    net.model.dispose();
  }
}

function makeBundle(config: ResolvedConfig, weights: WeightMap, training: Record<string, unknown>, metrics?: Record<string, number>): ModelBundle {
  const manifest = createBundleManifest({
    architecture: config.architecture,
    inputSize: config.inputSize,
    labels: config.labels,
    positiveLabel: config.positiveLabel,
    pathway: config.pathway,
    tool: config.tool,
    initialisation: 'trained',
    seed: config.seed,
    training,
    ...(metrics && Object.keys(metrics).length > 0 && { metrics }),
  });
  if (config.preprocessing) manifest.preprocessing = { ...config.preprocessing };
  return { manifest: parseBundleManifest(manifest, '<trained bundle>'), weights };
}

/** The tfjs {@link Trainer} (core's contract). */
export function createTfjsTrainer(): Trainer {
  return { name: 'tfjs', train: trainTfjs };
}
