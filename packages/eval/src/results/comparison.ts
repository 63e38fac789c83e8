/**
 * The results file of a runtime comparison (`affnet compare`): one trained bundle run on every
 * runtime; absent runtimes are listed with the reason. Validated with zod and versioned.
 */
import { z } from 'zod';

export const COMPARISON_SCHEMA = 'affnet-runtime-comparison';
export const COMPARISON_VERSION = 1;

const latencySchema = z.object({ p50: z.number(), p90: z.number(), p95: z.number(), p99: z.number(), mean: z.number(), sd: z.number(), runs: z.number().int() });

export const sweepPointSchema = z.object({
  runtime: z.string(),
  batch: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  latencyMs: latencySchema,
  imagesPerSecond: z.number(),
  windows: z.number().int(),
  stable: z.boolean(),
});

export const runtimeResultSchema = z.object({
  /** e.g. "tfjs/wasm/fp32", "onnx/cpu/int8", "transformers.js/cpu/fp32". */
  id: z.string(),
  backend: z.string(),
  engine: z.string(),
  precision: z.enum(['fp32', 'fp16', 'int8']),
  available: z.boolean(),
  /** Why the runtime is absent or failed. */
  reason: z.string().optional(),
  /** What the runtime itself reported running on (may differ in details from the request). */
  reportedEngine: z.string().optional(),
  /** Images whose probabilities were computed (fewer than `images` when the time budget ran out). */
  imagesCompared: z.number().int().nonnegative().optional(),
  /** What was cut short, and why. */
  note: z.string().optional(),
  /** Fraction of images given the same label as the reference runtime (over the images both computed). */
  labelAgreement: z.number().min(0).max(1).optional(),
  /** Largest |Δ probability of the positive class| against the reference runtime. */
  maxAbsDeltaProbability: z.number().nonnegative().optional(),
  meanAbsDeltaProbability: z.number().nonnegative().optional(),
  /** ROC-AUC on the labelled images (NaN written as null when one class is missing). */
  auc: z.number().nullable().optional(),
  /** Percentile-bootstrap CI of the AUC over images (500 resamples, seed 1). */
  aucCi: z.object({ lower: z.number(), upper: z.number(), confidence: z.number() }).optional(),
  /** Mean Pearson correlation of the raw CAMs with the reference runtime's, over the first images. */
  camCorrelation: z.number().optional(),
  /** Measured on a few images at batch 1 only (slower than the threshold). */
  slow: z.boolean().optional(),
  /** Batch 1, one request in flight (the sweep's first point). */
  latencyMs: z.object({ p50: z.number(), p95: z.number(), runs: z.number().int() }).optional(),
  /** The sweep's highest throughput and its batch size. */
  throughput: z.object({ imagesPerSecond: z.number(), batch: z.number().int(), runs: z.number().int() }).optional(),
  /** Every measured point of the sweep (batch sizes × requests in flight). */
  points: z.array(sweepPointSchema).optional(),
  /** Load + first inference at batch 1, milliseconds. */
  coldStartMs: z.number().optional(),
  /** Peak resident set size above the level before loading, MiB (see `memoryMethod`). */
  peakRssDeltaMiB: z.number().optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export const comparisonSchema = z.object({
  schema: z.literal(COMPARISON_SCHEMA),
  version: z.literal(COMPARISON_VERSION),
  createdAt: z.string(),
  tool: z.string(),
  bundle: z.object({
    path: z.string(),
    architecture: z.string(),
    inputSize: z.number().int(),
    pathway: z.string(),
  }),
  images: z.number().int().nonnegative(),
  /** The runtime the others are compared with. */
  reference: z.string(),
  /** How peak memory was measured, in words, shown under the table. */
  memoryMethod: z.string(),
  /** Machine and load while measuring (CPU model and ISA, cores, memory, GPU, versions). */
  machine: z.record(z.string(), z.union([z.string(), z.number()])),
  /** Reading and preprocessing the compared images (apart from inference), ms per image. */
  preprocessingMsPerImage: z.number().optional(),
  /** The fastest configuration that meets the constraints (stats.ts chooseVerdict). */
  verdict: z
    .object({
      text: z.string(),
      runtime: z.string().optional(),
      batch: z.number().int().optional(),
      concurrency: z.number().int().optional(),
      constraints: z.object({ maxP95Ms: z.number(), minAgreement: z.number(), maxDeltaP: z.number() }),
      excluded: z.array(z.string()),
    })
    .optional(),
  runtimes: z.array(runtimeResultSchema),
});

export type RuntimeResult = z.infer<typeof runtimeResultSchema>;
export type ComparisonResults = z.infer<typeof comparisonSchema>;
