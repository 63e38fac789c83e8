/**
 * Frozen-trunk extras: features from another loaded model (the trunk check), a feature cache shared
 * between trainings, augmentation draws that follow the sample's key, standardised features folded
 * back into the saved head, L2 on the head, and an exact resume with a standardised head.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildNetwork, createBundleManifest, createFeatureCache, initWeights, type ModelBundle, type TrainOptions } from '@affnet/core';
import { loadTfjsModel, trainTfjs } from '../../src/index.js';
import { sameWeights, syntheticSource } from './fixtures.js';

function startBundle(seed: number): ModelBundle {
  const graph = buildNetwork('resnet18', { inputSize: 32 });
  return {
    manifest: createBundleManifest({ architecture: 'resnet18', inputSize: 32, tool: 'test', initialisation: 'random', seed }),
    weights: initWeights(graph, seed),
  };
}

const base = (): TrainOptions<number> => ({
  architecture: 'resnet18',
  inputSize: 32,
  bundle: startBundle(5),
  train: syntheticSource(8, 32),
  validation: syntheticSource(4, 32),
  mode: 'frozen-trunk',
  epochs: 4,
  batchSize: 4,
  optimizer: 'adam',
  learningRate: 1e-2,
  seed: 3,
  backendOptions: { engines: ['wasm'] },
});

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** Probabilities of a bundle on a source's images (through the ordinary inference path). */
async function predict(bundle: ModelBundle, n: number): Promise<Float32Array> {
  const source = syntheticSource(n, 32);
  const data = new Float32Array(n * 32 * 32 * 3);
  for (let i = 0; i < n; i++) data.set((source.load(i, { index: i, epoch: 0, draw: 0, augment: false, rng: undefined as never }) as { data: Float32Array }).data, i * 32 * 32 * 3);
  const model = await loadTfjsModel(bundle, { engines: ['wasm'] });
  try {
    return (await model.forward({ data, shape: [n, 32, 32, 3] })).probabilities;
  } finally {
    await model.dispose();
  }
}

describe('standardised features', () => {
  it('trains on standardised features and saves an equivalent GAP → dense head (CAM stays exact)', async () => {
    const result = await trainTfjs({ ...base(), standardiseFeatures: true, epochs: 5 });
    const last = result.history.at(-1)!;
    // The saved (folded) network gives the validation loss the runner measured on standardised features.
    const p = await predict(result.bundle, 4);
    const labels = [0, 1, 0, 1];
    const loss = -labels.reduce((s, l, i) => s + Math.log(Math.min(Math.max(p[i * 2 + l]!, 1e-7), 1 - 1e-7)), 0) / 4;
    expect(loss).toBeCloseTo(last.valLoss!, 4);
    expect(result.bundle.manifest.provenance.training).toMatchObject({ standardiseFeatures: true, trunk: 'tfjs' });
    // Only the head changed, and it differs from an unstandardised run's.
    expect(sameWeights(base().bundle!.weights, result.bundle.weights)).toEqual(['predictions/kernel', 'predictions/bias']);
    const plain = await trainTfjs({ ...base(), epochs: 5 });
    expect(maxAbsDiff(plain.bundle.weights.get('predictions/kernel')!.data, result.bundle.weights.get('predictions/kernel')!.data)).toBeGreaterThan(1e-3);
  });

  it('resumes a standardised run exactly (the head is saved unfolded in the training state)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'affnet-std-resume-'));
    try {
      const options = { ...base(), standardiseFeatures: true, l2: 0.01 };
      const uninterrupted = await trainTfjs(options);
      const kill = new AbortController();
      const first = await trainTfjs({ ...options, checkpointDir: dir, signal: kill.signal, onProgress: (p) => p.phase === 'epoch' && p.epoch === 2 && kill.abort() });
      expect(first.stopReason).toBe('aborted');
      const resumed = await trainTfjs({ ...options, checkpointDir: dir });
      expect(resumed.resumedFrom).toBe(2);
      expect(resumed.history.map((h) => h.loss)).toEqual(uninterrupted.history.map((h) => h.loss));
      expect(sameWeights(uninterrupted.bundle.weights, resumed.bundle.weights)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('L2 on the head', () => {
  it('shrinks the classifier kernel and is recorded', async () => {
    const norm = (b: ModelBundle) => b.weights.get('predictions/kernel')!.data.reduce((s, v) => s + v * v, 0);
    const free = await trainTfjs({ ...base(), standardiseFeatures: true, epochs: 6 });
    const penalised = await trainTfjs({ ...base(), standardiseFeatures: true, epochs: 6, l2: 1 });
    expect(norm(penalised.bundle)).toBeLessThan(0.5 * norm(free.bundle));
    expect(penalised.bundle.manifest.provenance.training).toMatchObject({ l2: 1 });
  });

  it('refuses a negative penalty and frozen-trunk options in other modes', async () => {
    await expect(trainTfjs({ ...base(), l2: -1 })).rejects.toThrow(/l2: expected a number ≥ 0/);
    await expect(trainTfjs({ ...base(), mode: 'full', standardiseFeatures: true })).rejects.toThrow(/standardiseFeatures: only for mode "frozen-trunk"/);
    await expect(trainTfjs({ ...base(), mode: 'top-blocks', topBlocks: 1, featureCache: createFeatureCache() })).rejects.toThrow(/featureCache: only for mode "frozen-trunk"/);
  });
});

describe('trunk features from another loaded model', () => {
  it('uses the model (global average of its feature map) and reaches the same head', async () => {
    const start = startBundle(5);
    const trunk = await loadTfjsModel(start, { engines: ['wasm'] });
    try {
      const own = await trainTfjs({ ...base(), bundle: start });
      const train = syntheticSource(8, 32);
      const other = await trainTfjs({ ...base(), bundle: start, train, trunk });
      expect(train.calls).toHaveLength(8);
      expect(maxAbsDiff(own.bundle.weights.get('predictions/kernel')!.data, other.bundle.weights.get('predictions/kernel')!.data)).toBeLessThan(1e-4);
      expect(other.history.at(-1)!.valLoss).toBeCloseTo(own.history.at(-1)!.valLoss!, 4);
      expect(other.bundle.manifest.provenance.training).toMatchObject({ trunk: 'tfjs:wasm/fp32' });
    } finally {
      await trunk.dispose();
    }
  });

  it('refuses a trunk that does not hold the starting weights, naming the tensors', async () => {
    const trunk = await loadTfjsModel(startBundle(6), { engines: ['wasm'] });
    try {
      await expect(trainTfjs({ ...base(), bundle: startBundle(5), trunk })).rejects.toThrow(/trunk: the trunk model's weights differ from the starting weights in \d+ tensor\(s\) \(conv1/);
    } finally {
      await trunk.dispose();
    }
  });
});

describe('a feature cache shared between trainings', () => {
  it('computes each keyed image once; later trainings reuse it and reach the same weights', async () => {
    const cache = createFeatureCache();
    const first = syntheticSource(8, 32, { keyed: true });
    const val = syntheticSource(4, 32, { keyed: true });
    const a = await trainTfjs({ ...base(), train: first, validation: val, featureCache: cache });
    expect(first.calls).toHaveLength(8);
    expect(cache.size).toBe(8); // the 4 validation images are images 0–3 of the training set (same keys)
    // Another "fold": the same images in another order, another head seed; no trunk pass at all.
    const second = syntheticSource(8, 32, { keyed: true, order: [7, 6, 5, 4, 3, 2, 1, 0] });
    const val2 = syntheticSource(4, 32, { keyed: true });
    const hits = cache.hits;
    await trainTfjs({ ...base(), train: second, validation: val2, featureCache: cache, seed: 9 });
    expect(second.calls).toHaveLength(0);
    expect(val2.calls).toHaveLength(0);
    expect(cache.hits - hits).toBe(12);
    // Same features as without the cache: the same result.
    const uncached = await trainTfjs({ ...base(), train: syntheticSource(8, 32, { keyed: true }), validation: syntheticSource(4, 32, { keyed: true }) });
    expect(sameWeights(a.bundle.weights, uncached.bundle.weights)).toEqual([]);
  });

  it('keys augmentation draws by sample key and augmentSeed, not by position or the run seed', async () => {
    const cache = createFeatureCache();
    const opts = { ...base(), augment: true, augmentDraws: 2, augmentSeed: 42, validation: undefined } as TrainOptions<number>;
    const a = syntheticSource(8, 32, { keyed: true });
    await trainTfjs({ ...opts, train: a, featureCache: cache });
    expect(a.calls).toHaveLength(16);
    // Another order and run seed, same augmentSeed: all 16 draws come from the cache.
    const b = syntheticSource(8, 32, { keyed: true, order: [3, 1, 2, 0, 5, 4, 7, 6] });
    await trainTfjs({ ...opts, train: b, featureCache: cache, seed: 77 });
    expect(b.calls).toHaveLength(0);
    // Another augmentSeed: new draws.
    const c = syntheticSource(8, 32, { keyed: true });
    await trainTfjs({ ...opts, train: c, featureCache: cache, augmentSeed: 43 });
    expect(c.calls).toHaveLength(16);
    // A keyed image's augmented features do not depend on its position in the list.
    const record = async (order?: number[]) => {
      const seen = new Map<string, Float32Array>();
      await trainTfjs({ ...opts, epochs: 1, train: syntheticSource(8, 32, { keyed: true, ...(order ? { order } : {}) }), featureCache: { get: () => undefined, set: (k, v) => seen.set(k, v) } });
      return seen;
    };
    const x = await record();
    const y = await record([7, 6, 5, 4, 3, 2, 1, 0]);
    expect(x.size).toBe(16);
    expect([...y.keys()].sort()).toEqual([...x.keys()].sort());
    for (const [k, v] of x) expect(maxAbsDiff(v, y.get(k)!)).toBe(0);
  });
});

afterAll(() => {
  tf.disposeVariables();
});
