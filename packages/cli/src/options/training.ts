/** Training options shared by `train` and `cv` (unset values fall back to the reference study's presets). */
import type { Command } from 'commander';
import { OPTIMIZER_NAMES, TRAIN_MODES } from '@affnet/core';
import type { TrainingSettings } from '@affnet/eval';
import { parseChoice, parseIntOption, parseNumberOption } from './parse.js';

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
  engine?: string;
  seed: string;
  weights: string;
}

export function addTrainingOptions(cmd: Command, defaults: { mode?: string } = {}): Command {
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
    .option('--engine <name>', 'tfjs engine for training (wasm, cpu, webgpu, tfjs-node …); default: best available')
    .option('--seed <n>', 'seed of folds, data order, augmentation and initial weights', '0')
    .option('--weights <w>', 'starting weights: auto (ImageNet where AFFNET_WEIGHTS_DIR has them), imagenet, none, or a path', 'auto');
}

export function trainingSettings(f: TrainingFlags): TrainingSettings {
  const classWeights = f.classWeights === undefined ? undefined : f.classWeights === 'balanced' ? 'balanced' : f.classWeights.split(',').map((w, i) => parseNumberOption(`--class-weights[${i}]`, w, 0)!);
  const epochs = parseIntOption('--epochs', f.epochs, 1);
  const batchSize = parseIntOption('--batch-size', f.batchSize, 1);
  const learningRate = parseNumberOption('--lr', f.lr, 0);
  const topBlocks = parseIntOption('--top-blocks', f.topBlocks, 1);
  return {
    mode: parseChoice('--mode', f.mode, TRAIN_MODES),
    ...(epochs !== undefined ? { epochs } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(f.optimizer ? { optimizer: parseChoice('--optimizer', f.optimizer, OPTIMIZER_NAMES) } : {}),
    ...(learningRate !== undefined ? { learningRate } : {}),
    ...(classWeights ? { classWeights } : {}),
    ...(f.augment ? { augment: true, augmentDraws: parseIntOption('--augment-draws', f.augmentDraws, 1)! } : {}),
    ...(topBlocks !== undefined ? { topBlocks } : {}),
  };
}

export function engineOptions(engine: string | undefined): { engines: string[]; allowFallback: boolean } | { allowFallback: boolean } {
  return engine ? { engines: [engine], allowFallback: false } : { allowFallback: true };
}
