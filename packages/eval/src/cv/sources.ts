/**
 * Prepared images as the Trainer contract's `LabelledImages`: without augmentation the in-memory
 * network inputs are returned as they are; with augmentation the original is read again and
 * preprocessed with the draw's seeded generator (core `preprocess` with `augment`), since the
 * augmentation is one affine resample from the original pixels.
 */
import { preprocess, readRadiograph, sampleKey, type ImageBatch, type LabelledImages, type Manifest, type PreprocessingSpec, type Radiograph } from '@affnet/core';
import type { PreparedImage } from './dataset.js';

export function labelledImages(
  images: readonly PreparedImage[],
  manifest: Manifest,
  spec: PreprocessingSpec,
  options: { read?(path: string): Promise<Radiograph> } = {},
): LabelledImages<PreparedImage> {
  const read = options.read ?? ((p: string) => readRadiograph(p));
  const N = spec.inputSize;
  return {
    samples: images,
    labels: images.map((img) => manifest.labels.indexOf(img.label)),
    async load(img, context): Promise<ImageBatch> {
      if (!context.augment) return { data: img.data, shape: [1, N, N, 3] };
      const item = manifest.items[img.index]!;
      const p = preprocess(await read(img.path), spec, { augment: { rng: context.rng }, ...(item.clicks ? { clicks: item.clicks } : {}) });
      return { data: p.data, shape: p.shape };
    },
    // The manifest's path as written: a file name, never patient data from the image header.
    describe: (img) => img.id,
    // The preprocessed image's identity (file and preprocessing): shared trunk features and augmentation draws follow it.
    key: (img) => sampleKey(spec, img.index, img.id),
  };
}
