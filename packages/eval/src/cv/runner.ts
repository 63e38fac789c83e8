/**
 * The cross-validation runner (the reference study's protocol, Zdolsek et al. 2021): for each
 * architecture × pathway, K-fold CV stratified by class and grouped by patient (core
 * `patientKFold`, seeded); each fold trains on the other K − 1 folds through the backend-neutral
 * `Trainer` contract and is tested on its held-out images (probabilities, CAM gallery, CAM quality).
 * The held-out fold is passed to the trainer as validation data for the accuracy-vs-epoch curves
 * only: no early stopping or model choice looks at it.
 *
 * Resumable: each finished fold is written atomically with a hash of its settings (fold-store.ts);
 * a rerun with the same settings reuses finished folds, and the trainer's per-epoch checkpoints
 * resume a fold that was interrupted. Seeded: same seed, same folds, same results.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  AffnetError,
  createFeatureCache,
  encodePng,
  trainAligner,
  readAlignerSamples,
  type AlignerModel,
  type AlignerTrainOptions,
  startBundle,
  patientKFold,
  runtimeId,
  writeBundle,
  type LoadedModel,
  type Architecture,
  type InferenceBackend,
  type LoadOptions,
  type Manifest,
  type ModelBundle,
  type NormalisationName,
  type OptimizerName,
  type PathwayName,
  type Point,
  type Radiograph,
  type TrainMode,
  type Trainer,
  type TrainProgress,
} from '@affnet/core';
import { writeJsonAtomic } from '../results/io.js';
import { EXPERIMENT_SCHEMA, EXPERIMENT_VERSION, type ExperimentResults, type FoldRecord } from '../results/experiment.js';
import { pathwaySpec, prepareImages, setWarnings, specKey, type PreparedImage, type PreparedSet } from './dataset.js';
import { evaluateFold } from './evaluate-fold.js';
import { createDiskFeatureCache } from './feature-store.js';
import { configHash, foldKey, FoldStore } from './fold-store.js';
import { labelledImages } from './sources.js';

export interface TrainingSettings {
  mode: TrainMode;
  /** Unset: the trainer's preset for the architecture (the reference study's). */
  epochs?: number;
  batchSize?: number;
  optimizer?: OptimizerName;
  learningRate?: number;
  classWeights?: readonly number[] | 'balanced';
  augment?: boolean;
  augmentDraws?: number;
  topBlocks?: number;
  /** Frozen-trunk: train the head on standardised features (folded back into the saved weights). */
  standardiseFeatures?: boolean;
  /** L2 penalty on the classifier kernel. */
  l2?: number;
}

export type CvEvent =
  | { type: 'prepare'; done: number; total: number }
  | { type: 'fold-start' | 'fold-resumed'; key: string; index: number; total: number }
  /** A finished fold's file could not be reused (corrupt, or other settings): it is recomputed. */
  | { type: 'fold-discarded'; key: string; reason: string }
  | { type: 'train'; key: string; progress: TrainProgress }
  /** The auto pathway's aligner for a fold was trained (on the other folds' clicks). */
  | { type: 'aligner'; fold: number; images: number; seconds: number }
  | { type: 'fold-done'; key: string; index: number; total: number; accuracy: number; seconds: number };

export interface CvOptions {
  manifest: Manifest;
  /** How the manifest is named in the results (its path). */
  manifestName: string;
  outDir: string;
  architectures: Architecture[];
  pathways: PathwayName[];
  /** @defaultValue 5 */
  folds?: number;
  /** @defaultValue 0 */
  seed?: number;
  /** Network input side per architecture (InceptionV3 needs ≥ 75). */
  inputSize: number | Partial<Record<Architecture, number>>;
  /** Intervention crop as a fraction of the padded side (core default when unset). */
  cropFraction?: number;
  /** Input normalisation of every network (core `NormalisationName`). @defaultValue 'zscore' (the reference study's) */
  normalisation?: NormalisationName;
  training: TrainingSettings;
  trainer: Trainer;
  /** Runs the held-out folds (predictions, CAMs): any backend, e.g. tfjs or ONNX Runtime. */
  backend: InferenceBackend;
  loadOptions?: LoadOptions;
  /**
   * Frozen-trunk mode: the backend that computes the trunk features (the starting bundle loaded once
   * per network × pathway), e.g. ONNX Runtime, many times faster than tfjs on a CPU. Unset: the
   * trainer's own engine.
   */
  trunk?: { backend: InferenceBackend; loadOptions?: LoadOptions };
  /**
   * Frozen-trunk mode: keep pooled trunk features in memory across folds, so each image's trunk pass
   * runs once per network × pathway instead of once per fold. @defaultValue true
   */
  shareFeatures?: boolean;
  /** Frozen-trunk mode: also keep the shared features in this folder, for later runs (see feature-store.ts). */
  featureCacheDir?: string;
  /** Options the trainer passes to its backend (engine choice …). */
  backendOptions?: Record<string, unknown>;
  /** Starting weights per architecture (e.g. ImageNet); undefined → seeded random initialisation. */
  /**
   * Starting weights per network; without a bundle the network starts from seeded random weights and
   * `description` says why (recorded in the results' `initialisation`).
   */
  initialWeights?(architecture: Architecture, inputSize: number): Promise<{ bundle?: ModelBundle; description: string } | undefined>;
  /** CAM overlays per fold for the gallery. @defaultValue 4 */
  galleryPerFold?: number;
  /** CAM quality against ground-truth regions (phantom cohorts). */
  camQuality?: { regionOf(image: PreparedImage): Promise<Point[] | undefined>; tolerancePx?: number; steps?: number; maxImages?: number };
  /**
   * Let the trainer checkpoint every epoch under OUT/checkpoints, so an interrupted fold resumes
   * mid-way. Each checkpoint is a whole bundle, which costs more than a frozen-trunk epoch.
   * @defaultValue true, except in `frozen-trunk` mode (where a fold is quick to redo)
   */
  checkpoints?: boolean;
  /** Keep trained bundles under OUT/bundles: all (true) or those of the listed fold keys ("resnet50-automated-fold1"). @defaultValue false */
  keepBundles?: boolean | readonly string[];
  /**
   * Auto pathway: the aligner every fold uses (trained beforehand, e.g. by `affnet align train` on
   * another annotated cohort). Unset: each fold gets its own, trained on the clicks of the other
   * folds (cross-fitting: a held-out image is never aligned by an aligner that saw its clicks). The
   * fold's aligner also travels in its intervention and auto bundles.
   */
  aligner?: AlignerModel;
  /** Settings of the cross-fitted aligners. */
  alignerOptions?: AlignerTrainOptions;
  /** Stops before the next fold (and the trainer after its current epoch): an orderly kill. */
  signal?: AbortSignal;
  onEvent?(event: CvEvent): void;
  read?(path: string): Promise<Radiograph>;
  /** @defaultValue "affnet" */
  tool?: string;
}

export interface CvOutcome {
  /** Undefined when the run was stopped before every fold finished. */
  results?: ExperimentResults;
  resultsFile?: string;
  computed: number;
  resumed: number;
  total: number;
}

function sizeOf(o: CvOptions, a: Architecture): number {
  return typeof o.inputSize === 'number' ? o.inputSize : (o.inputSize[a] ?? 256);
}

export async function runCrossValidation(o: CvOptions): Promise<CvOutcome> {
  const k = o.folds ?? 5;
  const seed = o.seed ?? 0;
  const store = new FoldStore(o.outDir);
  const { manifest } = o;
  const split = patientKFold(manifest, { k, seed });
  const specs = [...new Map(o.architectures.flatMap((a) => o.pathways.map((p) => pathwaySpec(p, sizeOf(o, a), o.cropFraction, o.normalisation))).map((s) => [specKey(s), s])).values()];
  const alignerOf = await foldAligners(o, split.folds, split.foldOf);
  const sets = await prepareImages(manifest, specs, {
    onProgress: (done, total) => o.onEvent?.({ type: 'prepare', done, total }),
    ...(o.read ? { read: o.read } : {}),
    // Only the auto arm is aligned: the intervention arm stays the clicks' own.
    ...(alignerOf.size > 0 ? { aligner: (i: number) => alignerOf.get(split.foldOf[i]!), alignMissingClicks: false } : {}),
  });
  const alignmentGallery = await writeAlignmentGallery(o.outDir, [...sets.values()]);
  const alignerId = o.aligner ? `given:${configHash(o.aligner)}` : `cross-fitted:${configHash(o.alignerOptions ?? {})}`;
  const manifestHash = configHash(manifest.items.map((i) => [i.pathAsWritten, i.label, i.patientId, i.clicks ?? null]));
  const total = o.architectures.length * o.pathways.length * k;
  const runs: FoldRecord[] = [];
  const initialisation: Record<string, string> = {};
  let computed = 0;
  let resumed = 0;
  let index = 0;
  const frozen = o.training.mode === 'frozen-trunk';
  const featureCache = frozen && o.shareFeatures !== false ? (o.featureCacheDir ? createDiskFeatureCache(o.featureCacheDir) : createFeatureCache()) : undefined;
  let trunkRuntime: string | undefined;

  for (const architecture of o.architectures) {
    const N = sizeOf(o, architecture);
    const init = await o.initialWeights?.(architecture, N);
    initialisation[architecture] = init?.bundle ? init.description : `random (seeded ${seed})${init?.description ? `: ${init.description}` : ''}`;
    for (const pathway of o.pathways) {
      const spec = pathwaySpec(pathway, N, o.cropFraction, o.normalisation);
      const set = sets.get(specKey(spec))!;
      // A trunk on another runtime needs the starting weights as a bundle (core startBundle: the
      // trainer's own seeded initialisation when there are none).
      const start =
        init?.bundle || (frozen && o.trunk)
          ? startBundle(init?.bundle, {
              architecture,
              preprocessing: spec,
              labels: manifest.labels,
              positiveLabel: manifest.positive,
              seed,
              tool: o.tool ?? 'affnet',
              initialisation: initialisation[architecture]!,
            })
          : undefined;
      let trunk: LoadedModel | undefined;
      try {
        for (const fold of split.folds) {
          index++;
          const key = foldKey(architecture, pathway, fold.id);
          const hash = configHash({
            manifestHash,
            architecture,
            pathway,
            fold: fold.id,
            k,
            seed,
            spec,
            training: o.training,
            init: initialisation[architecture],
            ...(pathway === 'auto' ? { aligner: alignerId } : {}),
            cam: { g: o.galleryPerFold ?? 4, q: o.camQuality ? [o.camQuality.tolerancePx, o.camQuality.steps, o.camQuality.maxImages] : null },
          });
          const done = store.load(key, hash);
          if (done) {
            runs.push(done);
            resumed++;
            o.onEvent?.({ type: 'fold-resumed', key, index, total });
            continue;
          }
          const discarded = store.discarded.get(key);
          if (discarded) o.onEvent?.({ type: 'fold-discarded', key, reason: discarded });
          if (o.signal?.aborted) return { computed, resumed, total };
          o.onEvent?.({ type: 'fold-start', key, index, total });
          const started = Date.now();
          const pick = (ids: number[]): PreparedImage[] => ids.map((i) => set.images[i]).filter((x): x is PreparedImage => x !== undefined);
          const train = pick(fold.train);
          const test = pick(fold.test);
          if (frozen && o.trunk && !trunk) {
            trunk = await o.trunk.backend.load(start!, o.trunk.loadOptions);
            trunkRuntime = runtimeId(trunk.runtime);
          }
          const result = await o.trainer.train({
            architecture,
            ...(start ? { bundle: start } : { init: { seed } }),
            preprocessing: spec,
            ...(trunk ? { trunk } : {}),
            ...(featureCache ? { featureCache, augmentSeed: seed } : {}),
            ...(o.training.standardiseFeatures ? { standardiseFeatures: true } : {}),
            ...(o.training.l2 ? { l2: o.training.l2 } : {}),
            inputSize: N,
            labels: [...manifest.labels],
            positiveLabel: manifest.positive,
            pathway,
            train: labelledImages(train, manifest, spec, o.read ? { read: o.read } : {}),
            validation: labelledImages(test, manifest, spec, o.read ? { read: o.read } : {}),
            mode: o.training.mode,
            ...(o.training.epochs !== undefined ? { epochs: o.training.epochs } : {}),
            ...(o.training.batchSize !== undefined ? { batchSize: o.training.batchSize } : {}),
            ...(o.training.optimizer ? { optimizer: o.training.optimizer } : {}),
            ...(o.training.learningRate !== undefined ? { learningRate: o.training.learningRate } : {}),
            ...(o.training.classWeights ? { classWeights: o.training.classWeights } : {}),
            ...(o.training.augment ? { augment: true, augmentDraws: o.training.augmentDraws ?? 1 } : {}),
            ...(o.training.topBlocks !== undefined ? { topBlocks: o.training.topBlocks } : {}),
            ...((o.checkpoints ?? o.training.mode !== 'frozen-trunk') ? { checkpointDir: store.checkpointDir(key) } : {}),
            seed: seed + fold.id,
            ...(o.signal ? { signal: o.signal } : {}),
            onProgress: (progress) => o.onEvent?.({ type: 'train', key, progress }),
            tool: o.tool ?? 'affnet',
            ...(o.backendOptions ? { backendOptions: o.backendOptions } : {}),
          });
          if (result.stopReason === 'aborted') return { computed, resumed, total };
          const foldAligner = alignerOf.get(fold.id);
          if (foldAligner && pathway !== 'automated') result.bundle.manifest.aligner = foldAligner;
          const model = await o.backend.load(result.bundle, o.loadOptions);
          const predictedOn = runtimeId(model.runtime);
          let evaluation;
          try {
            evaluation = await evaluateFold(model, test, {
              ...(o.galleryPerFold === 0 ? {} : { gallery: { dir: store.camDir(), relativeTo: o.outDir, prefix: key, count: o.galleryPerFold ?? 4 } }),
              ...(o.camQuality ? { quality: { ...o.camQuality, seed: seed + fold.id } } : {}),
              ...(o.read ? { read: o.read } : {}),
            });
          } finally {
            await model.dispose();
          }
          const record: FoldRecord = {
            architecture,
            pathway,
            fold: fold.id,
            folds: k,
            seed,
            configHash: hash,
            train: { images: train.length, patients: new Set(train.map((i) => i.patientId)).size },
            test: { images: test.length, patients: new Set(test.map((i) => i.patientId)).size },
            history: result.history.map((h) => ({ epoch: h.epoch, loss: h.loss, accuracy: h.accuracy, valLoss: h.valLoss ?? null, valAccuracy: h.valAccuracy ?? null, valAuc: h.valAuc ?? null })),
            bestEpoch: result.bestEpoch,
            predictions: evaluation.predictions,
            threshold: 0.5,
            runtime: { backend: result.runtime.backend, engine: result.runtime.engine },
            trainedOn: runtimeId(result.runtime),
            predictedOn,
            durationMs: Date.now() - started,
            camCases: evaluation.camCases,
            ...(evaluation.camQuality ? { camQuality: evaluation.camQuality } : {}),
            warnings: [...setWarnings(set, [...fold.train, ...fold.test]), ...(discarded ? [{ kind: 'note' as const, detail: discarded }] : [])],
          };
          if (o.keepBundles === true || (Array.isArray(o.keepBundles) && o.keepBundles.includes(key))) {
            await writeBundle(store.bundleDir(key), result.bundle);
            record.bundle = store.bundleDir(key).slice(o.outDir.length + 1);
          }
          store.save(key, record);
          rmSync(store.checkpointDir(key), { recursive: true, force: true });
          runs.push(record);
          computed++;
          const correct = record.predictions.filter((p) => (p.probability >= 0.5 ? 1 : 0) === p.truth).length;
          o.onEvent?.({ type: 'fold-done', key, index, total, accuracy: correct / Math.max(1, record.predictions.length), seconds: record.durationMs / 1000 });
        }
      } finally {
        await trunk?.dispose();
      }
    }
  }

  const results: ExperimentResults = {
    schema: EXPERIMENT_SCHEMA,
    version: EXPERIMENT_VERSION,
    protocol: 'cross-validation',
    createdAt: new Date().toISOString(),
    tool: o.tool ?? 'affnet',
    config: {
      architectures: o.architectures,
      pathways: o.pathways,
      folds: k,
      seed,
      inputSize: o.architectures.map((a) => `${a} ${sizeOf(o, a)}`),
      normalisation: o.normalisation ?? 'zscore',
      ...(o.pathways.includes('auto') ? { aligner: o.aligner ? `given (trained on ${o.aligner.training.images} images)` : `cross-fitted: one per fold, trained on the other folds' clicks` } : {}),
      ...(frozen ? { trunkFeatures: `${trunkRuntime ?? 'trainer'}${featureCache ? ', shared across folds' : ', per fold'}` } : {}),
      ...o.training,
      initialisation: Object.entries(initialisation).map(([a, d]) => `${a}: ${d}`),
      split: `patient-grouped stratified K-fold (${split.grouping})`,
    },
    dataset: {
      manifest: o.manifestName,
      images: manifest.items.length,
      patients: new Set(manifest.items.map((i) => i.patientId)).size,
      patientIdsKnown: manifest.patientIdsKnown,
      labels: [manifest.labels[0], manifest.labels[1]],
      positiveLabel: manifest.positive,
    },
    runs,
    ...(alignmentGallery.length > 0 ? { alignmentGallery } : {}),
  };
  writeJsonAtomic(store.resultsFile(), results);
  return { results, resultsFile: store.resultsFile(), computed, resumed, total };
}

/**
 * The aligner of each fold, by fold id: the given one for all, or (when the auto pathway runs) one
 * per fold trained on the clicks of the images outside it. Empty when no fold needs one.
 */
async function foldAligners(o: CvOptions, folds: readonly { id: number }[], foldOf: readonly number[]): Promise<Map<number, AlignerModel>> {
  const out = new Map<number, AlignerModel>();
  if (o.aligner) {
    for (const f of folds) out.set(f.id, o.aligner);
    return out;
  }
  if (!o.pathways.includes('auto')) return out;
  // Unreadable images are left out here; the prepared sets record them as left out.
  const withClicks = await readAlignerSamples(o.manifest.items, { ...(o.alignerOptions?.grid ? { grid: o.alignerOptions.grid } : {}), ...(o.read ? { read: o.read } : {}) });
  if (withClicks.length < 4) {
    throw new AffnetError(
      'E_OPTION_INVALID',
      `the auto pathway's aligner learns from the manifest's clicks (fx, fy, ax, ay), and only ${withClicks.length} images have them; annotate some (affnet annotate) or give a trained aligner`,
    );
  }
  for (const f of folds) {
    const started = Date.now();
    const train = withClicks.filter((w) => foldOf[w.index] !== f.id).map((w) => w.sample);
    out.set(f.id, trainAligner(train, { seed: (o.seed ?? 0) + f.id, ...o.alignerOptions }));
    o.onEvent?.({ type: 'aligner', fold: f.id, images: train.length, seconds: (Date.now() - started) / 1000 });
  }
  return out;
}

/**
 * Manual next to automatic crops of the same images (the first auto set's input size with the
 * intervention set of that size): the four least confident alignments and four others evenly spread.
 */
async function writeAlignmentGallery(outDir: string, sets: PreparedSet[], count = 8): Promise<NonNullable<ExperimentResults['alignmentGallery']>> {
  const auto = sets.find((s) => s.pathway === 'auto');
  const manual = auto && sets.find((s) => s.pathway === 'intervention' && s.spec.inputSize === auto.spec.inputSize);
  if (!auto || !manual) return [];
  const pairs = auto.images.map((a, i) => ({ a, m: manual.images[i] })).filter((p): p is { a: PreparedImage; m: PreparedImage } => p.a?.alignment?.source === 'auto' && p.m !== undefined);
  if (pairs.length === 0) return [];
  const byConfidence = [...pairs].sort((x, y) => x.a.alignment!.confidence! - y.a.alignment!.confidence! || x.a.index - y.a.index);
  const picks = new Set(byConfidence.slice(0, Math.min(4, count)));
  const rest = byConfidence.filter((p) => !picks.has(p));
  for (let k = 0; picks.size < Math.min(count, pairs.length) && rest.length > 0; k++) picks.add(rest[Math.floor((k * rest.length) / Math.max(1, count - 4))] ?? rest[rest.length - 1]!);
  const dir = join(outDir, 'alignment');
  mkdirSync(dir, { recursive: true });
  const N = auto.spec.inputSize;
  const out: NonNullable<ExperimentResults['alignmentGallery']> = [];
  for (const p of [...picks].sort((x, y) => x.a.index - y.a.index)) {
    const file = join(dir, `${String(p.a.index).padStart(5, '0')}.png`);
    writeFileSync(file, await sideBySide([p.m.data, p.a.data], N));
    out.push({ id: p.a.id, png: relative(outDir, file), confidence: p.a.alignment!.confidence!, ...(p.a.alignment!.warning ? { warning: p.a.alignment!.warning } : {}) });
  }
  return out;
}

/** Network inputs (first channel, min–max each) side by side with a 4-pixel gap, as one PNG (core `encodePng`). */
async function sideBySide(inputs: Float32Array[], N: number): Promise<Buffer> {
  const gap = 4;
  const W = inputs.length * N + (inputs.length - 1) * gap;
  const plane = new Float32Array(W * N).fill(40 / 255);
  inputs.forEach((data, k) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < N * N; i++) {
      const v = data[i * 3]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const span = hi - lo || 1;
    for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) plane[y * W + k * (N + gap) + x] = (data[(y * N + x) * 3]! - lo) / span;
  });
  return encodePng({ width: W, height: N, data: plane }, { bitDepth: 8, range: [0, 1] });
}
