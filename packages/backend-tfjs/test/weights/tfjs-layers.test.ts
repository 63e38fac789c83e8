import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNetwork, isAffnetError, weightsDir, weightSpecs } from '@affnet/core';
import { buildTfModel, decodeTfjsWeights, loadPretrainedWeights, readTfjsLayersModel, readTfjsModelJson, readTfjsShards } from '../../src/index.js';
import { kerasLayers, loadReference, relativeMaxDiff } from './reference-model.js';

describe('decodeTfjsWeights', () => {
  it('dequantises uint8 / uint16 as min + q·scale and reads float16 and float32', () => {
    const bytes = new Uint8Array([
      0,
      128,
      255, // uint8 q
      0x10,
      0x27, // uint16 10000 (little-endian)
      0x00,
      0x3c,
      0x00,
      0xc0, // float16 1, −2
      0x00,
      0x00,
      0x80,
      0x3f, // float32 1
    ]);
    const w = decodeTfjsWeights(
      [
        { name: 'a/kernel', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', min: -1, scale: 0.5 } },
        { name: 'a/bias', shape: [1], dtype: 'float32', quantization: { dtype: 'uint16', min: 0.25, scale: 0.0001 } },
        { name: 'b/gamma', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
        { name: 'b/beta', shape: [1], dtype: 'float32' },
      ],
      bytes,
    );
    expect(Array.from(w.get('a/kernel')!.data)).toEqual([-1, 63, 126.5]);
    expect(w.get('a/bias')!.data[0]).toBeCloseTo(1.25, 6);
    expect(Array.from(w.get('b/gamma')!.data)).toEqual([1, -2]);
    expect(Array.from(w.get('b/beta')!.data)).toEqual([1]);
  });

  it.each<[string, Uint8Array, RegExp]>([
    ['a truncated shard', new Uint8Array(3), /model\.json: weight "k" needs bytes 0…8 but the shards hold 3 bytes \(missing or truncated shard\?\)/],
    ['extra bytes', new Uint8Array(12), /the shards hold 12 bytes but the manifest describes 8/],
  ])('%s is E_WEIGHTS_MISMATCH', (_case, bytes, message) => {
    expect(() => decodeTfjsWeights([{ name: 'k', shape: [2], dtype: 'float32' }], bytes)).toThrow(message);
  });

  it('a folder whose shard is missing names the shard', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'affnet-tfjs-'));
    try {
      await writeFile(join(dir, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }] }));
      let error: unknown;
      try {
        await readTfjsLayersModel(dir);
      } catch (e) {
        error = e;
      }
      expect(isAffnetError(error, 'E_FILE_NOT_FOUND')).toBe(true);
      expect((error as Error).message).toMatch(/model\.json: weight shard "group1-shard1of1\.bin" listed in model\.json cannot be read/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// The real VGG19 ImageNet convolutional base (uint8-quantised tfjs layers model, ../shared/weights).
const vggDir = weightsDir() && join(weightsDir()!, 'vgg19-imagenet-notop');
const vggSkip = vggDir && existsSync(join(vggDir, 'model.json')) ? undefined : 'vgg19-imagenet-notop not found (set AFFNET_WEIGHTS_DIR)';
if (vggSkip && process.env.CI === 'true') throw new Error(`CI run without required weights: ${vggSkip}`);
if (vggSkip) console.warn(`skipping the VGG19 ImageNet comparison: ${vggSkip}`);

describe.skipIf(vggSkip !== undefined)('real VGG19 ImageNet weights', () => {
  const size = 64; // small input keeps tfjs-cpu fast; block5_pool is 2×2×512
  const graph = buildNetwork('vgg19', { inputSize: size });
  let reference: tf.LayersModel;
  let json: Awaited<ReturnType<typeof readTfjsModelJson>>;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    json = await readTfjsModelJson(join(vggDir!, 'model.json'));
    reference = await loadReference(json, await readTfjsShards(json, join(vggDir!, 'model.json')), { inputSize: size, outputs: ['block5_pool'] });
  });

  it('has the core VGG19 layers, in the same order, with the same weight shapes', () => {
    const names = kerasLayers(json).map((l) => l.name);
    expect(names).toEqual(graph.nodes.filter((n) => n.block !== 'head').map((n) => n.name));
    const manifest = json.weightsManifest.flatMap((g) => g.weights).map((w) => `${w.name} ${w.shape.join('x')}`);
    const core = weightSpecs(graph)
      .filter((s) => s.layer !== 'predictions')
      .map((s) => `${s.name} ${s.shape.join('x')}`);
    expect(new Set(manifest)).toEqual(new Set(core));
  });

  it('loaded into the core VGG19 gives the block5 features of tf.loadLayersModel (relative max diff ≤ 1e-4)', async () => {
    const { weights, report, format } = await loadPretrainedWeights(graph, vggDir!, { seed: 1 });
    expect(format).toBe('tfjs-layers');
    expect(report.loadedLayers.length).toBe(16);
    expect(report.initialLayers).toEqual(['predictions']);
    const net = buildTfModel(graph, { weights });
    const x = tf.randomUniform([1, size, size, 3], -120, 150, 'float32', 11); // caffe-style centred BGR range
    const [, features] = net.withFeatures.predict(x) as tf.Tensor[];
    const expected = reference.predict(x) as tf.Tensor;
    expect(features!.shape).toEqual([1, 2, 2, 512]);
    const rel = relativeMaxDiff(features!.dataSync() as Float32Array, expected.dataSync() as Float32Array);
    console.log(`VGG19 ImageNet block5_pool at ${size} px: relative max diff ${rel.toExponential(2)}`);
    expect(rel).toBeLessThanOrEqual(1e-4);
    expect(Math.max(...(expected.dataSync() as Float32Array))).toBeGreaterThan(1); // real, non-trivial features
    tf.dispose([x, features!, expected]);
    net.model.dispose();
  }, 240_000); // a ceiling for a loaded 2-core machine, not a speed goal
});
