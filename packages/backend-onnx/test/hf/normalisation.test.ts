// The Hugging Face folder z-scores inside the graph: a bundle trained on ImageNet 'caffe' input is refused.
import { describe, expect, it } from 'vitest';
import { buildNetwork, initWeights, isAffnetError, type ModelBundle } from '@affnet/core';
import { exportHfVariant } from '../../src/hf/folder.js';
import { manifest } from '../helpers/bundle.js';

describe('exportHfVariant and the bundle normalisation', () => {
  const graph = buildNetwork('resnet18', { inputSize: 32, numClasses: 2 });
  const weights = initWeights(graph, 3);

  it("refuses an 'imagenet-caffe' bundle, naming the bundle and the normalisation", async () => {
    const m = manifest('resnet18', 32);
    const bundle: ModelBundle = { manifest: { ...m, preprocessing: { ...m.preprocessing, normalisation: 'imagenet-caffe' } }, weights, path: '/b/caffe' };
    const error = await exportHfVariant(bundle, 'fp32').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAffnetError(error, 'E_OPTION_INVALID')).toBe(true);
    expect(String(error)).toMatch(/\/b\/caffe: Hugging Face export: the graph normalises its input by per-image z-score, but this bundle was trained on "imagenet-caffe" input/);
  });

  it('exports a zscore bundle', async () => {
    const out = await exportHfVariant({ manifest: manifest('resnet18', 32), weights }, 'fp32');
    expect(out.bytes.byteLength).toBeGreaterThan(1_000_000);
  });
});
