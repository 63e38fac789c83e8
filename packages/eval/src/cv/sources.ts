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
      // The points the prepared image was cropped on (clicks or the aligner's), so the augmented draws crop the same place.
      const clicks = img.alignment?.clicks ?? manifest.items[img.index]!.clicks;
      const p = preprocess(await read(img.path), spec, { augment: { rng: context.rng }, ...(clicks ? { clicks } : {}) });
      return { data: p.data, shape: p.shape };
    },
    // The manifest's path as written: a file name, never patient data from the image header.
    describe: (img) => img.id,
    // The preprocessed image's identity (file and preprocessing): shared trunk features and augmentation draws follow it.
    // Aligner-found points are part of the identity: another aligner crops elsewhere.
    key: (img) => sampleKey(spec, img.index, img.alignment?.source === 'auto' ? `${img.id}@${pointsKey(img.alignment.clicks)}` : img.id),
  };
}

function pointsKey(c: { fracture: { x: number; y: number }; axis: { x: number; y: number } }): string {
  return [c.fracture.x, c.fracture.y, c.axis.x, c.axis.y].map((v) => v.toFixed(2)).join(',');
}
