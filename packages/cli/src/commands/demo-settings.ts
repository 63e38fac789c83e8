/**
 * The demo's settings: the reference protocol (5-fold CV of ResNet50, VGG19 and InceptionV3 on both
 * pathways, runtime comparison, report), scaled to fit about 15 minutes on 2 CPU cores: a small
 * phantom cohort, small inputs and a frozen trunk with cached features (only the head trains).
 * The README states them; `--quick` is a seconds-long smoke version for tests.
 */
import type { Architecture } from '@affnet/core';

export interface DemoSettings {
  cohort: { patients: number; images: [number, number]; height: [number, number]; difficulty: number; seed: number };
  /**
   * The auto pathway's aligner is fitted on a second phantom cohort (another seed: none of the demo
   * cohort's images), on its ground-truth clicks; labels are not used.
   */
  alignment: { patients: number; seed: number; grid: number; epochs: number };
  architectures: Architecture[];
  inputSize: Partial<Record<Architecture, number>>;
  folds: number;
  training: { mode: 'frozen-trunk'; epochs: number; batchSize: number; optimizer: 'adam'; learningRate: number; classWeights: 'balanced'; standardiseFeatures: boolean; l2: number };
  gallery: number;
  deletionImages: number;
  deletionSteps: number;
  /** The fold whose trained bundle is run on every runtime. */
  compareFold: { architecture: Architecture; pathway: 'automated' | 'intervention' };
  compare: { batchSizes: string; windowRuns: number; maxWindows: number; budgetSeconds: number };
}

export const DEMO_SETTINGS: DemoSettings = {
  cohort: { patients: 30, images: [2, 3], height: [600, 800], difficulty: 0.3, seed: 1 },
  alignment: { patients: 200, seed: 1001, grid: 96, epochs: 24 },
  architectures: ['resnet50', 'vgg19', 'inception_v3'],
  // InceptionV3 needs ≥ 75 px; 107 px gives it a 2×2 feature map like the others' at 64 px.
  inputSize: { resnet50: 128, vgg19: 128, inception_v3: 139 },
  folds: 5,
  training: { mode: 'frozen-trunk', epochs: 60, batchSize: 16, optimizer: 'adam', learningRate: 1e-3, classWeights: 'balanced', standardiseFeatures: true, l2: 0.1 },
  gallery: 2,
  deletionImages: 1,
  deletionSteps: 8,
  // VGG19 is the network with ImageNet weights here, and the intervention pathway its better one.
  compareFold: { architecture: 'vgg19', pathway: 'intervention' },
  compare: { batchSizes: '1,4,16', windowRuns: 5, maxWindows: 3, budgetSeconds: 15 },
};

export const QUICK_SETTINGS: DemoSettings = {
  cohort: { patients: 8, images: [1, 2], height: [200, 240], difficulty: 0.3, seed: 1 },
  alignment: { patients: 6, seed: 1001, grid: 48, epochs: 2 },
  architectures: ['resnet18'],
  inputSize: { resnet18: 32 },
  folds: 2,
  training: { mode: 'frozen-trunk', epochs: 2, batchSize: 8, optimizer: 'adam', learningRate: 1e-3, classWeights: 'balanced', standardiseFeatures: true, l2: 0.1 },
  gallery: 1,
  deletionImages: 1,
  deletionSteps: 2,
  compareFold: { architecture: 'resnet18', pathway: 'automated' },
  compare: { batchSizes: '1,4', windowRuns: 3, maxWindows: 2, budgetSeconds: 5 },
};

/** The settings in words, for the report and the README. */
export function describeSettings(s: DemoSettings): string[] {
  return [
    `Demo settings: phantom cohort of ${s.cohort.patients} patients (${s.cohort.images.join('–')} radiographs each, ${s.cohort.height.join('–')} px tall, difficulty ${s.cohort.difficulty}, seed ${s.cohort.seed}); ` +
      `${s.folds}-fold cross-validation of ${s.architectures.join(', ')} on three pathways (automated, intervention on the cohort's clicks, auto on the points an aligner finds; the aligner fitted on a separate phantom cohort of ${s.alignment.patients} patients, seed ${s.alignment.seed}) at inputs ${Object.entries(
        s.inputSize,
      )
        .map(([a, n]) => `${a} ${n} px`)
        .join(', ')}; ` +
      `training mode ${s.training.mode} (trunk features computed once per image by the inference runtime and shared by the folds; only the dense head trains${s.training.standardiseFeatures ? ', on standardised features' : ''}), ${s.training.epochs} epochs, batch ${s.training.batchSize}, ${s.training.optimizer} at ${s.training.learningRate}${s.training.l2 ? `, L2 ${s.training.l2} on the head` : ''}, balanced class weights.`,
    'The reference study (Zdolsek et al. 2021) fine-tuned every layer from ImageNet at 256 px for 100–200 epochs with batch 5 and learning rate 1e-5, and augmented its images; see the README for running that protocol on a GPU.',
  ];
}
