/** Small seeded bundles of the real core networks for runtime and parity tests. */
import { buildNetwork, type Architecture, type ModelBundle } from '@affnet/core';
import { exportOnnx } from '../../src/export/exporter.js';
import { runOnnx } from './ort.js';
import { randomImages, randomWeights, rng } from './random.js';

export function manifest(architecture: Architecture, inputSize: number, labels = ['AFF', 'NFF']): ModelBundle['manifest'] {
  return {
    format: 'affnet-bundle',
    formatVersion: 1,
    architecture,
    inputSize,
    labels,
    positiveLabel: labels[0]!,
    preprocessing: { pathway: 'automated', inputSize, normalisation: 'zscore' },
    provenance: { createdAt: '2026-11-27T00:00:00Z', tool: 'backend-onnx tests', initialisation: 'random', seed: 1 },
  };
}

/**
 * A bundle with random weights and non-trivial batch-norm statistics whose classifier is rescaled
 * so that the logits spread over a few units on typical images: probabilities from 0.05 to 0.95
 * rather than saturated 0 / 1, so that probability comparisons mean something.
 */
export async function randomBundle(architecture: Architecture, inputSize: number, seed: number, labels = ['AFF', 'NFF']): Promise<ModelBundle> {
  const graph = buildNetwork(architecture, { inputSize, numClasses: labels.length });
  const weights = randomWeights(graph, seed);
  const kernel = weights.get('predictions/kernel')!;
  const bias = weights.get('predictions/bias')!;
  bias.data.fill(0);
  const probe = randomImages(8, inputSize, seed + 1);
  const { bytes } = exportOnnx(graph, weights, { outputs: { probabilities: false, features: false, logits: 'logits' } });
  const { logits } = await runOnnx(bytes, { input: { data: probe, dims: [8, inputSize, inputSize, 3] } });
  const k = labels.length;
  const diffs = Array.from({ length: 8 }, (_, b) => logits!.data[b * k]! - logits!.data[b * k + 1]!);
  const mean = diffs.reduce((a, v) => a + v, 0) / diffs.length;
  const sd = Math.sqrt(diffs.reduce((a, v) => a + (v - mean) ** 2, 0) / diffs.length) || 1;
  const scale = 1.5 / sd;
  for (let i = 0; i < kernel.data.length; i++) kernel.data[i]! *= scale;
  // centre the first class's logit difference on 0, so that both labels occur
  const r = rng(seed + 2);
  bias.data[0] = -mean * scale + 0.1 * (r() - 0.5);
  return { manifest: manifest(architecture, inputSize, labels), weights };
}
