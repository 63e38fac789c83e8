/**
 * Internal: the loss and the per-batch statistics. Categorical cross-entropy on the softmax output
 * as Keras computes it (`categorical_crossentropy`, from_logits=False: probabilities clipped to
 * [ε, 1 − ε], ε = 1e-7), weighted per sample by its class weight and averaged over the batch (Keras
 * `class_weight` with the "sum over batch size" reduction).
 */
import * as tf from '@tensorflow/tfjs';
import { AffnetError } from '@affnet/core';

/** Keras backend epsilon. */
export const EPSILON = 1e-7;

/** Mean weighted cross-entropy of probabilities [b, k] against labels. */
export function weightedCrossEntropy(probabilities: tf.Tensor2D, labels: readonly number[], classWeights: readonly number[]): tf.Scalar {
  return tf.tidy(() => {
    const k = probabilities.shape[1];
    const oneHot = tf.oneHot(tf.tensor1d(labels as number[], 'int32'), k).toFloat();
    const clipped = tf.clipByValue(probabilities, EPSILON, 1 - EPSILON);
    const perSample = tf.neg(tf.sum(tf.mul(oneHot, tf.log(clipped)), 1));
    const weights = tf.tensor1d(labels.map((l) => classWeights[l]!));
    return tf.mean(tf.mul(perSample, weights));
  });
}

/** Number of rows whose arg-max is the label. */
export function countCorrect(probabilities: ArrayLike<number>, k: number, labels: readonly number[]): number {
  let correct = 0;
  labels.forEach((label, i) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (probabilities[i * k + c]! > probabilities[i * k + best]!) best = c;
    if (best === label) correct++;
  });
  return correct;
}

/**
 * Class weights: given explicitly (one positive number per class), "balanced" (n / (k · n_c), as
 * scikit-learn's `compute_class_weight('balanced')`), or all 1.
 */
export function resolveClassWeights(spec: readonly number[] | 'balanced' | undefined, labels: readonly number[], k: number): number[] {
  if (spec === undefined) return new Array<number>(k).fill(1);
  if (spec === 'balanced') {
    const counts = new Array<number>(k).fill(0);
    for (const l of labels) counts[l]!++;
    const missing = counts.map((c, i) => (c === 0 ? i : -1)).filter((i) => i >= 0);
    if (missing.length > 0) {
      throw new AffnetError('E_OPTION_INVALID', `classWeights "balanced": class(es) ${missing.join(', ')} have no training samples`);
    }
    return counts.map((c) => labels.length / (k * c));
  }
  if (spec.length !== k || spec.some((w) => !(Number.isFinite(w) && w > 0))) {
    throw new AffnetError('E_OPTION_INVALID', `classWeights: expected ${k} positive numbers (one per class) or "balanced", got ${JSON.stringify(spec)}`);
  }
  return [...spec];
}
