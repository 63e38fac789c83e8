/**
 * The backend-neutral training contract. A backend package (today @affnet/backend-tfjs) implements
 * {@link Trainer}; the CLI and the cross-validation runner program against this file only.
 *
 * Images arrive already preprocessed (decode → pathway → normalise, all in core): a trainer asks a
 * {@link LabelledImages} source for each sample and never preprocesses itself. All randomness (data
 * order, augmentation draws, initial weights) comes from core's seeded `createRng`, so a run is
 * reproducible from `seed`, and a run resumed from a checkpoint ends with the weights an
 * uninterrupted run would have reached.
 */
import type { Rng } from '../augment/rng.js';
import type { ModelBundle, PathwayName, PreprocessingSpec } from '../bundle/types.js';
import { initialBundle } from '../bundle/random.js';
import type { Architecture } from '../models/graph.js';
import type { ImageBatch, LoadedModel, RuntimeInfo } from './types.js';

/**
 * - `full`: fine-tune every layer.
 * - `frozen-trunk`: keep the convolutional trunk fixed, compute each image's pooled trunk features
 *   once (once per augmentation draw when augmenting) and train the dense head only — fast on a CPU.
 * - `top-blocks`: fine-tune the last `topBlocks` blocks of `NetworkGraph.blocks` (the head counts as
 *   one); the frozen layers run in inference mode (batch-norm statistics fixed), as in Keras.
 */
export type TrainMode = 'full' | 'frozen-trunk' | 'top-blocks';
export const TRAIN_MODES: readonly TrainMode[] = ['full', 'frozen-trunk', 'top-blocks'];

export type OptimizerName = 'sgd' | 'adam' | 'rmsprop';
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'adam', 'rmsprop'];

export interface TrainingPreset {
  optimizer: OptimizerName;
  learningRate: number;
  epochs: number;
  batchSize: number;
}

/**
 * The reference study's settings (Zdolsek et al., Acta Orthopaedica 2021, Methods): batch size 5 and
 * learning rate 1e-5 for all; ResNet50 with Adam for 100 epochs, InceptionV3 with RMSprop for 100,
 * VGG19 with SGD for 200. The other ResNet depths use ResNet50's.
 */
export const TRAINING_PRESETS: Readonly<Record<'vgg19' | 'inception_v3' | 'resnet50', TrainingPreset>> = {
  resnet50: { optimizer: 'adam', learningRate: 1e-5, epochs: 100, batchSize: 5 },
  inception_v3: { optimizer: 'rmsprop', learningRate: 1e-5, epochs: 100, batchSize: 5 },
  vgg19: { optimizer: 'sgd', learningRate: 1e-5, epochs: 200, batchSize: 5 },
};

/** What a source is told when asked for one sample. */
export interface SampleContext {
  /** Index of the sample in `samples`. */
  index: number;
  /** Zero-based epoch (−1 while features are cached before training). */
  epoch: number;
  /** Which augmentation draw this is (frozen-trunk caching asks for draws 0 … augmentDraws−1). */
  draw: number;
  /** Apply random augmentation (training data with `augment: true`); false for validation. */
  augment: boolean;
  /** The generator to draw augmentation from; seeded per (seed, epoch or draw, index). */
  rng: Rng;
}

/**
 * Labelled images for training or validation: a list of samples (file names, manifest rows, indices
 * into an in-memory batch …) and a callback that returns one preprocessed image.
 */
export interface LabelledImages<S = unknown> {
  samples: readonly S[];
  /** Class index of each sample (index into the bundle's `labels`). */
  labels: readonly number[];
  /** The preprocessed image of one sample, [1, N, N, 3] NHWC (core `preprocess` output). */
  load(sample: S, context: SampleContext): ImageBatch | Promise<ImageBatch>;
  /** A short, non-identifying name for errors and failure lists (never patient data). */
  describe?(sample: S, index: number): string;
  /**
   * A stable identity of the preprocessed image of a sample (file + preprocessing), the same in every
   * training that uses it. With it, frozen-trunk features can be shared through a
   * {@link FeatureCache} (e.g. across the folds of a cross-validation) and augmentation draws depend
   * on the sample, not on its position in the list.
   */
  key?(sample: S, index: number): string;
}

/**
 * Pooled trunk features kept between trainings. Keys are made by the trainer from the trunk's weights,
 * the input size, the augmentation draw and the sample's {@link LabelledImages.key}, so one cache can
 * serve several networks and starting weights without mixing them up.
 */
export interface FeatureCache {
  get(key: string): Float32Array | undefined;
  set(key: string, features: Float32Array): void;
}

/**
 * The one definition of feature-cache keys. A sample's key names its preprocessed image (the
 * preprocessing and the manifest row); a cache entry's key adds the trunk (architecture, input size,
 * weight hash) and the augmentation draw, so entries of different trunks or draws never mix.
 */
export function sampleKey(spec: PreprocessingSpec, index: number, id: string): string {
  return `${JSON.stringify(spec)}#${index}:${id}`;
}

/** @param draw - undefined for the plain (unaugmented) image */
export function featureCacheKey(trunkId: string, draw: { seed: number; index: number } | undefined, sample: string): string {
  return `${trunkId}|${draw ? `augment:${draw.seed}:${draw.index}` : 'plain'}|${sample}`;
}

/** An in-memory {@link FeatureCache} that counts its hits and misses. */
export function createFeatureCache(): FeatureCache & { readonly size: number; hits: number; misses: number } {
  const map = new Map<string, Float32Array>();
  return {
    hits: 0,
    misses: 0,
    get size() {
      return map.size;
    },
    get(key) {
      const v = map.get(key);
      if (v) this.hits++;
      else this.misses++;
      return v;
    },
    set(key, features) {
      map.set(key, features);
    },
  };
}

export interface EarlyStoppingOptions {
  /** Epochs without an improvement of the validation loss before stopping. */
  patience: number;
  /** Smallest decrease that counts as an improvement. @defaultValue 0 */
  minDelta?: number;
  /** Return (and save) the weights of the best epoch rather than the last. @defaultValue true */
  restoreBest?: boolean;
}

/** One epoch of training history (for accuracy / loss plots). */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  /** Mean (class-weighted) cross-entropy over the training batches. */
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  /** ROC AUC of the positive label on the validation set (NaN when it holds one class). */
  valAuc?: number;
  seconds: number;
}

export type TrainPhase = 'features' | 'train' | 'validate' | 'epoch' | 'checkpoint';

export interface TrainProgress {
  phase: TrainPhase;
  /** 1-based epoch (0 while caching features). */
  epoch: number;
  epochs: number;
  /** Units done and total in this phase (batches, or images while caching features). */
  done: number;
  total: number;
  /** Running mean training loss in the current epoch. */
  loss?: number;
  /** The finished epoch (phase `epoch`). */
  record?: EpochRecord;
}

export interface TrainOptions<S = unknown> {
  architecture: Architecture;
  /** Start from these weights (an ImageNet import, an earlier training). Its architecture must match. */
  bundle?: ModelBundle;
  /** Without `bundle`: seeded Keras-default initial weights (`initWeights`). */
  init?: { seed?: number };
  /** Input side N. @defaultValue the bundle's, else 256 */
  inputSize?: number;
  /** Class names in output order. @defaultValue the bundle's, else core's DEFAULT_LABELS */
  labels?: string[];
  positiveLabel?: string;
  /** Pathway recorded in the trained bundle. @defaultValue `preprocessing`'s, else the bundle's, else "automated" */
  pathway?: PathwayName;
  /**
   * The preprocessing the training images had (pathway, input size, normalisation, crop), written
   * into the trained bundle as given, so the bundle always describes its inputs.
   * @defaultValue the starting bundle's
   */
  preprocessing?: PreprocessingSpec;
  train: LabelledImages<S>;
  validation?: LabelledImages<S>;
  /** @defaultValue "full" */
  mode?: TrainMode;
  /** `top-blocks` mode: how many blocks from the output end to train (the head is one). */
  topBlocks?: number;
  /** @defaultValue the preset's */
  epochs?: number;
  batchSize?: number;
  optimizer?: OptimizerName;
  learningRate?: number;
  /** Weight of each class in the loss (Keras `class_weight`), or "balanced" (n / (k · n_class)). */
  classWeights?: readonly number[] | 'balanced';
  /** Ask the source for augmented training images. @defaultValue false */
  augment?: boolean;
  /** `frozen-trunk` with augmentation: feature draws cached per image, used in turn. @defaultValue 1 */
  augmentDraws?: number;
  /**
   * `frozen-trunk`: seed of the cached augmentation draws. Give every fold of a cross-validation the
   * same one (with keyed sources) so the draws, and therefore cached features, are shared.
   * @defaultValue `seed`
   */
  augmentSeed?: number;
  /**
   * `frozen-trunk`: compute the pooled trunk features with this loaded model — any backend, e.g. ONNX
   * Runtime, which runs a trunk many times faster than TensorFlow.js on a CPU — as the global average
   * of its feature map. It must hold the starting weights (checked layer by layer); only the head
   * trains on the trainer's own engine.
   */
  trunk?: LoadedModel;
  /** `frozen-trunk`: reuse and store pooled features here (needs {@link LabelledImages.key} on the sources). */
  featureCache?: FeatureCache;
  /**
   * `frozen-trunk`: train the head on features standardised with the training set's per-channel mean
   * and SD, then fold the scaling into the dense weights, so the saved network is still
   * GAP → dense (CAM stays exact) and takes the same inputs. Makes the learning rate and `l2`
   * independent of the trunk's activation scale. @defaultValue false
   */
  standardiseFeatures?: boolean;
  /** L2 penalty on the trained dense (classifier) kernel, added to the loss as `l2 · Σ w²`. @defaultValue 0 */
  l2?: number;
  earlyStopping?: EarlyStoppingOptions;
  /** Folder for a checkpoint after every epoch (bundle + optimizer state + epoch + rng state). */
  checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir` when there is one. @defaultValue true */
  resume?: boolean;
  onProgress?: (progress: TrainProgress) => void;
  /** Seed of data order, augmentation and (without a bundle) initial weights. @defaultValue 0 */
  seed?: number;
  /** Stops after the current epoch (its checkpoint is written): an orderly "kill". */
  signal?: AbortSignal;
  /** Program name written into the bundle's provenance. @defaultValue the backend's */
  tool?: string;
  /** Backend-specific options (engine choice …). */
  backendOptions?: Record<string, unknown>;
}

export interface TrainResult {
  /** The trained weights (the best epoch's with early stopping and `restoreBest`). */
  bundle: ModelBundle;
  history: EpochRecord[];
  /** 1-based epoch whose weights are in `bundle`. */
  bestEpoch: number;
  stopReason: 'completed' | 'early-stopping' | 'aborted';
  /** The epoch the run resumed after (0 for a fresh run). */
  resumedFrom: number;
  runtime: RuntimeInfo;
}

export interface Trainer {
  readonly name: string;
  train<S>(options: TrainOptions<S>): Promise<TrainResult>;
}

/**
 * The starting weights of a training as a bundle whose preprocessing is the run's: `start` (an
 * ImageNet import, an earlier training) or, without one, the seeded initialisation the trainer would
 * draw itself. A trunk on another runtime loads exactly this, so its features match the trainer's.
 */
export function startBundle(
  start: ModelBundle | undefined,
  o: { architecture: Architecture; preprocessing: PreprocessingSpec; labels: readonly string[]; positiveLabel: string; seed: number; tool: string; initialisation?: string },
): ModelBundle {
  const b =
    start ??
    initialBundle({
      architecture: o.architecture,
      inputSize: o.preprocessing.inputSize,
      labels: [...o.labels],
      positiveLabel: o.positiveLabel,
      pathway: o.preprocessing.pathway,
      tool: o.tool,
      seed: o.seed,
      ...(o.initialisation ? { initialisation: o.initialisation } : {}),
    });
  return { ...b, manifest: { ...b.manifest, inputSize: o.preprocessing.inputSize, preprocessing: { ...o.preprocessing } } };
}
