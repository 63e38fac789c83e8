import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { camFromFeatures, classActivationMaps, createBackendRegistry, mapMeans, type ModelBundle } from '@affnet/core';
import { exportBundle } from '../../src/export/precision.js';
import { createOnnxBackend } from '../../src/runtime/onnx-backend.js';
import { register } from '../../src/runtime/register.js';
import { toOrtSessionOptions } from '../../src/runtime/session-options.js';
import { randomBundle } from '../helpers/bundle.js';
import { maxAbsDiff } from '../helpers/ort.js';
import { randomImages } from '../helpers/random.js';

/** Providers that start on this machine (a GPU machine with CUDA / TensorRT installed skips the "absent" tests). */
const installed = new Set((await createOnnxBackend().engines()).filter((e) => e.available).map((e) => e.engine));

// ResNet18 at 32 px: every layer kind of the ResNets (folded BN, folded pads, residual adds), small.
const SIZE = 32;
let bundle: ModelBundle;
const dir = mkdtempSync(join(tmpdir(), 'affnet-onnx-backend-'));
const batch = (n: number, seed = 3) => ({ data: randomImages(n, SIZE, seed), shape: [n, SIZE, SIZE, 3] as [number, number, number, number] });

beforeAll(async () => {
  bundle = await randomBundle('resnet18', SIZE, 21);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('onnx backend: providers', () => {
  it('lists every provider with a reason for the absent ones', async () => {
    const engines = await createOnnxBackend().engines();
    expect(engines.map((e) => e.engine)).toEqual(['tensorrt', 'cuda', 'webgpu', 'cpu']);
    expect(engines.find((e) => e.engine === 'cpu')).toEqual({ engine: 'cpu', available: true });
    for (const e of engines.filter((x) => !x.available)) expect(e.reason).toMatch(/^(not installed|failed to start): .{20,}|^no GPU device on this machine/);
  });

  // Skipped, with the reason in the test name, on a machine with the provider installed.
  it.each((['cuda', 'tensorrt'] as const).filter((e) => !installed.has(e)))('asking for %s where it is absent is E_BACKEND_UNAVAILABLE naming it, not a CPU run', async (engine) => {
    const err = await createOnnxBackend()
      .load(bundle, { engines: [engine], cacheDir: dir })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_BACKEND_UNAVAILABLE' });
    expect(String(err)).toMatch(new RegExp(`\\[${engine}\\] not installed: libonnxruntime_providers_${engine}\\.so .*allowFallback`));
  });

  it.skipIf(installed.has('cuda'))('falls back to the CPU only when asked, and says what it skipped (skipped where CUDA is installed)', async () => {
    const model = await createOnnxBackend().load(bundle, { engines: ['cuda'], allowFallback: true, cacheDir: dir });
    expect(model.runtime.engine).not.toBe('cuda');
    expect(String(model.runtime.details!.skipped)).toMatch(/\[cuda\] not installed/);
    await model.dispose();
  });

  it('rejects an unknown provider with the valid names', async () => {
    await expect(createOnnxBackend().load(bundle, { engines: ['cudaa' as 'cuda'] })).rejects.toThrowError(
      /engines: unknown value "cudaa". Did you mean "cuda"\? Available: tensorrt, cuda, webgpu, cpu/,
    );
  });
});

describe('onnx backend: load and forward', () => {
  it('exports on the fly, caches by weights hash in memory and on disk', async () => {
    const cacheDir = join(dir, 'cache');
    const backend = createOnnxBackend({ cacheDir });
    const a = await backend.load(bundle);
    const b = await backend.load(bundle);
    const c = await createOnnxBackend({ cacheDir }).load(bundle);
    expect([a.runtime.details!.modelOrigin, b.runtime.details!.modelOrigin, c.runtime.details!.modelOrigin]).toEqual(['export', 'memory', 'disk']);
    expect(a.runtime).toMatchObject({ backend: 'onnx', engine: 'cpu', precision: 'fp32' });
    const x = batch(3);
    const [pa, pc] = [await a.forward(x), await c.forward(x)];
    expect(maxAbsDiff(pa.probabilities, pc.probabilities)).toBe(0);
    await Promise.all([a.dispose(), b.dispose(), c.dispose()]);
  });

  it('forward gives probabilities summing to 1 and NHWC features; CAM means + bias are the logits (2×2 feature map)', async () => {
    // 64 px: ResNet18's last feature map is 2×2, so the maps vary over space (a 1×1 map would be its own mean).
    const big = await randomBundle('resnet18', 64, 22);
    const model = await createOnnxBackend({ cacheDir: dir }).load(big, { threads: 1 });
    const x = { data: randomImages(4, 64, 5), shape: [4, 64, 64, 3] as [number, number, number, number] };
    const out = await model.forward(x, { features: true });
    expect(out.numClasses).toBe(2);
    for (let b = 0; b < 4; b++) expect(out.probabilities[2 * b]! + out.probabilities[2 * b + 1]!).toBeCloseTo(1, 6);
    expect(out.features!.shape).toEqual([4, 2, 2, 512]);
    const maps0 = classActivationMaps(big, out, [0, 0, 0, 0]);
    const maps1 = classActivationMaps(big, out, [1, 1, 1, 1]);
    const kernel = big.weights.get('predictions/kernel')!;
    expect(maxAbsDiff(Float32Array.from(maps0.flatMap((m) => [...m.data])), camFromFeatures(out.features!, kernel, 0).data)).toBe(0);
    // the map is not constant over its 4 cells
    expect(new Set(maps0[0]!.data).size).toBeGreaterThan(1);
    // softmax(mean(M0)+b0, mean(M1)+b1) = probabilities (Zhou et al. 2016: the CAM decomposes the logit)
    const m0 = maps0.map((m) => mapMeans(m)[0]!);
    const m1 = maps1.map((m) => mapMeans(m)[0]!);
    const bias = big.weights.get('predictions/bias')!.data;
    for (let b = 0; b < 4; b++) {
      const p0 = 1 / (1 + Math.exp(m1[b]! + bias[1]! - m0[b]! - bias[0]!));
      expect(p0).toBeCloseTo(out.probabilities[2 * b]!, 5);
    }
    await model.dispose();
  });

  it('a fixed-batch model is run in chunks, the last one padded', async () => {
    const file = join(dir, 'fixed2.onnx');
    writeFileSync(file, (await exportBundle(bundle, { batch: 2 })).bytes);
    const fixed = await createOnnxBackend().load(bundle, { modelPath: file });
    const dynamic = await createOnnxBackend({ cacheDir: dir }).load(bundle);
    const x = batch(5, 7);
    expect(fixed.runtime.details!.modelOrigin).toBe('file');
    expect(maxAbsDiff((await fixed.forward(x)).probabilities, (await dynamic.forward(x)).probabilities)).toBeLessThan(1e-6);
    await Promise.all([fixed.dispose(), dynamic.dispose()]);
  });

  it.each([
    // The same codes and wording as every backend (core checkBatch).
    ['a wrong image size', { data: new Float32Array(16 * 16 * 3), shape: [1, 16, 16, 3] }, 'E_BATCH_INVALID', /batch shape \[1, 16, 16, 3\] does not fit the model input \[n, 32, 32, 3\]/],
    ['a short buffer', { data: new Float32Array(10), shape: [1, 32, 32, 3] }, 'E_BATCH_INVALID', /batch has 10 values, its shape \[1, 32, 32, 3\] needs 3072/],
    ['a NaN pixel', { data: new Float32Array(32 * 32 * 3).fill(NaN), shape: [1, 32, 32, 3] }, 'E_INPUT_NOT_FINITE', /image 0 of the batch holds a non-finite value \(NaN\) at index 0/],
  ])('refuses %s', async (_name, x, code, message) => {
    const model = await createOnnxBackend({ cacheDir: dir }).load(bundle);
    const err = await model.forward(x as never).catch((e: unknown) => e);
    expect(err).toMatchObject({ code });
    expect(String(err)).toMatch(message);
    await model.dispose();
  });

  it('a given .onnx that does not fit the bundle is E_BUNDLE_INVALID naming the file', async () => {
    const other = await randomBundle('resnet18', 40, 2);
    const file = join(dir, 'other.onnx');
    writeFileSync(file, (await exportBundle(other)).bytes);
    await expect(createOnnxBackend().load(bundle, { modelPath: file })).rejects.toThrowError(new RegExp(`${file}: the ONNX model's input input \\[batch, 40, 40, 3\\] does not fit the bundle`));
    await expect(createOnnxBackend().load(bundle, { modelPath: join(dir, 'absent.onnx') })).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND' });
  });

  it('reports the node placement per provider when asked', async () => {
    const model = await createOnnxBackend({ cacheDir: dir }).load(bundle, { reportPlacement: true });
    expect(model.runtime.details!['nodes.cpu']).toBeGreaterThan(20);
    expect(Object.keys(model.runtime.details!).filter((k) => k.startsWith('nodes.'))).toEqual(['nodes.cpu']);
    await model.dispose();
  });
});

describe('session options', () => {
  it.each([
    [{}, { graphOptimizationLevel: 'all', logSeverityLevel: 3, executionProviders: [{ name: 'cpu' }] }],
    [
      { intraOpNumThreads: 2, allowSpinning: false },
      { intraOpNumThreads: 2, extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } },
    ],
    [{ webgpuLayout: 'NHWC' }, { executionProviders: [{ name: 'webgpu', preferredLayout: 'NHWC' }] }],
  ] as const)('%j', (options, expected) => {
    const engine = 'webgpuLayout' in options ? 'webgpu' : 'cpu';
    expect(toOrtSessionOptions(engine, options)).toMatchObject(expected);
  });

  it.each([
    [{ graphOptimizationLevel: 'max' }, /graphOptimizationLevel: unknown value "max".*Available: disabled, basic, extended, layout, all/],
    [{ intraOpNumThreads: -1 }, /intraOpNumThreads: -1 is not valid/],
    [{ preferredOutputLocation: 'gpu-buffer' }, /preferredOutputLocation is not supported.*aborted the Node process/],
  ])('rejects %j', (options, message) => {
    expect(() => toOrtSessionOptions('cpu', options as never)).toThrowError(message);
  });
});

describe('registry', () => {
  it('registers onnx and transformers, nothing on import', async () => {
    const registry = createBackendRegistry();
    expect(registry.names()).toEqual([]);
    register(registry);
    expect(registry.names()).toEqual(['onnx', 'transformers']);
    const resolved = await registry.resolve(['onnx']);
    expect(resolved.backend.name).toBe('onnx');
  });
});
