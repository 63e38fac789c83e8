/**
 * Frozen-trunk CV with shared features: the trunk (any backend) runs once per image and pathway for
 * the whole CV, a feature folder carries the features to a later run, and sharing changes no result.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTfjsBackend, createTfjsTrainer } from '@affnet/backend-tfjs';
import type { InferenceBackend, Manifest } from '@affnet/core';
import { createDiskFeatureCache } from '../../src/cv/feature-store.js';
import { runCrossValidation, type CvOptions } from '../../src/cv/runner.js';
import { writeTinyCohort } from './tiny-cohort.js';

/** The tfjs backend, counting the images its loaded models run. */
function countingBackend(): InferenceBackend & { images: number; loads: number } {
  const inner = createTfjsBackend();
  const counter = {
    name: 'counting-tfjs',
    capabilities: inner.capabilities,
    images: 0,
    loads: 0,
    engines: () => inner.engines(),
    async load(bundle: Parameters<InferenceBackend['load']>[0], options?: Parameters<InferenceBackend['load']>[1]) {
      counter.loads++;
      const model = await inner.load(bundle, options);
      return {
        runtime: model.runtime,
        bundle: model.bundle,
        forward: (batch: Parameters<typeof model.forward>[0], o?: Parameters<typeof model.forward>[1]) => {
          counter.images += batch.shape[0];
          return model.forward(batch, o);
        },
        dispose: () => model.dispose(),
      };
    },
  };
  return counter;
}

function options(manifest: Manifest, outDir: string, extra: Partial<CvOptions> = {}): CvOptions {
  return {
    manifest,
    manifestName: 'manifest.csv',
    outDir,
    architectures: ['resnet18'],
    pathways: ['automated'],
    folds: 3,
    seed: 5,
    inputSize: 32,
    training: { mode: 'frozen-trunk', epochs: 3, batchSize: 4, learningRate: 1e-2, optimizer: 'adam', standardiseFeatures: true, l2: 0.01 },
    trainer: createTfjsTrainer(),
    backend: createTfjsBackend(),
    loadOptions: { engines: ['wasm'] },
    backendOptions: { engines: ['wasm'] },
    galleryPerFold: 0,
    ...extra,
  };
}

describe('cross-validation with shared trunk features', () => {
  let dir: string;
  let manifest: Manifest;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'affnet-cv-features-'));
    const cohort = join(dir, 'cohort');
    mkdirSync(cohort);
    manifest = (await writeTinyCohort(cohort)).manifest;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the trunk once per image for all folds, reuses a feature folder later, and gives the results of unshared features', async () => {
    const readable = manifest.items.length;
    const trunk = countingBackend();
    const cacheDir = join(dir, 'features');
    const shared = await runCrossValidation(options(manifest, join(dir, 'shared'), { trunk: { backend: trunk, loadOptions: { engines: ['wasm'] } }, featureCacheDir: cacheDir }));
    expect(trunk.loads).toBe(1); // the starting bundle, loaded once for the three folds
    expect(trunk.images).toBeLessThanOrEqual(readable);
    expect(trunk.images).toBeGreaterThan(0);
    expect(shared.results!.config).toMatchObject({ trunkFeatures: 'tfjs:wasm/fp32, shared across folds', standardiseFeatures: true, l2: 0.01 });
    const files = readdirSync(cacheDir, { recursive: true }).filter((f) => String(f).endsWith('.f32'));
    expect(files).toHaveLength(trunk.images);

    // A later run with another head setting: every feature comes from the folder.
    const again = countingBackend();
    await runCrossValidation(
      options(manifest, join(dir, 'again'), {
        trunk: { backend: again },
        featureCacheDir: cacheDir,
        training: { mode: 'frozen-trunk', epochs: 2, batchSize: 4, learningRate: 1e-2, optimizer: 'adam' },
      }),
    );
    expect(again.images).toBe(0);

    // Per-fold trunk passes (no sharing) give the same predictions.
    const unshared = countingBackend();
    const perFold = await runCrossValidation(options(manifest, join(dir, 'per-fold'), { trunk: { backend: unshared }, shareFeatures: false }));
    expect(unshared.images).toBeGreaterThan(2 * trunk.images); // every image in 3 folds (2 as training, 1 as test)
    expect(perFold.results!.config).toMatchObject({ trunkFeatures: 'tfjs:wasm/fp32, per fold' });
    const probs = (r: typeof shared) => r.results!.runs.flatMap((run) => run.predictions.map((p) => p.probability));
    const a = probs(shared);
    const b = probs(perFold);
    expect(b).toHaveLength(a.length);
    a.forEach((p, i) => expect(b[i]).toBeCloseTo(p, 5));
  }, 240_000);
});

describe('disk feature cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'affnet-feature-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips features exactly and counts hits and misses', () => {
    const cache = createDiskFeatureCache(join(dir, 'a'));
    const v = Float32Array.from([1.5, -2.25, 3e-8, 0]);
    expect(cache.get('k1')).toBeUndefined();
    cache.set('k1', v);
    const fresh = createDiskFeatureCache(join(dir, 'a'));
    expect(Array.from(fresh.get('k1')!)).toEqual(Array.from(v));
    expect(fresh.get('k2')).toBeUndefined();
    expect({ hits: fresh.hits, misses: fresh.misses, writes: cache.writes }).toEqual({ hits: 1, misses: 1, writes: 1 });
  });

  it('treats a truncated, foreign or colliding file as a miss, never as features', () => {
    const root = join(dir, 'b');
    const cache = createDiskFeatureCache(root);
    cache.set('key', Float32Array.from([1, 2, 3]));
    const file = readdirSync(root, { recursive: true })
      .map(String)
      .find((f) => f.endsWith('.f32'))!;
    const path = join(root, file);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 2)); // truncated
    expect(createDiskFeatureCache(root).get('key')).toBeUndefined();
    writeFileSync(path, Buffer.concat([Buffer.from('affnet-features-1\nother key\n'), Buffer.alloc(12)])); // another key's content
    expect(createDiskFeatureCache(root).get('key')).toBeUndefined();
    writeFileSync(path, 'not a feature file');
    expect(createDiskFeatureCache(root).get('key')).toBeUndefined();
  });

  it('names the folder when it cannot be created', () => {
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'x');
    expect(() => createDiskFeatureCache(join(blocker, 'sub'))).toThrow(expect.objectContaining({ code: 'E_IO', file: join(blocker, 'sub') }));
  });
});
