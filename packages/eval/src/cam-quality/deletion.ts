/**
 * Deletion metric (Petsiuk, Das & Saenko, "RISE: Randomized Input Sampling for Explanation of
 * Black-box Models", BMVC 2018, §4.1): remove input pixels in order of decreasing saliency, a fixed
 * fraction per step, and record the model's probability of the explained class after each step.
 * The area under that curve (fraction removed on x, 0..1) is low when the map ranks the pixels the
 * decision depends on first. A random deletion order on the same image gives the baseline.
 *
 * "Removed" pixels are set to 0 in the normalised input, which after the per-image z-score is the
 * image's mean grey (RISE sets them to zero in its own input space).
 */
import type { ImageBatch, LoadedModel, Rng } from '@affnet/core';

export interface DeletionOptions {
  /** Number of deletion steps; the curve has `steps + 1` points. @defaultValue 16 */
  steps?: number;
  /** Value written into deleted pixels of the normalised input. @defaultValue 0 */
  baseline?: number;
  /** Images per forward call. @defaultValue 9 */
  batchSize?: number;
}

export interface DeletionCurve {
  /** Fraction of pixels removed at each point, 0 … 1. */
  fractions: number[];
  /** Probability of the explained class at each point. */
  scores: number[];
  /** Trapezoidal area under the curve. */
  auc: number;
}

/** Trapezoidal area under y(x). */
export function trapezoid(x: readonly number[], y: readonly number[]): number {
  let a = 0;
  for (let i = 1; i < x.length; i++) a += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return a;
}

/** Pixel indices from most to least salient (stable on ties: lower index first). */
export function saliencyOrder(saliency: Float32Array | number[]): Uint32Array {
  const idx = Array.from({ length: saliency.length }, (_v, i) => i);
  idx.sort((a, b) => saliency[b]! - saliency[a]! || a - b);
  return Uint32Array.from(idx);
}

/**
 * The deletion curve of one preprocessed image.
 * @param input - one image, shape [1, H, W, C]
 * @param order - pixel indices (0 … H·W−1) in deletion order, e.g. {@link saliencyOrder} of the CAM upsampled to H×W
 * @param classIndex - the class whose probability is followed (the explained class)
 */
export async function deletionCurve(model: Pick<LoadedModel, 'forward'>, input: ImageBatch, order: Uint32Array, classIndex: number, options: DeletionOptions = {}): Promise<DeletionCurve> {
  const { steps = 16, baseline = 0, batchSize = 9 } = options;
  const [n, h, w, c] = input.shape;
  if (n !== 1) throw new RangeError(`deletionCurve takes one image, got a batch of ${n}`);
  if (order.length !== h * w) throw new RangeError(`deletion order has ${order.length} pixels, the input has ${h}x${w}`);
  const pixels = h * w;
  const fractions: number[] = [];
  const scores: number[] = [];
  const current = Float32Array.from(input.data);
  let removed = 0;
  const pending: Float32Array[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const data = new Float32Array(pending.length * pixels * c);
    pending.forEach((img, i) => data.set(img, i * pixels * c));
    const out = await model.forward({ data, shape: [pending.length, h, w, c] });
    for (let i = 0; i < pending.length; i++) scores.push(out.probabilities[i * out.numClasses + classIndex]!);
    pending.length = 0;
  };
  for (let s = 0; s <= steps; s++) {
    const target = Math.round((s * pixels) / steps);
    for (; removed < target; removed++) {
      const p = order[removed]!;
      for (let ch = 0; ch < c; ch++) current[p * c + ch] = baseline;
    }
    fractions.push(target / pixels);
    pending.push(Float32Array.from(current));
    if (pending.length >= batchSize) await flush();
  }
  await flush();
  return { fractions, scores, auc: trapezoid(fractions, scores) };
}

/** A seeded random deletion order of 0 … n−1, the baseline a saliency map should beat. */
export function randomOrder(n: number, rng: Pick<Rng, 'shuffle'>): Uint32Array {
  return Uint32Array.from(rng.shuffle(Array.from({ length: n }, (_v, i) => i)));
}
