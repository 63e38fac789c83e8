import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildNetwork,
  createBundleManifest,
  initWeights,
  isAffnetError,
  kernelFans,
  readBundle,
  weightSpecs,
  writeBundle,
  type AffnetErrorCode,
  type BundleManifest,
  type WeightMap,
} from '../../src/index.js';

// resnet18 at 32 px is the smallest network described (11.2 M weights, a 45 MB bundle).
const graph = buildNetwork('resnet18', { inputSize: 32 });
const manifest = createBundleManifest({ architecture: 'resnet18', inputSize: 32, tool: 'affnet-test', initialisation: 'random', seed: 7 });
const weights = initWeights(graph, 7);
let dir: string;
const maxAbs = (w: Float32Array) => w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'affnet-bundle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function caught(p: Promise<unknown>): Promise<Error & { code?: AffnetErrorCode }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('bundle round trip', () => {
  it('write → read gives the same manifest and identical weights', async () => {
    const path = join(dir, 'rt');
    await writeBundle(path, { manifest, weights });
    const back = await readBundle(path);
    expect(back.path).toBe(path);
    expect(back.manifest).toEqual(manifest);
    expect(back.weights.size).toBe(weightSpecs(graph).length);
    for (const [name, t] of weights) {
      const got = back.weights.get(name)!;
      expect(got.shape, name).toEqual(t.shape);
      expect(Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength).equals(Buffer.from(t.data.buffer)), name).toBe(true);
    }
  });

  it('keeps unknown manifest fields of newer tools', async () => {
    const path = join(dir, 'extra');
    const withExtra = { ...manifest, notes: 'fold 3' } as BundleManifest;
    await writeBundle(path, { manifest: withExtra, weights });
    expect(JSON.parse(await readFile(join(path, 'model.json'), 'utf8')).notes).toBe('fold 3');
  });
});

describe('invalid bundles', () => {
  const firstKernel = 'conv1_conv/kernel';
  const cases: [string, () => WeightMap, RegExp][] = [
    ['a missing weight', () => new Map([...weights].filter(([n]) => n !== 'conv5_block2_2_bn/gamma')), /missing 1 weight\(s\): conv5_block2_2_bn\/gamma/],
    ['an extra weight', () => new Map([...weights, ['fc1/kernel', { shape: [1], data: new Float32Array(1) }]]), /unexpected 1 weight\(s\): fc1\/kernel/],
    [
      'a wrong shape',
      () => new Map([...weights, [firstKernel, { shape: [3, 3, 3, 64], data: new Float32Array(1728) }]]),
      /wrong shape: conv1_conv\/kernel is \[3, 3, 3, 64\], expected \[7, 7, 3, 64\]/,
    ],
    ['a NaN', () => new Map([...weights, ['predictions/bias', { shape: [2], data: new Float32Array([0, NaN]) }]]), /non-finite values \(NaN\/Infinity\) in: predictions\/bias/],
  ];

  it.each(cases)('writeBundle refuses %s', async (_case, make, message) => {
    const error = await caught(writeBundle(join(dir, 'never'), { manifest, weights: make() }));
    expect(isAffnetError(error, 'E_BUNDLE_INVALID')).toBe(true);
    expect(error.message).toMatch(/never\/weights\.safetensors: weights do not match resnet18 \(32 px, 2 classes\)/);
    expect(error.message).toMatch(message);
  });

  it('readBundle refuses weights that do not fit the manifest (labels say 3 classes)', async () => {
    const path = join(dir, 'three');
    await writeBundle(path, { manifest, weights });
    const edited = { ...manifest, labels: ['AFF', 'NFF', 'other'] };
    await writeFile(join(path, 'model.json'), JSON.stringify(edited));
    const error = await caught(readBundle(path));
    expect(error.code).toBe('E_BUNDLE_INVALID');
    expect(error.message).toMatch(
      /weights\.safetensors: weights do not match resnet18 \(32 px, 3 classes\): wrong shape: predictions\/kernel is \[512, 2\], expected \[512, 3\], predictions\/bias is \[2\], expected \[3\]$/,
    );
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown architecture', { architecture: 'resnet51' }, /architecture: Invalid option/],
    ['a positive label not among the labels', { positiveLabel: 'AFX' }, /positiveLabel: "AFX" is not one of the labels \["AFF","NFF"\]/],
    ['an input size that disagrees with preprocessing', { inputSize: 64 }, /preprocessing\.inputSize: 32 differs from inputSize 64/],
    ['a newer format version', { formatVersion: 2 }, /formatVersion: /],
  ])('readBundle refuses a manifest with %s', async (_case, patch, message) => {
    const path = join(dir, 'manifest');
    await writeBundle(path, { manifest, weights });
    await writeFile(join(path, 'model.json'), JSON.stringify({ ...manifest, ...patch }));
    const error = await caught(readBundle(path));
    expect(error.code).toBe('E_BUNDLE_INVALID');
    expect(error.message).toMatch(/manifest\/model\.json: invalid bundle manifest: /);
    expect(error.message).toMatch(message);
  });

  it.each<[string, (path: string) => Promise<void>, AffnetErrorCode, RegExp]>([
    [
      'a truncated weights file',
      async (p) => {
        const f = join(p, 'weights.safetensors');
        const b = await readFile(f);
        await writeFile(f, b.subarray(0, b.length - 100));
      },
      'E_BUNDLE_INVALID',
      /weights\.safetensors: safetensors: tensor "predictions\/kernel" ends at byte 44767744 of the data but the data has only 44767652 bytes \(truncated file\?\)/,
    ],
    [
      'a corrupted header',
      async (p) => {
        const f = join(p, 'weights.safetensors');
        const b = await readFile(f);
        b[12] = 0xff; // inside the JSON header: invalid UTF-8
        await writeFile(f, b);
      },
      'E_BUNDLE_INVALID',
      /weights\.safetensors: safetensors: header is not valid UTF-8 JSON/,
    ],
    ['a model.json that is not JSON', (p) => writeFile(join(p, 'model.json'), '{"format": '), 'E_BUNDLE_INVALID', /model\.json: not valid JSON/],
    ['no weights file', (p) => rm(join(p, 'weights.safetensors')), 'E_FILE_NOT_FOUND', /weights\.safetensors: cannot read safetensors file/],
    ['no folder', (p) => rm(p, { recursive: true }), 'E_FILE_NOT_FOUND', /files: bundle folder not found/],
  ])('readBundle reports %s', async (_case, damage, code, message) => {
    const path = join(dir, 'files');
    await writeBundle(path, { manifest, weights });
    await damage(path);
    const error = await caught(readBundle(path));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});

describe('initWeights', () => {
  let vggWeights: WeightMap | undefined;
  const vgg = () => (vggWeights ??= initWeights(buildNetwork('vgg19', { inputSize: 32 }), 3));
  it('is reproducible from the seed and differs between seeds', () => {
    const name = 'conv2_block1_1_conv/kernel';
    const a = weights.get(name)!.data; // seed 7
    const again = initWeights(graph, 7);
    const other = initWeights(graph, 8);
    expect(Array.from(again.get(name)!.data)).toEqual(Array.from(a));
    expect(Array.from(again.get('predictions/kernel')!.data)).toEqual(Array.from(weights.get('predictions/kernel')!.data));
    expect(other.get(name)!.data[0]).not.toBe(a[0]);
  });

  it.each<[string, number[], number, number]>([
    // glorot_uniform: limit √(6/(fan_in+fan_out)), sd = limit/√3
    ['block1_conv1/kernel', [3, 3, 3, 64], 27, 576],
    ['block5_conv4/kernel', [3, 3, 512, 512], 4608, 4608],
    ['predictions/kernel', [512, 2], 512, 2],
  ])('%s: glorot_uniform within ±√(6/(fan_in+fan_out)), sd limit/√3', (name, shape, fanIn, fanOut) => {
    expect(kernelFans(shape)).toEqual({ fanIn, fanOut });
    const w = vgg().get(name)!.data;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const sd = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(maxAbs(w)).toBeLessThanOrEqual(limit);
    expect(Math.abs(sd / (limit / Math.sqrt(3)) - 1)).toBeLessThan(w.length > 1000 ? 0.05 : 0.3);
  });

  it('he_normal has sd √(2/fan_in) truncated at 2 sd', () => {
    const w = initWeights(graph, 3, { kernelInitializer: 'he_normal' }).get('conv5_block2_2_conv/kernel')!.data;
    const target = Math.sqrt(2 / 4608);
    const sd = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(Math.abs(sd / target - 1)).toBeLessThan(0.01);
    expect(maxAbs(w)).toBeLessThanOrEqual((2 * target) / 0.87962566103423978);
  });

  it('batch norm starts as the identity: gamma 1, beta 0, mean 0, variance 1; biases 0', () => {
    const w = weights;
    expect(Array.from(w.get('conv1_bn/gamma')!.data.subarray(0, 3))).toEqual([1, 1, 1]);
    expect(Array.from(w.get('conv1_bn/beta')!.data.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(w.get('conv1_bn/moving_mean')!.data.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(w.get('conv1_bn/moving_variance')!.data.subarray(0, 3))).toEqual([1, 1, 1]);
    expect(Array.from(w.get('predictions/bias')!.data)).toEqual([0, 0]);
  });

  it('rejects an unknown initialiser', () => {
    expect(() => initWeights(graph, 1, { kernelInitializer: 'lecun' as never })).toThrow(/kernelInitializer: unknown value "lecun". Available: glorot_uniform, he_normal/);
  });
});
