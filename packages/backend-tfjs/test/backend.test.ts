import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildNetwork,
  classActivationMaps,
  createBackendRegistry,
  createBundleManifest,
  initWeights,
  isAffnetError,
  mapMeans,
  predictImages,
  writeBundle,
  type ImageBatch,
  type LoadedModel,
  type ModelBundle,
} from '@affnet/core';
import { createTfjsBackend, loadTfjsModel, register } from '../src/index.js';

function bundleOf(arch: 'resnet18' | 'resnet50', size: number, seed: number): ModelBundle {
  return {
    manifest: createBundleManifest({ architecture: arch, inputSize: size, tool: 'test', initialisation: 'random', seed }),
    weights: initWeights(buildNetwork(arch, { inputSize: size }), seed),
  };
}

function batchOf(n: number, size: number, seed: number): ImageBatch {
  const data = tf.tidy(() => tf.randomNormal([n, size, size, 3], 0, 1, 'float32', seed).dataSync() as Float32Array);
  return { data: Float32Array.from(data), shape: [n, size, size, 3] };
}

describe('tfjs inference backend', () => {
  const bundle = bundleOf('resnet18', 64, 3);
  let model: LoadedModel;
  let dir: string;
  beforeAll(async () => {
    model = await loadTfjsModel(bundle, { engines: ['wasm'], maxBatch: 2 });
    dir = await mkdtemp(join(tmpdir(), 'affnet-backend-'));
  });
  afterAll(async () => {
    await model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the engine it runs on', () => {
    expect(model.runtime).toMatchObject({ backend: 'tfjs', engine: 'wasm', precision: 'fp32', details: { tfBackend: 'wasm' } });
  });

  it('gives softmax probabilities and the feature map, batched in chunks of maxBatch', async () => {
    const batch = batchOf(5, 64, 1);
    const all = await model.forward(batch, { features: true });
    expect(all.numClasses).toBe(2);
    expect(all.probabilities).toHaveLength(10);
    for (let i = 0; i < 5; i++) expect(all.probabilities[2 * i]! + all.probabilities[2 * i + 1]!).toBeCloseTo(1, 5);
    expect(all.features!.shape).toEqual([5, 2, 2, 512]); // ResNet: input / 32
    const per = 64 * 64 * 3;
    for (let i = 0; i < 5; i++) {
      const one = await model.forward({ data: batch.data.subarray(i * per, (i + 1) * per), shape: [1, 64, 64, 3] });
      expect(one.probabilities[0]).toBeCloseTo(all.probabilities[2 * i]!, 5);
      expect(one.features).toBeUndefined();
    }
  });

  it('CAM (core predictImages on this runtime): the spatial mean of each 2×2 map plus the dense bias is the class logit', async () => {
    const batch = batchOf(3, 64, 2);
    const out = await model.forward(batch, { features: true });
    const cam0 = classActivationMaps(bundle, out, [0, 0, 0]);
    const cam1 = classActivationMaps(bundle, out, [1, 1, 1]);
    expect(cam0[0]!.shape).toEqual([1, 2, 2]);
    const bias = bundle.weights.get('predictions/bias')!.data;
    for (let i = 0; i < 3; i++) {
      const l0 = mapMeans(cam0[i]!)[0]! + bias[0]!;
      const l1 = mapMeans(cam1[i]!)[0]! + bias[1]!;
      expect(1 / (1 + Math.exp(l1 - l0))).toBeCloseTo(out.probabilities[2 * i]!, 4);
    }
    // The runtime-neutral step gives the decided class's map and the same probabilities.
    const per = 64 * 64 * 3;
    const predicted = await predictImages(
      model,
      [0, 1, 2].map((i) => ({ data: batch.data.subarray(i * per, (i + 1) * per) })),
      { cam: true },
    );
    for (let i = 0; i < 3; i++) {
      expect(predicted[i]!.probability).toBeCloseTo(out.probabilities[2 * i]!, 6);
      const mine = predicted[i]!.classIndex === 0 ? cam0[i]! : cam1[i]!;
      expect(Array.from(predicted[i]!.cam!.data)).toEqual(Array.from(mine.data).map((v) => expect.closeTo(v, 5)));
    }
  });

  it.each([
    ['a wrong input size', { data: new Float32Array(32 * 32 * 3), shape: [1, 32, 32, 3] }, 'E_BATCH_INVALID', /batch shape \[1, 32, 32, 3\] does not fit the model input \[n, 64, 64, 3\]/],
    ['a wrong value count', { data: new Float32Array(10), shape: [1, 64, 64, 3] }, 'E_BATCH_INVALID', /batch has 10 values, its shape \[1, 64, 64, 3\] needs 12288/],
    [
      'a NaN',
      { data: new Float32Array(2 * 64 * 64 * 3).fill(Number.NaN, 20000, 20001), shape: [2, 64, 64, 3] },
      'E_INPUT_NOT_FINITE',
      /image 1 of the batch holds a non-finite value \(NaN\) at index 20000/,
    ],
  ] as [string, ImageBatch, 'E_BATCH_INVALID' | 'E_INPUT_NOT_FINITE', RegExp][])('rejects %s with the shared error code', async (_, batch, code, message) => {
    const err = await model.forward(batch).catch((e: unknown) => e);
    expect(isAffnetError(err, code)).toBe(true);
    expect((err as Error).message).toMatch(message);
  });

  it('loads a bundle folder and gives the in-memory bundle results', async () => {
    await writeBundle(join(dir, 'b'), bundle);
    const fromDisk = await loadTfjsModel(join(dir, 'b'), { engines: ['wasm'] });
    const batch = batchOf(2, 64, 4);
    const a = await model.forward(batch);
    const b = await fromDisk.forward(batch);
    expect(Array.from(b.probabilities)).toEqual(Array.from(a.probabilities));
    expect(fromDisk.bundle.path).toBe(join(dir, 'b'));
    await fromDisk.dispose();
  });

  it('names a missing bundle folder', async () => {
    const err = await loadTfjsModel(join(dir, 'none')).catch((e: unknown) => e);
    expect(isAffnetError(err, 'E_FILE_NOT_FOUND')).toBe(true);
  });

  it('registers in a registry without import side effects and lists its engines', async () => {
    const registry = createBackendRegistry();
    register(registry);
    const resolved = await registry.resolve(['tfjs']);
    expect(resolved.name).toBe('tfjs');
    expect((await resolved.backend.engines()).map((e) => e.engine)).toEqual(['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu']);
    expect(createTfjsBackend().name).toBe('tfjs');
  });

  it('tf.memory() stays flat across 1,000 predictions', async () => {
    const small = await loadTfjsModel(bundleOf('resnet18', 32, 9), { engines: ['wasm'] });
    const batch = batchOf(1, 32, 5);
    await small.forward(batch, { features: true }); // first call builds kernels' caches
    const before = tf.memory();
    for (let i = 0; i < 1000; i++) await small.forward(batch, { features: i % 2 === 0 });
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    await small.dispose();
  }, 240_000); // ~10 s on an idle core; generous for a shared CI machine

  it('the cpu engine gives the wasm probabilities (real ResNet50, 32 px)', async () => {
    const b50 = bundleOf('resnet50', 32, 12);
    const batch = batchOf(2, 32, 6);
    const onWasm = await loadTfjsModel(b50, { engines: ['wasm'] });
    const w = await onWasm.forward(batch);
    await onWasm.dispose();
    const onCpu = await loadTfjsModel(b50, { engines: ['cpu'] });
    expect(onCpu.runtime.engine).toBe('cpu');
    const c = await onCpu.forward(batch);
    await onCpu.dispose();
    for (let i = 0; i < 4; i++) expect(c.probabilities[i]).toBeCloseTo(w.probabilities[i]!, 4);
  });
});
