/**
 * Internal: the training data path inside the trainer — seeded per-epoch order, per-sample seeds for
 * augmentation draws, and assembling a batch from one preprocessed image per sample. Images are
 * preprocessed by the source (core `preprocess`); nothing here changes a pixel.
 */
import { AffnetError, createRng, type ImageBatch, type LabelledImages, type Rng, type SampleContext } from '@affnet/core';

/**
 * A seed derived from the run's seed and a path of integers (purpose, epoch, sample …), so every
 * random stream of a run is fixed by (seed, path) alone: a resumed run redraws exactly what an
 * uninterrupted one draws, with no generator state to save. Mixing: MurmurHash3's fmix32 finaliser
 * (Appleby, public domain) over the 32-bit words, giving a 32-bit seed.
 */
export function deriveSeed(seed: number, ...path: number[]): number {
  let h = 0x2545f491;
  const words = [seed >>> 0, Math.floor(seed / 4294967296) >>> 0, ...path.map((p) => p >>> 0)];
  for (const w of words) {
    h = Math.imul(h ^ w, 0x9e3779b1);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Stream identifiers for {@link deriveSeed}. */
export const STREAM = { order: 1, augment: 2, featureDraw: 3 } as const;

/** The sample order of one epoch: a seeded Fisher–Yates shuffle of 0 … n−1. */
export function epochOrder(seed: number, epoch: number, n: number): number[] {
  const rng = createRng(deriveSeed(seed, STREAM.order, epoch));
  return rng.shuffle(Array.from({ length: n }, (_, i) => i));
}

/** Batches of indices (the last one may be smaller). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function describeSample<S>(source: LabelledImages<S>, index: number): string {
  const sample = source.samples[index] as S;
  return source.describe ? source.describe(sample, index) : `sample #${index}`;
}

/** Checks a source: as many labels as samples, labels valid class indices. */
export function checkSource<S>(source: LabelledImages<S>, name: string, numClasses: number): void {
  if (source.samples.length !== source.labels.length) {
    throw new AffnetError('E_OPTION_INVALID', `${name}: ${source.samples.length} samples but ${source.labels.length} labels`);
  }
  if (source.samples.length === 0) throw new AffnetError('E_OPTION_INVALID', `${name}: no samples`);
  source.labels.forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new AffnetError('E_OPTION_INVALID', `${name}: label ${label} of ${describeSample(source, i)} is not a class index (valid: 0 … ${numClasses - 1})`);
    }
  });
}

export interface LoadRequest {
  epoch: number;
  draw: number;
  augment: boolean;
  /** Seed of the sample's augmentation generator. */
  rng: (index: number) => Rng;
}

/** Loads samples `indices` into one NHWC batch [b, N, N, 3], checking each image's shape. */
export async function loadBatch<S>(
  source: LabelledImages<S>,
  name: string,
  indices: readonly number[],
  inputSize: number,
  request: LoadRequest,
): Promise<{ data: Float32Array; shape: [number, number, number, number]; labels: number[] }> {
  const per = inputSize * inputSize * 3;
  const data = new Float32Array(indices.length * per);
  for (const [k, index] of indices.entries()) {
    const context: SampleContext = { index, epoch: request.epoch, draw: request.draw, augment: request.augment, rng: request.rng(index) };
    let image: ImageBatch;
    try {
      image = await source.load(source.samples[index] as S, context);
    } catch (e) {
      throw new AffnetError('E_IO', `${name}: cannot load ${describeSample(source, index)}: ${(e as Error).message}`, { cause: e });
    }
    const [b, h, w, c] = image.shape;
    if (b !== 1 || h !== inputSize || w !== inputSize || c !== 3 || image.data.length !== per) {
      throw new AffnetError(
        'E_OPTION_INVALID',
        `${name}: ${describeSample(source, index)} gave an image of shape [${image.shape.join(', ')}] (${image.data.length} values); the network needs [1, ${inputSize}, ${inputSize}, 3]`,
      );
    }
    data.set(image.data, k * per);
  }
  return { data, shape: [indices.length, inputSize, inputSize, 3], labels: indices.map((i) => source.labels[i]!) };
}

/**
 * A source over images already in memory (one preprocessed NHWC batch and a label per image):
 * the "ImageBatch provider" form of {@link LabelledImages}. Augmentation is not applied (the images
 * are fixed); use a sample list with a preprocess callback for that.
 */
export function imageBatchSource(batch: ImageBatch, labels: readonly number[]): LabelledImages<number> {
  const [n, h, w, c] = batch.shape;
  if (labels.length !== n) throw new AffnetError('E_OPTION_INVALID', `imageBatchSource: ${n} images but ${labels.length} labels`);
  const per = h * w * c;
  return {
    samples: Array.from({ length: n }, (_, i) => i),
    labels,
    load: (i) => ({ data: batch.data.subarray(i * per, (i + 1) * per), shape: [1, h, w, c] }),
    describe: (i) => `image #${i}`,
  };
}
