/**
 * Training modes on a real architecture at a small input (ResNet18, 32 px): frozen trunk with cached
 * features, top-K blocks, early stopping with restore-best, progress and history.
 */
import { describe, expect, it } from 'vitest';
import { buildNetwork, createBundleManifest, initWeights, type ModelBundle, type TrainOptions, type TrainProgress } from '@affnet/core';
import { trainTfjs } from '../../src/index.js';
import { sameWeights, syntheticSource } from './fixtures.js';

function startBundle(seed: number): ModelBundle {
  const graph = buildNetwork('resnet18', { inputSize: 32 });
  return {
    manifest: createBundleManifest({ architecture: 'resnet18', inputSize: 32, tool: 'test', initialisation: 'random', seed }),
    weights: initWeights(graph, seed),
  };
}

const common = (): Partial<TrainOptions<number>> => ({
  architecture: 'resnet18',
  inputSize: 32,
  batchSize: 4,
  optimizer: 'adam',
  learningRate: 1e-2,
  seed: 3,
  backendOptions: { engines: ['wasm'] },
});

describe('frozen trunk with cached features', () => {
  it('runs the trunk once per image and draw, trains the head only, and learns', async () => {
    const train = syntheticSource(8, 32);
    const validation = syntheticSource(4, 32);
    const start = startBundle(5);
    const phases: TrainProgress['phase'][] = [];
    const result = await trainTfjs({
      ...common(),
      bundle: start,
      train,
      validation,
      mode: 'frozen-trunk',
      epochs: 6,
      augment: true,
      augmentDraws: 2,
      onProgress: (p) => phases.push(p.phase),
    } as TrainOptions<number>);
    // 8 images × 2 draws, 4 validation images: nothing more, whatever the number of epochs.
    expect(train.calls).toHaveLength(16);
    expect(new Set(train.calls.map((c) => `${c[1]}/${c[2]}/${c[3]}`))).toEqual(new Set(['-1/0/true', '-1/1/true']));
    expect(validation.calls).toHaveLength(4);
    expect(validation.calls.every((c) => c[3] === false)).toBe(true);
    const changed = [...start.weights.keys()].filter((k) => sameWeights(new Map([[k, start.weights.get(k)!]]), result.bundle.weights).length > 0);
    expect(changed).toEqual(['predictions/kernel', 'predictions/bias']);
    const h = result.history;
    expect(h).toHaveLength(6);
    expect(h[5]!.loss).toBeLessThan(h[0]!.loss);
    expect(h.every((e) => e.valLoss !== undefined && e.valAccuracy !== undefined && e.valAuc !== undefined)).toBe(true);
    expect(phases[0]).toBe('features');
    expect(phases.filter((p) => p === 'epoch')).toHaveLength(6);
    expect(phases.slice(-3)).toEqual(['train', 'validate', 'epoch']);
    expect(result.bundle.manifest.provenance).toMatchObject({ initialisation: 'trained', seed: 3, training: { mode: 'frozen-trunk', startedFrom: 'random' } });
    expect(result.bundle.manifest.metrics).toMatchObject({ valAuc: h[5]!.valAuc, valLoss: h[5]!.valLoss });
  });
});

describe('top-K blocks', () => {
  it('trains the last K blocks; the frozen ones (BN statistics included) stay as they were', async () => {
    const start = startBundle(6);
    const result = await trainTfjs({ ...common(), bundle: start, train: syntheticSource(4, 32), mode: 'top-blocks', topBlocks: 2, epochs: 1 } as TrainOptions<number>);
    const changed = new Set(sameWeights(start.weights, result.bundle.weights));
    const blockOf = (name: string) => name.split('_')[0]!;
    expect([...changed].every((n) => n.startsWith('conv5_') || n.startsWith('predictions/'))).toBe(true);
    expect(changed.has('predictions/kernel')).toBe(true);
    expect(changed.has('conv5_block1_1_conv/kernel')).toBe(true);
    expect(changed.has('conv5_block2_2_bn/moving_mean')).toBe(true); // trained blocks run BN in training mode
    expect([...start.weights.keys()].filter((n) => ['conv1', 'conv2', 'conv3', 'conv4'].includes(blockOf(n))).some((n) => changed.has(n))).toBe(false);
  });
});

describe('early stopping on the validation loss', () => {
  it('stops after `patience` epochs without improvement and returns the best epoch weights', async () => {
    // Validation labels are the opposite of the training ones: learning makes validation worse.
    const base = { ...common(), bundle: startBundle(7), train: syntheticSource(8, 32), validation: syntheticSource(4, 32, { flipLabels: true }), mode: 'frozen-trunk' };
    const stopped = await trainTfjs({ ...base, epochs: 10, earlyStopping: { patience: 2 } } as TrainOptions<number>);
    expect(stopped.stopReason).toBe('early-stopping');
    expect(stopped.history).toHaveLength(3);
    expect(stopped.bestEpoch).toBe(1);
    expect(stopped.history[1]!.valLoss).toBeGreaterThan(stopped.history[0]!.valLoss!);
    const oneEpoch = await trainTfjs({ ...base, epochs: 1 } as TrainOptions<number>);
    expect(sameWeights(oneEpoch.bundle.weights, stopped.bundle.weights)).toEqual([]);
    expect(stopped.bundle.manifest.metrics?.valLoss).toBe(stopped.history[0]!.valLoss);

    const patience0 = await trainTfjs({ ...base, epochs: 10, earlyStopping: { patience: 0 } } as TrainOptions<number>);
    expect(patience0.history).toHaveLength(2); // as Keras: the first epoch without improvement stops
    expect(patience0.bestEpoch).toBe(1);

    const last = await trainTfjs({ ...base, epochs: 10, earlyStopping: { patience: 2, restoreBest: false } } as TrainOptions<number>);
    expect(last.bestEpoch).toBe(3);
    expect(sameWeights(oneEpoch.bundle.weights, last.bundle.weights)).toEqual(['predictions/kernel', 'predictions/bias']);
  });
});
