/**
 * Internal: a training run's settings with the reference study's presets filled in and every option
 * checked once, before any work starts.
 */
import {
  AffnetError,
  choiceError,
  DEFAULT_INPUT_SIZE,
  DEFAULT_LABELS,
  parseArchitecture,
  TRAIN_MODES,
  TRAINING_PRESETS,
  type Architecture,
  type EarlyStoppingOptions,
  type OptimizerName,
  type PathwayName,
  type PreprocessingSpec,
  type TrainingPreset,
  type TrainMode,
  type TrainOptions,
} from '@affnet/core';

/**
 * The reference study's preset for an architecture (Zdolsek et al. 2021); ResNet depths other than
 * 50 take ResNet50's, the study's ResNet.
 */
export function presetFor(architecture: Architecture): TrainingPreset {
  if (architecture === 'vgg19' || architecture === 'inception_v3') return TRAINING_PRESETS[architecture];
  return TRAINING_PRESETS.resnet50;
}

export interface ResolvedConfig {
  architecture: Architecture;
  inputSize: number;
  labels: string[];
  positiveLabel: string;
  pathway: PathwayName;
  /** The starting bundle's preprocessing, carried into the trained bundle. */
  preprocessing?: PreprocessingSpec;
  mode: TrainMode;
  topBlocks: number;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  learningRate: number;
  augment: boolean;
  augmentDraws: number;
  /** Seed of frozen-trunk augmentation draws of keyed sources. */
  augmentSeed: number;
  standardiseFeatures: boolean;
  l2: number;
  earlyStopping?: Required<EarlyStoppingOptions>;
  seed: number;
  initSeed: number;
  checkpointDir?: string;
  resume: boolean;
  tool: string;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new AffnetError('E_OPTION_INVALID', `${name}: expected a positive integer, got ${value}`);
  return value;
}

export function resolveTrainConfig(options: TrainOptions<unknown>): ResolvedConfig {
  const architecture = parseArchitecture(options.architecture);
  const source = options.bundle?.manifest;
  if (source && source.architecture !== architecture) {
    throw new AffnetError(
      'E_OPTION_INVALID',
      `bundle: it holds ${source.architecture} weights but architecture is ${architecture}`,
      options.bundle?.path !== undefined ? { file: options.bundle.path } : {},
    );
  }
  const inputSize = options.inputSize ?? options.preprocessing?.inputSize ?? source?.inputSize ?? DEFAULT_INPUT_SIZE;
  if (options.preprocessing && options.preprocessing.inputSize !== inputSize) {
    throw new AffnetError('E_OPTION_INVALID', `preprocessing.inputSize ${options.preprocessing.inputSize} differs from inputSize ${inputSize}`);
  }
  if (options.preprocessing && options.pathway && options.preprocessing.pathway !== options.pathway) {
    throw new AffnetError('E_OPTION_INVALID', `preprocessing.pathway "${options.preprocessing.pathway}" differs from pathway "${options.pathway}"`);
  }
  if (source && source.inputSize !== inputSize) {
    throw new AffnetError('E_OPTION_INVALID', `inputSize: ${inputSize} differs from the bundle's ${source.inputSize}`);
  }
  const labels = options.labels ?? source?.labels ?? [...DEFAULT_LABELS];
  if (source && labels.join('\n') !== source.labels.join('\n')) {
    throw new AffnetError('E_OPTION_INVALID', `labels: ${JSON.stringify(labels)} differ from the bundle's ${JSON.stringify(source.labels)}`);
  }
  const positiveLabel = options.positiveLabel ?? source?.positiveLabel ?? labels[0]!;
  if (!labels.includes(positiveLabel)) throw choiceError('positiveLabel', positiveLabel, labels);
  const mode = options.mode ?? 'full';
  if (!TRAIN_MODES.includes(mode)) throw choiceError('mode', mode, TRAIN_MODES);
  const preset = presetFor(architecture);
  const topBlocks = mode === 'top-blocks' ? positiveInteger('topBlocks', options.topBlocks ?? Number.NaN) : 0;
  const augmentDraws = positiveInteger('augmentDraws', options.augmentDraws ?? 1);
  if (augmentDraws > 1 && !(options.augment ?? false)) {
    throw new AffnetError('E_OPTION_INVALID', `augmentDraws: ${augmentDraws} draws need augment: true`);
  }
  let earlyStopping: Required<EarlyStoppingOptions> | undefined;
  if (options.earlyStopping) {
    if (!options.validation) throw new AffnetError('E_OPTION_INVALID', 'earlyStopping: needs a validation set (validation)');
    const { patience, minDelta = 0, restoreBest = true } = options.earlyStopping;
    if (!Number.isInteger(patience) || patience < 0) {
      throw new AffnetError('E_OPTION_INVALID', `earlyStopping.patience: expected an integer ≥ 0, got ${patience}`);
    }
    if (!(minDelta >= 0)) throw new AffnetError('E_OPTION_INVALID', `earlyStopping.minDelta: expected ≥ 0, got ${minDelta}`);
    earlyStopping = { patience, minDelta, restoreBest };
  }
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new AffnetError('E_OPTION_INVALID', `seed: expected a safe integer, got ${seed}`);
  const augmentSeed = options.augmentSeed ?? seed;
  if (!Number.isSafeInteger(augmentSeed)) throw new AffnetError('E_OPTION_INVALID', `augmentSeed: expected a safe integer, got ${augmentSeed}`);
  const l2 = options.l2 ?? 0;
  if (!(Number.isFinite(l2) && l2 >= 0)) throw new AffnetError('E_OPTION_INVALID', `l2: expected a number ≥ 0, got ${l2}`);
  if (mode !== 'frozen-trunk') {
    const only = (['trunk', 'featureCache', 'standardiseFeatures'] as const).filter((k) => options[k] !== undefined && options[k] !== false);
    if (only.length > 0) throw new AffnetError('E_OPTION_INVALID', `${only.join(', ')}: only for mode "frozen-trunk" (mode is "${mode}")`);
  }
  return {
    architecture,
    inputSize,
    labels,
    positiveLabel,
    pathway: options.pathway ?? options.preprocessing?.pathway ?? source?.preprocessing.pathway ?? 'automated',
    ...(options.preprocessing ? { preprocessing: options.preprocessing } : source ? { preprocessing: source.preprocessing } : {}),
    mode,
    topBlocks,
    epochs: positiveInteger('epochs', options.epochs ?? preset.epochs),
    batchSize: positiveInteger('batchSize', options.batchSize ?? preset.batchSize),
    optimizer: options.optimizer ?? preset.optimizer,
    learningRate: options.learningRate ?? preset.learningRate,
    augment: options.augment ?? false,
    augmentDraws,
    augmentSeed,
    standardiseFeatures: options.standardiseFeatures ?? false,
    l2,
    ...(earlyStopping && { earlyStopping }),
    seed,
    initSeed: options.init?.seed ?? seed,
    ...(options.checkpointDir !== undefined && { checkpointDir: options.checkpointDir }),
    resume: options.resume ?? true,
    tool: options.tool ?? '@affnet/backend-tfjs',
  };
}
