import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { isAffnetError, type Architecture, type TrainOptions } from '@affnet/core';
import { deriveSeed, epochOrder, presetFor, trainTfjs } from '../../src/index.js';
import { resolveTrainConfig } from '../../src/train/config.js';
import { resolveClassWeights, weightedCrossEntropy } from '../../src/train/loss.js';
import { syntheticSource } from './fixtures.js';

describe('presets (Zdolsek et al. 2021)', () => {
  it.each([
    ['resnet50', 'adam', 100],
    ['inception_v3', 'rmsprop', 100],
    ['vgg19', 'sgd', 200],
    ['resnet18', 'adam', 100],
    ['resnet152', 'adam', 100],
  ] as [Architecture, string, number][])('%s: %s for %i epochs, batch 5, learning rate 1e-5', (arch, optimizer, epochs) => {
    expect(presetFor(arch)).toEqual({ optimizer, learningRate: 1e-5, epochs, batchSize: 5 });
    const config = resolveTrainConfig({ architecture: arch, train: syntheticSource(2, 32) });
    expect(config).toMatchObject({ optimizer, learningRate: 1e-5, epochs, batchSize: 5, mode: 'full', seed: 0, labels: ['AFF', 'NFF'], positiveLabel: 'AFF' });
  });
});

describe('loss and class weights', () => {
  it.each([
    // −ln 0.8 = 0.2231435513, −ln 0.6 = 0.5108256238
    [[1, 1], (0.2231435513 + 0.5108256238) / 2],
    [[1, 3], (0.2231435513 + 3 * 0.5108256238) / 2],
    [[2, 0.5], (2 * 0.2231435513 + 0.5 * 0.5108256238) / 2],
  ])('class weights %j give the weighted mean cross-entropy %f', (weights, expected) => {
    const loss = tf.tidy(
      () =>
        weightedCrossEntropy(
          tf.tensor2d([
            [0.8, 0.2],
            [0.4, 0.6],
          ]),
          [0, 1],
          weights,
        ).dataSync()[0],
    );
    expect(loss).toBeCloseTo(expected, 6);
  });

  it('clips probabilities to [1e-7, 1 − 1e-7] as Keras does', () => {
    const loss = tf.tidy(() => weightedCrossEntropy(tf.tensor2d([[0, 1]]), [0], [1, 1]).dataSync()[0]);
    expect(loss).toBeCloseTo(-Math.log(1e-7), 4);
  });

  it.each([
    [undefined, [0, 0, 0, 1], [1, 1]],
    ['balanced', [0, 0, 0, 1], [4 / 6, 2]],
    ['balanced', [0, 1, 1, 1, 1], [2.5, 0.625]],
    [
      [1, 5],
      [0, 1],
      [1, 5],
    ],
  ] as const)('classWeights %j with labels %j → %j', (spec, labels, expected) => {
    const got = resolveClassWeights(spec as never, labels, 2);
    got.forEach((w, i) => expect(w).toBeCloseTo(expected[i]!, 10));
  });

  it.each([
    ['balanced', [0, 0], /class\(es\) 1 have no training samples/],
    [[1], [0, 1], /expected 2 positive numbers/],
    [[1, -2], [0, 1], /expected 2 positive numbers/],
  ] as const)('rejects classWeights %j', (spec, labels, message) => {
    expect(() => resolveClassWeights(spec as never, labels, 2)).toThrow(message);
  });
});

describe('seeded streams', () => {
  it.each([
    [[0], 2373266089],
    [[0, 1, 0], 3733112740],
    [[42, 1, 3], 1710730635],
    [[2 ** 40, 2, 7, 11], 2842346805],
  ])('deriveSeed(%j) = %i on every platform', (args, expected) => {
    expect(deriveSeed(...(args as [number, ...number[]]))).toBe(expected);
  });

  it.each([
    [0, 0, 5, [3, 0, 2, 4, 1]],
    [0, 1, 5, [3, 1, 0, 4, 2]],
    [7, 0, 8, [1, 7, 4, 5, 0, 6, 2, 3]],
  ])('epochOrder(seed %i, epoch %i, n %i) = %j', (seed, epoch, n, expected) => {
    expect(epochOrder(seed, epoch, n)).toEqual(expected);
  });
});

describe('training options are checked before any work', () => {
  const base = { architecture: 'resnet18', inputSize: 32, train: syntheticSource(4, 32), epochs: 1 } as TrainOptions<number>;
  it.each([
    ['an unknown mode', { mode: 'partial' }, /mode: unknown value "partial".*Available: full, frozen-trunk, top-blocks/],
    ['top-blocks without topBlocks', { mode: 'top-blocks' }, /topBlocks: expected a positive integer/],
    ['too many top blocks', { mode: 'top-blocks', topBlocks: 9 }, /topBlocks: 9 is more than resnet18's 6 blocks \(conv1, conv2, conv3, conv4, conv5, head\)/],
    ['early stopping without validation', { earlyStopping: { patience: 2 } }, /earlyStopping: needs a validation set/],
    ['a negative patience', { earlyStopping: { patience: -1 }, validation: syntheticSource(2, 32) }, /patience: expected an integer ≥ 0/],
    ['an unknown optimizer', { optimizer: 'adagrad' }, /optimizer: unknown value "adagrad".*Available: sgd, adam, rmsprop/],
    ['a zero learning rate', { learningRate: 0 }, /learningRate: expected a positive number/],
    ['a fractional batch size', { batchSize: 2.5 }, /batchSize: expected a positive integer, got 2.5/],
    ['augmentDraws without augment', { augmentDraws: 3 }, /augmentDraws: 3 draws need augment: true/],
    ['a positive label not among the labels', { positiveLabel: 'X' }, /positiveLabel: unknown value "X"/],
    ['labels and samples that disagree', { train: { ...syntheticSource(4, 32), labels: [0, 1] } }, /train: 4 samples but 2 labels/],
    ['a label that is no class', { train: { ...syntheticSource(2, 32), labels: [0, 2] } }, /train: label 2 of synthetic #1 is not a class index \(valid: 0 … 1\)/],
  ])('rejects %s', async (_, extra, message) => {
    const err = await trainTfjs({ ...base, ...(extra as object) } as TrainOptions<number>).catch((e: unknown) => e);
    expect(isAffnetError(err, 'E_OPTION_INVALID')).toBe(true);
    expect((err as Error).message).toMatch(message);
  });

  it('names the sample whose image does not fit the network input', async () => {
    const err = await trainTfjs({ ...base, inputSize: 64, mode: 'top-blocks', topBlocks: 1 }).catch((e: unknown) => e);
    expect(isAffnetError(err, 'E_OPTION_INVALID')).toBe(true);
    expect((err as Error).message).toMatch(/train: synthetic #\d gave an image of shape \[1, 32, 32, 3\].*needs \[1, 64, 64, 3\]/);
  });
});
