/**
 * The results file of a runtime comparison (`affnet compare`): one trained bundle run on every
 * runtime; absent runtimes are listed with the reason. Validated with zod and versioned.
 */
import { z } from 'zod';

export const COMPARISON_SCHEMA = 'affnet-runtime-comparison';
export const COMPARISON_VERSION = 1;

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
  /** ROC-AUC on the labelled images (NaN written as null when one class is missing). */
  auc: z.number().nullable().optional(),
  latencyMs: z.object({ p50: z.number(), p95: z.number(), runs: z.number().int() }).optional(),
  throughput: z.object({ imagesPerSecond: z.number(), batch: z.number().int(), runs: z.number().int() }).optional(),
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
  /** Machine and load while measuring (CPU model, cores, load average). */
  machine: z.record(z.string(), z.union([z.string(), z.number()])),
  runtimes: z.array(runtimeResultSchema),
});

export type RuntimeResult = z.infer<typeof runtimeResultSchema>;
export type ComparisonResults = z.infer<typeof comparisonSchema>;
