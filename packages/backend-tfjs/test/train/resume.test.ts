/**
 * Checkpoints and resume: train 3 epochs without interruption; separately train, "kill" after 1 epoch
 * (stop via the abort signal, its checkpoint written), resume, and end with the very same weights.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAffnetError, type TrainOptions } from '@affnet/core';
import { readCheckpoint, trainTfjs } from '../../src/index.js';
import { sameWeights, syntheticSource } from './fixtures.js';

describe('checkpoint per epoch and resume after a kill', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const options = (): TrainOptions<number> => ({
    architecture: 'resnet18',
    inputSize: 32,
    train: syntheticSource(4, 32),
    validation: syntheticSource(2, 32),
    mode: 'full',
    epochs: 3,
    batchSize: 2,
    optimizer: 'adam',
    learningRate: 1e-3,
    augment: true,
    seed: 11,
    backendOptions: { engines: ['wasm'] },
  });

  it('a resumed run ends with the weights of an uninterrupted one (Adam state, BN statistics, data order, augmentation)', async () => {
    const uninterrupted = await trainTfjs(options());
    expect(uninterrupted.stopReason).toBe('completed');
    expect(uninterrupted.history.map((h) => h.epoch)).toEqual([1, 2, 3]);

    const dir = await mkdtemp(join(tmpdir(), 'affnet-resume-'));
    dirs.push(dir);
    const kill = new AbortController();
    const first = await trainTfjs({
      ...options(),
      checkpointDir: dir,
      signal: kill.signal,
      onProgress: (p) => p.phase === 'epoch' && p.epoch === 1 && kill.abort(),
    });
    expect(first.stopReason).toBe('aborted');
    expect(first.history).toHaveLength(1);
    expect((await readdir(dir)).sort()).toEqual(['checkpoint.json', 'epoch-0001']);
    expect((await readdir(join(dir, 'epoch-0001'))).sort()).toEqual(['model.json', 'optimizer.safetensors', 'training-state.json', 'weights.safetensors']);
    const saved = await readCheckpoint(dir);
    expect(saved!.state).toMatchObject({ epoch: 1, rng: { seed: 11, scheme: 'derived-per-epoch', nextEpoch: 1 }, optimizer: { optimizer: 'adam' } });
    expect(saved!.optimizer.get('iter')!.data[0]).toBe(2); // 4 samples / batch 2 = 2 Adam steps

    const resumed = await trainTfjs({ ...options(), checkpointDir: dir });
    expect(resumed.resumedFrom).toBe(1);
    expect(resumed.stopReason).toBe('completed');
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(resumed.history.map((h) => h.loss)).toEqual(uninterrupted.history.map((h) => h.loss));
    expect(sameWeights(uninterrupted.bundle.weights, resumed.bundle.weights)).toEqual([]);
    expect(resumed.bundle.manifest.provenance.training).toMatchObject({ epochsRun: 3, resumedFrom: 1, optimizer: 'adam', mode: 'full', engine: 'wasm' });
    expect((await readdir(dir)).sort()).toEqual(['checkpoint.json', 'epoch-0003']);

    const mismatch = await trainTfjs({ ...options(), checkpointDir: dir, batchSize: 4 }).catch((e: unknown) => e);
    expect(isAffnetError(mismatch, 'E_OPTION_INVALID')).toBe(true);
    expect((mismatch as Error).message).toMatch(/batchSize was 2, now 4/);
  });
});
