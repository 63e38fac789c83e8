import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { isAffnetError } from '@affnet/core';
import { selectEngine } from '../../src/index.js';
import { makeOptimizer, restoreOptimizerState, saveOptimizerState } from '../../src/train/optimizer.js';

/** Two variables and a loss whose gradients change every step. */
function problem() {
  const a = tf.variable(
    tf.tensor2d([
      [1, -2],
      [0.5, 3],
    ]),
  );
  const b = tf.variable(tf.tensor1d([0.1, -0.4]));
  const loss = () => tf.tidy(() => tf.add(tf.sum(tf.square(tf.sub(tf.matMul(a, a), 1))), tf.sum(tf.pow(b, 4))) as tf.Scalar);
  const vars = [
    { key: 'dense/kernel', variable: a },
    { key: 'dense/bias', variable: b },
  ];
  return { vars, loss, dispose: () => tf.dispose([a, b]) };
}

describe('optimizer state round trip (checkpoints)', () => {
  it.each([['sgd'], ['adam'], ['rmsprop']])('%s: 2 steps, save, restore into a new optimizer, 2 steps = 4 steps', async (name) => {
    await selectEngine({ engines: ['cpu'] });
    const straight = problem();
    const o1 = makeOptimizer(name, 0.01);
    for (let i = 0; i < 4; i++)
      o1.minimize(
        straight.loss,
        false,
        straight.vars.map((v) => v.variable),
      );
    const expected = straight.vars.map((v) => Array.from(v.variable.dataSync()));

    const split = problem();
    const o2 = makeOptimizer(name, 0.01);
    for (let i = 0; i < 2; i++)
      o2.minimize(
        split.loss,
        false,
        split.vars.map((v) => v.variable),
      );
    const saved = await saveOptimizerState(o2, name, split.vars);
    const o3 = makeOptimizer(name, 0.01);
    await restoreOptimizerState(o3, name, split.vars, saved.tensors, saved.index, 'state');
    for (let i = 0; i < 2; i++)
      o3.minimize(
        split.loss,
        false,
        split.vars.map((v) => v.variable),
      );
    expect(split.vars.map((v) => Array.from(v.variable.dataSync()))).toEqual(expected);
    expect(saved.tensors.get('iter')!.data[0]).toBe(2);
    [o1, o2, o3].forEach((o) => o.dispose());
    straight.dispose();
    split.dispose();
  });

  it.each([
    ['another optimizer', 'sgd', /optimizer state is for "adam", this run uses "sgd"/],
    ['other trained weights', 'adam', /slot "m" is for other trained weights/],
  ])('refuses state made for %s', async (what, name, message) => {
    const p = problem();
    const o = makeOptimizer('adam', 0.01);
    o.minimize(
      p.loss,
      false,
      p.vars.map((v) => v.variable),
    );
    const saved = await saveOptimizerState(o, 'adam', p.vars);
    const vars = what === 'other trained weights' ? [...p.vars].reverse() : p.vars;
    const err = await restoreOptimizerState(makeOptimizer(name, 0.01), name, vars, saved.tensors, saved.index, 'ckpt/optimizer.safetensors').catch((e: unknown) => e);
    expect(isAffnetError(err, 'E_BUNDLE_INVALID')).toBe(true);
    expect((err as Error).message).toMatch(message);
    o.dispose();
    p.dispose();
  });
});
