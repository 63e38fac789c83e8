/**
 * Parity of the ONNX export with TensorFlow.js, for the three networks of the reference study, on
 * one seeded bundle each (random weights, batch-norm statistics far from identity, classifier
 * scaled so probabilities spread over (0, 1)) and 20 images.
 *
 * Sizes (small, for CI): VGG19 64 px (2×2 CAM), ResNet50 64 px (2×2), InceptionV3 75 px (its
 * minimum, 1×1 CAM; correlation then runs over the 20 images' maps).
 * tfjs runs on the CPU with its WASM engine (XNNPACK, float32); the pure-JS 'cpu' engine gives the
 * same numbers (checked below on 2 images) but is ~20× slower — AFFNET_PARITY_TFJS_ENGINE=cpu runs
 * everything on it.
 */
import { describe, expect, it } from 'vitest';
import { camFromFeatures, rocAuc, type Architecture, type ForwardResult, type ModelBundle } from '@affnet/core';
import { loadTfjsModel } from '@affnet/backend-tfjs';
import { createOnnxBackend } from '../../src/runtime/onnx-backend.js';
import { randomBundle } from '../helpers/bundle.js';
import { maxAbsDiff } from '../helpers/ort.js';
import { randomImages } from '../helpers/random.js';

const N = 20;
const ENGINE = (process.env.AFFNET_PARITY_TFJS_ENGINE ?? 'wasm') as 'wasm' | 'cpu';

function argmax(p: Float32Array, k: number): number[] {
  return Array.from({ length: p.length / k }, (_, b) => {
    const row = Array.from(p.subarray(b * k, (b + 1) * k));
    return row.indexOf(Math.max(...row));
  });
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0,
    mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0,
    saa = 0,
    sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma,
      db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

async function onnxForward(bundle: ModelBundle, images: Float32Array, size: number, options: Parameters<ReturnType<typeof createOnnxBackend>['load']>[1] = {}): Promise<ForwardResult> {
  const model = await createOnnxBackend({ cacheDir: false }).load(bundle, options);
  try {
    return await model.forward({ data: images, shape: [N, size, size, 3] }, { features: true });
  } finally {
    await model.dispose();
  }
}

describe.each([
  ['vgg19', 64, 101],
  ['resnet50', 64, 102],
  ['inception_v3', 75, 103],
] as const)('%s at %i px: ONNX Runtime (cpu) vs TensorFlow.js', (arch: Architecture, size: number, seed: number) => {
  it(`max |Δp| ≤ 1e-4, same labels, CAM correlation ≥ 0.999 on ${N} images; fp16 / int8 figures`, async () => {
    const bundle = await randomBundle(arch, size, seed);
    const images = randomImages(N, size, seed + 10);
    const tfModel = await loadTfjsModel(bundle, { engines: [ENGINE] });
    const tf = await tfModel.forward({ data: images, shape: [N, size, size, 3] }, { features: true });
    await tfModel.dispose();
    const ort = await onnxForward(bundle, images, size);

    const dp = maxAbsDiff(tf.probabilities, ort.probabilities);
    const labels = argmax(ort.probabilities, 2);
    expect(dp).toBeLessThanOrEqual(1e-4);
    expect(argmax(tf.probabilities, 2)).toEqual(labels);
    expect(new Set(labels).size).toBe(2); // both classes occur: the comparison is not degenerate
    expect(ort.features!.shape).toEqual(tf.features!.shape);
    const kernel = bundle.weights.get('predictions/kernel')!;
    const camCorr = pearson(camFromFeatures(tf.features!, kernel, labels).data, camFromFeatures(ort.features!, kernel, labels).data);
    expect(camCorr).toBeGreaterThanOrEqual(0.999);

    // fp16 (float16 weights) and int8 (QDQ, calibrated on 16 other images): agreement with fp32.
    // AUC against the fp32 decisions (fp32 scores AUC 1 by construction): how much of the ranking survives.
    const positive = (p: Float32Array) => Float32Array.from({ length: N }, (_, b) => p[2 * b]!);
    const targets = labels.map((l) => (l === 0 ? 1 : 0));
    const fp16 = await onnxForward(bundle, images, size, { precision: 'fp16' });
    const calibration = [{ data: randomImages(16, size, seed + 20), shape: [16, size, size, 3] as [number, number, number, number] }];
    const int8 = await onnxForward(bundle, images, size, { precision: 'int8', quantization: { calibration } });
    const figures = {
      arch,
      size,
      tfjsEngine: ENGINE,
      maxAbsDeltaP: dp,
      camCorrelation: camCorr,
      fp16: {
        labelAgreement: argmax(fp16.probabilities, 2).filter((l, i) => l === labels[i]).length / N,
        maxAbsDeltaP: maxAbsDiff(fp16.probabilities, ort.probabilities),
        aucVsFp32Decisions: rocAuc(targets, positive(fp16.probabilities)),
      },
      int8: {
        labelAgreement: argmax(int8.probabilities, 2).filter((l, i) => l === labels[i]).length / N,
        maxAbsDeltaP: maxAbsDiff(int8.probabilities, ort.probabilities),
        aucVsFp32Decisions: rocAuc(targets, positive(int8.probabilities)),
      },
    };
    console.log(`parity ${JSON.stringify(figures)}`);
    expect(figures.fp16.labelAgreement).toBeGreaterThanOrEqual(0.95);
    expect(figures.fp16.maxAbsDeltaP).toBeLessThan(0.01);
    expect(figures.int8.labelAgreement).toBeGreaterThanOrEqual(0.7);
    expect(figures.int8.aucVsFp32Decisions).toBeGreaterThanOrEqual(0.8);
  }, 240_000);
});

describe('the pure-JS tfjs cpu engine agrees too', () => {
  it.skipIf(ENGINE === 'cpu')(
    'ResNet50 at 64 px, 2 images: max |Δp| ≤ 1e-4 (skipped when the parity engine above is already cpu)',
    async () => {
      const bundle = await randomBundle('resnet50', 64, 102);
      const images = randomImages(2, 64, 112);
      const tfModel = await loadTfjsModel(bundle, { engines: ['cpu'] });
      const tf = await tfModel.forward({ data: images, shape: [2, 64, 64, 3] });
      await tfModel.dispose();
      const model = await createOnnxBackend({ cacheDir: false }).load(bundle);
      const ort = await model.forward({ data: images, shape: [2, 64, 64, 3] });
      await model.dispose();
      expect(maxAbsDiff(tf.probabilities, ort.probabilities)).toBeLessThanOrEqual(1e-4);
    },
    120_000,
  );
});
