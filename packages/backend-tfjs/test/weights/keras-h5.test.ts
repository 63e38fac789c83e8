import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNetwork, createRng, initWeights, isAffnetError, weightSpecs, type NetworkGraph, type WeightMap } from '@affnet/core';
import { buildTfModel, getWeights, loadPretrainedWeights, readKerasH5, renumberKerasLayers } from '../../src/index.js';
import { writeKerasH5, type H5Layer } from '../../src/weights/keras-h5-write.js';

// ResNet50 as Keras Applications saves it: every layer listed (also those without weights), the
// 1000-class ImageNet classifier included, random weights from a seeded generator.
const graph = buildNetwork('resnet50', { inputSize: 32 });
let dir: string;
let h5Path: string;
let written: WeightMap;

function kerasLayers(g: NetworkGraph, skip: (layer: string) => boolean = () => false): H5Layer[] {
  const specs = weightSpecs(g);
  return g.nodes.filter((n) => !skip(n.name)).map((n) => ({ name: n.name, weightNames: specs.filter((s) => s.layer === n.name).map((s) => `${s.weight}:0`) }));
}

function randomWeights(g: NetworkGraph, seed: number, numClasses = 1000): WeightMap {
  const rng = createRng(seed);
  const out: WeightMap = new Map();
  for (const s of weightSpecs(g)) {
    const shape = s.layer === 'predictions' ? (s.weight === 'kernel' ? [s.shape[0]!, numClasses] : [numClasses]) : s.shape;
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-1, 1);
    out.set(s.name, { shape, data });
  }
  return out;
}

const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'affnet-h5-'));
  h5Path = join(dir, 'resnet50_imagenet.h5');
  written = randomWeights(graph, 2024);
  await writeKerasH5(h5Path, kerasLayers(graph), written, 'model');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Keras H5 import (ResNet50 in the Keras layout, written with h5wasm)', () => {
  it('reads every weight by Keras name with its shape', async () => {
    const read = await readKerasH5(h5Path);
    expect(read.size).toBe(320); // 318 backbone weights + the 1000-class predictions kernel and bias
    expect(read.get('conv2_block1_0_conv/kernel')!.shape).toEqual([1, 1, 64, 256]);
    expect(read.get('predictions/kernel')!.shape).toEqual([2048, 1000]);
    expect(same(read.get('conv5_block3_3_bn/moving_variance')!.data, written.get('conv5_block3_3_bn/moving_variance')!.data)).toBe(true);
  });

  it('every backbone weight arrives in place in the tfjs model; the 2-class head keeps its seeded init', async () => {
    const { weights, report, format } = await loadPretrainedWeights(graph, h5Path, { seed: 3 });
    expect(format).toBe('keras-h5');
    expect(report.loadedLayers.length).toBe(106); // 53 conv + 53 batch norm: every layer with weights but predictions
    expect(report.initialLayers).toEqual(['predictions']);
    expect(report.missingLayers).toEqual([]);
    expect(report.unusedSourceLayers).toEqual([]);
    const net = buildTfModel(graph, { weights });
    const inModel = getWeights(net.model);
    const init = initWeights(graph, 3);
    for (const spec of weightSpecs(graph)) {
      const expected = spec.layer === 'predictions' ? init.get(spec.name)! : written.get(spec.name)!;
      expect(inModel.get(spec.name)!.shape, spec.name).toEqual(spec.shape);
      expect(same(inModel.get(spec.name)!.data, expected.data), spec.name).toBe(true);
    }
    net.model.dispose();
  });
});

describe('mismatching H5 files', () => {
  // ResNet18 (same naming scheme, half the size) keeps these files small.
  const r18 = buildNetwork('resnet18', { inputSize: 32 });
  let weights18: WeightMap;
  beforeAll(() => {
    weights18 = randomWeights(r18, 7, 2);
  });

  it('strict: E_WEIGHTS_MISMATCH lists the missing layer, the wrong shape and the unknown layer', async () => {
    const path = join(dir, 'bad.h5');
    const bad = new Map(weights18);
    bad.set('conv1_conv/kernel', { shape: [3, 3, 3, 64], data: new Float32Array(1728) });
    bad.set('fc1/kernel', { shape: [2, 2], data: new Float32Array(4) });
    const layers = [...kerasLayers(r18, (l) => l === 'conv3_block2_2_conv'), { name: 'fc1', weightNames: ['kernel:0'] }];
    await writeKerasH5(path, layers, bad, 'weights');
    let error: unknown;
    try {
      await loadPretrainedWeights(r18, path);
    } catch (e) {
      error = e;
    }
    expect(isAffnetError(error, 'E_WEIGHTS_MISMATCH')).toBe(true);
    expect((error as Error).message).toBe(
      `${path}: pretrained weights do not match resnet18: 1 layer(s) of resnet18 not in the source: conv3_block2_2_conv; ` +
        '1 source layer(s) not in resnet18: fc1; ' +
        '1 layer(s) that do not fit: conv1_conv: kernel is [3, 3, 3, 64], the network needs [7, 7, 3, 64]; pass strict: false to load the layers that match',
    );

    const { report, weights } = await loadPretrainedWeights(r18, path, { strict: false, seed: 1 });
    expect(report.missingLayers).toEqual(['conv3_block2_2_conv']);
    expect(report.unusedSourceLayers).toEqual(['fc1']);
    expect(report.mismatches).toEqual(['conv1_conv: kernel is [3, 3, 3, 64], the network needs [7, 7, 3, 64]']);
    expect(report.initialLayers).toEqual(['conv1_conv', 'conv3_block2_2_conv', 'predictions']);
    // conv1_conv is left whole at its initial weights (its bias is not loaded on its own).
    expect(same(weights.get('conv1_conv/bias')!.data, initWeights(r18, 1).get('conv1_conv/bias')!.data)).toBe(true);
    expect(same(weights.get('conv1_bn/gamma')!.data, weights18.get('conv1_bn/gamma')!.data)).toBe(true);
  });

  it('reads Keras 1 weight names (_W, _b) and renumbers tf.keras automatic names', async () => {
    const path = join(dir, 'keras1.h5');
    const w: WeightMap = new Map([
      ['conv2d/kernel', { shape: [1, 1, 1, 2], data: new Float32Array([1, 2]) }],
      ['conv2d/bias', { shape: [2], data: new Float32Array([3, 4]) }],
    ]);
    await writeKerasH5(path, [{ name: 'conv2d', weightNames: ['conv2d_W:0', 'conv2d_b:0'] }], w, 'weights');
    const read = await readKerasH5(path);
    expect([...read.keys()]).toEqual(['conv2d/kernel', 'conv2d/bias']);
    expect(Array.from(read.get('conv2d/bias')!.data)).toEqual([3, 4]);
    const rename = renumberKerasLayers(1);
    expect(['conv2d', 'conv2d_5', 'batch_normalization', 'mixed0', 'activation_93'].map(rename)).toEqual(['conv2d_1', 'conv2d_6', 'batch_normalization_1', 'mixed0', 'activation_94']);
  });

  it.each<[string, (p: string) => Promise<void>, string, RegExp]>([
    ['not HDF5', (p) => writeFile(p, 'hello'), 'E_WEIGHTS_MISMATCH', /not an HDF5 file \(no HDF5 signature\)/],
    ['absent', async () => {}, 'E_FILE_NOT_FOUND', /pretrained weights not found/],
  ])('a file that is %s gives a typed error naming it', async (_case, make, code, message) => {
    const path = join(dir, `x-${code}.h5`);
    await make(path);
    let error: unknown;
    try {
      await loadPretrainedWeights(r18, path);
    } catch (e) {
      error = e;
    }
    expect(isAffnetError(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    expect((error as Error).message).toMatch(path);
    expect((error as Error).message).toMatch(message);
  });
});
