/**
 * Internal: optimizers by name (Keras defaults) and their state for checkpoints. tfjs keeps optimizer
 * slots (Adam's moments, RMSprop's mean squares) by *position* in the variable list, so the state is
 * saved with the affnet weight name of each position and restored only onto the same list.
 */
import * as tf from '@tensorflow/tfjs';
import { AffnetError, choiceError, OPTIMIZER_NAMES, type OptimizerName, type WeightMap } from '@affnet/core';

/**
 * Keras defaults: SGD without momentum; Adam β1 0.9, β2 0.999, ε 1e-7; RMSprop ρ 0.9, no momentum,
 * ε 1e-7 (tfjs's own defaults for these equal Keras's).
 */
export function makeOptimizer(name: string, learningRate: number): tf.Optimizer {
  if (!(Number.isFinite(learningRate) && learningRate > 0)) {
    throw new AffnetError('E_OPTION_INVALID', `learningRate: expected a positive number, got ${learningRate}`);
  }
  switch (name as OptimizerName) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'adam':
      return tf.train.adam(learningRate, 0.9, 0.999, 1e-7);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate, 0.9, 0, 1e-7, false);
    default:
      throw choiceError('optimizer', name, OPTIMIZER_NAMES);
  }
}

export interface OptimizerStateIndex {
  optimizer: string;
  /** In tfjs order after "iter": the affnet weight name and slot of each saved tensor. */
  slots: { key: string; slot: string }[];
}

/** Adam keeps β1^t and β2^t as running products; restoring them exactly keeps a resumed run bit-identical. */
const EXTRA_FIELDS = ['accBeta1', 'accBeta2'] as const;

/** The optimizer's state as tensors by name (`iter`, `<slot>/<weight>`, Adam's `accBeta1/2`). */
export async function saveOptimizerState(
  optimizer: tf.Optimizer,
  name: string,
  variables: readonly { key: string; variable: tf.Variable }[],
): Promise<{ tensors: WeightMap; index: OptimizerStateIndex }> {
  const keyOf = new Map(variables.map((v) => [v.variable.name, v.key]));
  const saved = await optimizer.getWeights();
  const tensors: WeightMap = new Map();
  const index: OptimizerStateIndex = { optimizer: name, slots: [] };
  for (const { name: tname, tensor } of saved) {
    const data = Float32Array.from(await tensor.data());
    if (tname === 'iter') {
      tensors.set('iter', { shape: [1], data });
      tensor.dispose(); // a fresh scalar made by getWeights (the others are the optimizer's own variables)
      continue;
    }
    const cut = tname.lastIndexOf('/');
    const key = keyOf.get(tname.slice(0, cut));
    if (!key) throw new Error(`internal: optimizer slot ${tname} is for a variable outside the trained list`);
    const slot = tname.slice(cut + 1);
    index.slots.push({ key, slot });
    tensors.set(`${slot}/${key}`, { shape: [...tensor.shape], data });
  }
  const extras = optimizer as unknown as Record<string, tf.Variable | undefined>;
  for (const field of EXTRA_FIELDS) {
    const v = extras[field];
    if (v instanceof tf.Variable) tensors.set(field, { shape: [1], data: Float32Array.from(await v.data()) });
  }
  return { tensors, index };
}

/** Restores state saved by {@link saveOptimizerState} onto the same trained variable list. */
export async function restoreOptimizerState(
  optimizer: tf.Optimizer,
  name: string,
  variables: readonly { key: string; variable: tf.Variable }[],
  tensors: WeightMap,
  index: OptimizerStateIndex,
  file: string,
): Promise<void> {
  if (index.optimizer !== name) {
    throw new AffnetError('E_BUNDLE_INVALID', `optimizer state is for "${index.optimizer}", this run uses "${name}"`, { file });
  }
  const byKey = new Map(variables.map((v) => [v.key, v.variable]));
  const order = variables.map((v) => v.key);
  // Slots come in groups (one per slot kind), each in trained-variable order.
  const groups = new Map<string, string[]>();
  for (const { key, slot } of index.slots) groups.set(slot, [...(groups.get(slot) ?? []), key]);
  for (const [slot, keys] of groups) {
    if (keys.join('\n') !== order.join('\n')) {
      throw new AffnetError('E_BUNDLE_INVALID', `optimizer state slot "${slot}" is for other trained weights than this run's`, { file });
    }
  }
  const iter = tensors.get('iter');
  const named: { name: string; tensor: tf.Tensor }[] = [];
  if (iter) named.push({ name: 'iter', tensor: tf.scalar(iter.data[0]!, 'int32') });
  for (const { key, slot } of index.slots) {
    const t = tensors.get(`${slot}/${key}`);
    if (!t) throw new AffnetError('E_BUNDLE_INVALID', `optimizer state lacks ${slot}/${key}`, { file });
    named.push({ name: `${byKey.get(key)!.name}/${slot}`, tensor: tf.tensor(t.data, t.shape) });
  }
  await optimizer.setWeights(named);
  tf.dispose(named.map((n) => n.tensor));
  const extras = optimizer as unknown as Record<string, tf.Variable | undefined>;
  for (const field of EXTRA_FIELDS) {
    const saved = tensors.get(field);
    const v = extras[field];
    if (saved && v instanceof tf.Variable) tf.tidy(() => v.assign(tf.scalar(saved.data[0]!)));
  }
}
