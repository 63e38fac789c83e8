/** Training options shared by `train` and `cv` (unset values fall back to the reference study's presets). */
import type { Command } from 'commander';
import { AffnetError, NORMALISATIONS, OPTIMIZER_NAMES, TRAIN_MODES, type NormalisationName } from '@affnet/core';
import type { TrainingSettings } from '@affnet/eval';
import { parseChoice, parseIntOption, parseNumberOption } from './parse.js';
import { RUNTIME_GRAMMAR, retireFlags } from './runtime.js';

export interface TrainingFlags {
  mode: string;
  epochs?: string;
  batchSize?: string;
  optimizer?: string;
  lr?: string;
  classWeights?: string;
  augment?: boolean;
  augmentDraws?: string;
  topBlocks?: string;
  trainRuntime?: string;
  seed: string;
  weights: string;
  normalisation: string;
  standardiseFeatures?: boolean;
  l2?: string;
  runtime: string;
  featureCache?: string;
}

export function addTrainingOptions(cmd: Command, defaults: { mode?: string } = {}): Command {
  retireFlags(cmd, [{ flags: '--engine <name>', instead: (v) => `--train-runtime tfjs:${String(v)} (the trainer's engine; --runtime chooses where features and held-out predictions run)` }]);
  return cmd
    .option('--mode <mode>', `training mode: ${TRAIN_MODES.join(', ')}`, defaults.mode ?? 'full')
    .option('--epochs <n>', 'epochs (default: the preset of the architecture: ResNet50 100, InceptionV3 100, VGG19 200)')
    .option('--batch-size <n>', 'batch size (preset: 5)')
    .option('--optimizer <name>', `${OPTIMIZER_NAMES.join(', ')} (preset: ResNet50 adam, InceptionV3 rmsprop, VGG19 sgd)`)
    .option('--lr <x>', 'learning rate (preset: 1e-5)')
    .option('--class-weights <w>', '"balanced" or comma-separated weights per class')
    .option('--augment', 'random rotation ±10°, shift < 10 %, zoom < 10 % (Zdolsek et al. 2021)')
    .option('--augment-draws <n>', 'frozen-trunk with --augment: feature draws cached per image', '1')
    .option('--top-blocks <n>', 'top-blocks mode: number of blocks to train from the output end')
    .option('--train-runtime <spec>', 'where the gradient steps run: tfjs or tfjs:ENGINE (wasm, cpu, webgpu, tfjs-node …); default: best available')
    .option('--seed <n>', 'seed of folds, data order, augmentation and initial weights', '0')
    .option('--weights <w>', 'starting weights: auto (ImageNet where the weights folders have them, see affnet weights list), imagenet, none, or a path', 'auto')
    .option('--normalisation <name>', `input normalisation: ${NORMALISATIONS.join(', ')} (Keras ImageNet input for VGG19/ResNet50 weights)`, 'zscore')
    .option('--standardise-features', 'frozen-trunk: train the head on standardised features (folded back into the saved weights; CAM stays exact)')
    .option('--l2 <x>', 'L2 penalty on the classifier kernel (loss + x·Σw²)')
    .option('--runtime <spec>', `inference runtime for frozen-trunk features (and cv's held-out folds): ${RUNTIME_GRAMMAR}; auto: ONNX Runtime CPU where it loads`, 'auto')
    .option('--feature-cache <dir>', 'frozen-trunk: keep pooled trunk features in this folder and reuse them in later runs (same images, trunk and preprocessing)');
}

export function trainingSettings(f: TrainingFlags): TrainingSettings {
  const classWeights =
    f.classWeights === undefined ? undefined : f.classWeights === 'balanced' ? 'balanced' : f.classWeights.split(',').map((w, i) => parseNumberOption(`--class-weights[${i}]`, w, 0)!);
  const epochs = parseIntOption('--epochs', f.epochs, 1);
  const batchSize = parseIntOption('--batch-size', f.batchSize, 1);
  const learningRate = parseNumberOption('--lr', f.lr, 0);
  const topBlocks = parseIntOption('--top-blocks', f.topBlocks, 1);
  const l2 = parseNumberOption('--l2', f.l2, 0);
  return {
    mode: parseChoice('--mode', f.mode, TRAIN_MODES),
    ...(epochs !== undefined ? { epochs } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(f.optimizer ? { optimizer: parseChoice('--optimizer', f.optimizer, OPTIMIZER_NAMES) } : {}),
    ...(learningRate !== undefined ? { learningRate } : {}),
    ...(classWeights ? { classWeights } : {}),
    ...(f.augment ? { augment: true, augmentDraws: parseIntOption('--augment-draws', f.augmentDraws, 1)! } : {}),
    ...(topBlocks !== undefined ? { topBlocks } : {}),
    ...(f.standardiseFeatures ? { standardiseFeatures: true } : {}),
    ...(l2 ? { l2 } : {}),
  };
}

/**
 * Flags that only act on frozen-trunk training are refused in the other modes rather than ignored
 * (`--runtime` also chooses `cv`'s held-out runtime, where it always counts: `runtimeUsedOtherwise`).
 */
export function checkFrozenTrunkFlags(f: TrainingFlags, mode: string, runtimeUsedOtherwise: boolean): void {
  if (mode === 'frozen-trunk') return;
  const given = [...(f.featureCache ? ['--feature-cache'] : []), ...(f.standardiseFeatures ? ['--standardise-features'] : []), ...(!runtimeUsedOtherwise && f.runtime !== 'auto' ? ['--runtime'] : [])];
  if (given.length > 0) throw new AffnetError('E_OPTION_INVALID', `${given.join(', ')}: only for --mode frozen-trunk (mode is ${mode})`);
}

export function normalisationOption(f: TrainingFlags): NormalisationName {
  return parseChoice('--normalisation', f.normalisation, NORMALISATIONS);
}
