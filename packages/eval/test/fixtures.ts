/**
 * Hand-made results files for the report tests: every number in them is chosen so that the
 * tables' expected values can be written out in the tests.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { COMPARISON_SCHEMA, COMPARISON_VERSION, type ComparisonResults } from '../src/results/comparison.js';
import { EXPERIMENT_SCHEMA, EXPERIMENT_VERSION, type ExperimentResults, type FoldRecord, type Prediction } from '../src/results/experiment.js';

/**
 * One fold of 10 images (patients p<fold>-<0..4>, two images each; 5 AFF, 5 NFF) with `errors`
 * misclassified images: the first `errors` AFF images get p = 0.3, the rest are right.
 */
export function foldPredictions(fold: number, errors: number): Prediction[] {
  const out: Prediction[] = [];
  for (let i = 0; i < 10; i++) {
    const truth = i < 5 ? 1 : 0;
    const wrong = truth === 1 && i < errors;
    out.push({
      id: `img/f${fold}-${i}.png`,
      patientId: `p${fold}-${Math.floor(i / 2)}`,
      label: truth ? 'AFF' : 'NFF',
      truth: truth as 0 | 1,
      probability: truth ? (wrong ? 0.3 : 0.6 + 0.05 * i) : 0.1 + 0.05 * (i - 5),
    });
  }
  return out;
}

/** Errors per fold for each network × pathway (accuracy = 1 − errors / 10). */
export const ERRORS: Record<string, Record<string, number[]>> = {
  resnet50: { automated: [0, 1, 2, 1, 1], intervention: [0, 0, 1, 0, 0] },
  vgg19: { automated: [2, 2, 2, 2, 2], intervention: [1, 1, 1, 1, 1] },
};

export function makeExperiment(overlayDir?: string): ExperimentResults {
  const runs: FoldRecord[] = [];
  for (const [architecture, byPathway] of Object.entries(ERRORS)) {
    for (const [pathway, errors] of Object.entries(byPathway)) {
      errors.forEach((e, fold) => {
        const predictions = foldPredictions(fold, e);
        runs.push({
          architecture,
          pathway: pathway as 'automated' | 'intervention',
          fold,
          folds: 5,
          seed: 7,
          configHash: 'test',
          train: { images: 40, patients: 20 },
          test: { images: 10, patients: 5 },
          history: [1, 2, 3].map((epoch) => ({ epoch, loss: 1 / epoch, accuracy: 0.5 + 0.1 * epoch, valLoss: 1.2 / epoch, valAccuracy: 0.45 + 0.1 * epoch })),
          bestEpoch: 3,
          predictions,
          threshold: 0.5,
          runtime: { backend: 'tfjs', engine: 'wasm' },
          durationMs: 1500,
          camCases: overlayDir
            ? [
                { id: predictions[9]!.id, label: 'NFF', predicted: 'NFF', probability: 0.3, correct: true, overlay: `cam/${architecture}-${pathway}-${fold}-right.png` },
                ...(e > 0 ? [{ id: predictions[0]!.id, label: 'AFF', predicted: 'NFF', probability: 0.3, correct: false, overlay: `cam/${architecture}-${pathway}-${fold}-wrong.png` }] : []),
              ]
            : [],
          camQuality: { pointingHits: 3, pointingTotal: 4, tolerancePx: 15, deletionAuc: [0.2, 0.3], deletionAucRandom: [0.5, 0.6] },
          warnings: [],
        });
      });
    }
  }
  return {
    schema: EXPERIMENT_SCHEMA,
    version: EXPERIMENT_VERSION,
    protocol: 'cross-validation',
    createdAt: '2025-01-01T00:00:00.000Z',
    tool: 'affnet test',
    config: { architectures: ['resnet50', 'vgg19'], pathways: ['automated', 'intervention'], folds: 5, epochs: 3, mode: 'frozen' },
    dataset: { manifest: 'manifest.csv', images: 50, patients: 25, patientIdsKnown: true, labels: ['AFF', 'NFF'], positiveLabel: 'AFF' },
    runs,
  };
}

/** Writes the overlay PNGs named by {@link makeExperiment} (small solid images). */
export async function writeOverlays(dir: string, results: ExperimentResults): Promise<void> {
  mkdirSync(join(dir, 'cam'), { recursive: true });
  for (const r of results.runs) {
    for (const c of r.camCases) {
      await sharp({ create: { width: 24, height: 32, channels: 3, background: c.correct ? '#206020' : '#802020' } })
        .png()
        .toFile(join(dir, c.overlay));
    }
  }
}

export function makeComparison(): ComparisonResults {
  return {
    schema: COMPARISON_SCHEMA,
    version: COMPARISON_VERSION,
    createdAt: '2025-01-01T00:00:00.000Z',
    tool: 'affnet test',
    bundle: { path: 'bundle', architecture: 'resnet50', inputSize: 64, pathway: 'automated' },
    images: 10,
    reference: 'tfjs/cpu/fp32',
    memoryMethod: 'RSS test method',
    machine: { cpu: 'test cpu', cores: 2, load: '1.00' },
    preprocessingMsPerImage: 12.5,
    verdict: {
      text: 'tfjs/cpu/fp32 at batch 16: 123.4 images/s, p95 15.3 ms — the fastest configuration with p95 ≤ 500 ms, label agreement ≥ 99.0%, max |Δp| ≤ 0.05',
      runtime: 'tfjs/cpu/fp32',
      batch: 16,
      concurrency: 1,
      constraints: { maxP95Ms: 500, minAgreement: 0.99, maxDeltaP: 0.05 },
      excluded: ['onnx/cpu/int8: label agreement 90.0% < 99.0%'],
    },
    runtimes: [
      {
        id: 'tfjs/cpu/fp32',
        backend: 'tfjs',
        engine: 'cpu',
        precision: 'fp32',
        available: true,
        reportedEngine: 'tfjs/cpu/fp32',
        labelAgreement: 1,
        maxAbsDeltaProbability: 0,
        auc: 0.96,
        latencyMs: { p50: 12.5, p95: 15.25, runs: 20 },
        throughput: { imagesPerSecond: 123.4, batch: 16, runs: 3 },
        coldStartMs: 250,
        peakRssDeltaMiB: 42.5,
      },
      {
        id: 'onnx/cpu/int8',
        backend: 'onnx',
        engine: 'cpu',
        precision: 'int8',
        available: true,
        reportedEngine: 'onnx/cpu/int8',
        labelAgreement: 0.9,
        maxAbsDeltaProbability: 0.0123,
        meanAbsDeltaProbability: 0.0051,
        auc: 0.94,
        aucCi: { lower: 0.85, upper: 0.99, confidence: 0.95 },
        camCorrelation: 0.9812,
        latencyMs: { p50: 4.5, p95: 5.5, runs: 20 },
        throughput: { imagesPerSecond: 400, batch: 16, runs: 3 },
        points: [
          { runtime: 'onnx/cpu/int8', batch: 1, concurrency: 1, latencyMs: { p50: 4.5, p90: 5, p95: 5.5, p99: 6, mean: 4.6, sd: 0.4, runs: 20 }, imagesPerSecond: 217, windows: 2, stable: true },
          { runtime: 'onnx/cpu/int8', batch: 16, concurrency: 1, latencyMs: { p50: 39, p90: 40, p95: 41, p99: 45, mean: 40, sd: 1.5, runs: 10 }, imagesPerSecond: 400, windows: 3, stable: false },
        ],
        coldStartMs: 80,
        peakRssDeltaMiB: 20,
      },
      { id: 'onnx/cuda/fp32', backend: 'onnx', engine: 'cuda', precision: 'fp32', available: false, reason: 'CUDA provider not installed (ONNXRUNTIME_NODE_INSTALL=cuda12)' },
    ],
  };
}
