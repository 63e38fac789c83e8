/**
 * The results file of a cross-validation run or of an evaluation of a bundle on a labelled set
 * (`affnet cv`, `affnet evaluate`): one JSON document, validated with zod and versioned, which the
 * report reads. It holds raw out-of-fold predictions (not only summaries), so every table and figure
 * is derived from the same numbers by the metric functions of @affnet/core.
 */
import { z } from 'zod';

export const EXPERIMENT_SCHEMA = 'affnet-experiment-results';
/** Bump when a field changes meaning; readers reject other versions with a clear error. */
export const EXPERIMENT_VERSION = 1;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const nullableNumber = z.number().nullable();

export const historyEntrySchema = z.object({
  epoch: z.number().int().nonnegative(),
  loss: nullableNumber,
  accuracy: nullableNumber,
  valLoss: nullableNumber.optional(),
  valAccuracy: nullableNumber.optional(),
  valAuc: nullableNumber.optional(),
});

export const predictionSchema = z.object({
  /** Image path as written in the manifest (relative to it when it was relative). */
  id: z.string(),
  patientId: z.string(),
  /** The true class name. */
  label: z.string(),
  /** 1 when `label` is the positive class. */
  truth: z.union([z.literal(0), z.literal(1)]),
  /** Probability of the positive class. */
  probability: z.number().min(0).max(1),
  /** Auto pathway (or an intervention image without clicks): the points the aligner found, and its confidence. */
  alignment: z
    .object({
      source: z.enum(['clicks', 'auto']),
      fracture: z.object({ x: z.number(), y: z.number() }),
      axis: z.object({ x: z.number(), y: z.number() }),
      confidence: z.number().optional(),
      warning: z.string().optional(),
    })
    .optional(),
});

export const camCaseSchema = z.object({
  id: z.string(),
  label: z.string(),
  predicted: z.string(),
  probability: z.number().min(0).max(1),
  correct: z.boolean(),
  /** PNG overlay (CAM on the original image), relative to the results file. */
  overlay: z.string(),
});

export const camQualitySchema = z.object({
  /** Pointing game: images whose CAM peak fell inside the (dilated) ground-truth region. */
  pointingHits: z.number().int().nonnegative(),
  pointingTotal: z.number().int().nonnegative(),
  /** Tolerance of the pointing game in network-input pixels. */
  tolerancePx: finite,
  /** The same images "pointed at" by the input centre (Zhang et al.'s centre baseline). */
  pointingCentreHits: z.number().int().nonnegative().optional(),
  /** CAM size in feature cells [height, width]: the finest place a map can point to. */
  mapSize: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
  /** Deletion AUC per image (Petsiuk et al. 2018); lower is better. */
  deletionAuc: z.array(finite),
  /** Deletion AUC of a random deletion order on the same images, the baseline to beat. */
  deletionAucRandom: z.array(finite),
});

/** A run warning (core RunWarning); files written before warnings were structured hold plain strings, read as notes. */
export const runWarningSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { kind: 'note', detail: v } : v),
  z.object({ kind: z.enum(['left-out', 'truncated-read', 'metric', 'alignment', 'note']), file: z.string().optional(), detail: z.string() }),
);

export const foldRecordSchema = z.object({
  architecture: z.string(),
  pathway: z.enum(['automated', 'intervention', 'auto']),
  /** 0-based fold index; 0 of 1 for an evaluation. */
  fold: z.number().int().nonnegative(),
  folds: z.number().int().positive(),
  seed: z.number().int(),
  /** Hash of everything that determines this fold's result; a resumed run reuses a fold only when it matches. */
  configHash: z.string(),
  train: z.object({ images: z.number().int().nonnegative(), patients: z.number().int().nonnegative() }),
  test: z.object({ images: z.number().int().nonnegative(), patients: z.number().int().nonnegative() }),
  history: z.array(historyEntrySchema),
  bestEpoch: z.number().int().nullable(),
  predictions: z.array(predictionSchema),
  /** Decision threshold on the positive probability. */
  threshold: z.number().min(0).max(1),
  /** The trainer's runtime (cv), or the inference runtime (evaluate); see `trainedOn` / `predictedOn`. */
  runtime: z.object({ backend: z.string(), engine: z.string() }),
  /** Where the gradient steps ran, as a runtime id ("tfjs:wasm/fp32"); absent for an evaluation. */
  trainedOn: z.string().optional(),
  /** Where the held-out predictions and CAMs ran ("onnx:cpu/fp32"). */
  predictedOn: z.string().optional(),
  durationMs: z.number().nonnegative(),
  camCases: z.array(camCaseSchema),
  camQuality: camQualitySchema.optional(),
  /** The trained bundle folder, relative to the results file, when kept. */
  bundle: z.string().optional(),
  /** Per-image failures (unreadable file …), truncated files read on request, metric warnings (one-class fold …). */
  warnings: z.array(runWarningSchema),
});

export const experimentSchema = z.object({
  schema: z.literal(EXPERIMENT_SCHEMA),
  version: z.literal(EXPERIMENT_VERSION),
  protocol: z.enum(['cross-validation', 'evaluation']),
  createdAt: z.string(),
  tool: z.string(),
  /** The settings of the run (architectures, pathways, folds, epochs, mode, input size …), as given. */
  config: z.record(z.string(), z.unknown()),
  dataset: z.object({
    manifest: z.string(),
    images: z.number().int().nonnegative(),
    patients: z.number().int().nonnegative(),
    patientIdsKnown: z.boolean(),
    /** The two class names, as the manifest declares them. */
    labels: z.tuple([z.string(), z.string()]),
    positiveLabel: z.string(),
  }),
  runs: z.array(foldRecordSchema),
  /** Auto pathway: manual (clicks) and automatic crops of the same images, for the report's gallery. */
  alignmentGallery: z
    .array(
      z.object({
        id: z.string(),
        /** PNG, relative to the results file: the manual crop left, the auto crop right. */
        png: z.string(),
        confidence: z.number(),
        warning: z.string().optional(),
      }),
    )
    .optional(),
});

export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export type Prediction = z.infer<typeof predictionSchema>;
export type CamCase = z.infer<typeof camCaseSchema>;
export type CamQualityResult = z.infer<typeof camQualitySchema>;
export type FoldRecord = z.infer<typeof foldRecordSchema>;
export type ExperimentResults = z.infer<typeof experimentSchema>;
