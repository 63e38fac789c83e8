/**
 * Calibration images for int8 quantisation: the first images of a manifest, preprocessed as the
 * bundle says (core pathways, through eval's `prepareImages`), in batches.
 */
import { AffnetError, stackImages, type ImageBatch, type ModelBundle } from '@affnet/core';
import { prepareImages, specKey } from '@affnet/eval';
import { radiographReader, readManifestOption, type ManifestOptions } from '../options/manifest.js';

export async function calibrationBatches(bundle: ModelBundle, manifestOptions: ManifestOptions, count: number, batchSize = 8): Promise<ImageBatch[]> {
  const manifest = await readManifestOption(manifestOptions);
  const spec = bundle.manifest.preprocessing;
  const subset = { ...manifest, items: manifest.items.slice(0, count) };
  const set = (await prepareImages(subset, [spec], { read: radiographReader(manifestOptions) })).get(specKey(spec))!;
  const images = set.images.filter((x) => x !== undefined);
  if (images.length === 0) {
    throw new AffnetError('E_MANIFEST_INVALID', `no calibration image could be read (${set.failures[0]?.reason ?? 'empty manifest'})`, { file: manifestOptions.manifest });
  }
  const batches: ImageBatch[] = [];
  for (let i = 0; i < images.length; i += batchSize) batches.push(stackImages(images.slice(i, i + batchSize), spec.inputSize));
  return batches;
}
