/**
 * ONNX Runtime as the frozen trunk of tfjs training (`TrainOptions.trunk`): the pooled features it
 * gives equal the tfjs trunk's, so the trained heads agree — the speed-up changes no result.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Architecture, LabelledImages, ModelBundle } from '@affnet/core';
import { trainTfjs } from '@affnet/backend-tfjs';
import { createOnnxBackend } from '../../src/runtime/onnx-backend.js';
import { randomBundle } from '../helpers/bundle.js';
import { maxAbsDiff } from '../helpers/ort.js';
import { randomImages } from '../helpers/random.js';

const dir = mkdtempSync(join(tmpdir(), 'affnet-onnx-trunk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function source(n: number, size: number, seed: number): LabelledImages<number> {
  const data = randomImages(n, size, seed);
  const per = size * size * 3;
  return {
    samples: Array.from({ length: n }, (_, i) => i),
    labels: Array.from({ length: n }, (_, i) => i % 2),
    load: (i) => ({ data: data.subarray(i * per, (i + 1) * per), shape: [1, size, size, 3] }),
    key: (i) => `random-${seed}-${i}`,
  };
}

/** Trains the head; returns the bundle and every pooled feature row the trunk produced, by key. */
async function train(bundle: ModelBundle, size: number, trunk?: Awaited<ReturnType<ReturnType<typeof createOnnxBackend>['load']>>) {
  const features = new Map<string, Float32Array>();
  const result = await trainTfjs({
    architecture: bundle.manifest.architecture,
    bundle,
    train: source(10, size, 1),
    validation: source(4, size, 2),
    mode: 'frozen-trunk',
    epochs: 5,
    batchSize: 5,
    optimizer: 'adam',
    learningRate: 1e-2,
    standardiseFeatures: true,
    ...(trunk ? { trunk } : {}),
    featureCache: { get: () => undefined, set: (k, v) => features.set(k.split('|').slice(1).join('|'), v) },
    backendOptions: { engines: ['wasm'] },
  });
  return { result, features };
}

describe.each([
  ['resnet18', 32],
  ['vgg19', 32],
] as [Architecture, number][])('%s at %i px: ONNX Runtime trunk vs the tfjs trunk', (architecture, size) => {
  it('gives the same pooled features and the same trained head', async () => {
    const bundle = await randomBundle(architecture, size, 31);
    const trunk = await createOnnxBackend().load(bundle, { engines: ['cpu'], cacheDir: dir });
    try {
      const own = await train(bundle, size);
      const ort = await train(bundle, size, trunk);
      expect(ort.result.bundle.manifest.provenance.training).toMatchObject({ trunk: 'onnx:cpu/fp32' });
      expect([...ort.features.keys()].sort()).toEqual([...own.features.keys()].sort());
      const scale = Math.max(...[...own.features.values()].flatMap((v) => Array.from(v).map(Math.abs)));
      for (const [k, v] of own.features) expect(maxAbsDiff(v, ort.features.get(k)!) / scale).toBeLessThan(1e-5);
      // The heads agree in what they do (folded kernels of near-constant channels are ill-conditioned to compare).
      ort.result.history.forEach((h, i) => {
        expect(h.loss).toBeCloseTo(own.result.history[i]!.loss, 4);
        expect(h.valLoss).toBeCloseTo(own.result.history[i]!.valLoss!, 4);
      });
    } finally {
      await trunk.dispose();
    }
  });
});
