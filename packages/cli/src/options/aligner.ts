/**
 * The aligner of the `auto` pathway (core `pathways/align`) in the commands: given with
 * `--aligner FILE` (an aligner JSON from `affnet align train`, or a bundle that carries one), or fitted
 * on the manifest's own clicks.
 */
import { AffnetError, readAligner, readAlignerSamples, trainAligner, type AlignerModel, type AlignerTrainOptions, type Manifest, type Radiograph } from '@affnet/core';
import { progress } from '../output.js';

export const ALIGNER_HELP =
  'auto pathway: the aligner that finds the fracture and the shaft axis (an aligner file from "affnet align train", or a bundle that carries one); default: fitted on the manifest\'s clicks';

/** The given aligner, or one fitted on the manifest's images that have clicks (at least 4). */
export async function alignerFor(
  manifest: Manifest,
  read: (path: string) => Promise<Radiograph>,
  options: { file?: string; train?: AlignerTrainOptions; required: boolean; command: string },
): Promise<AlignerModel | undefined> {
  if (options.file) return readAligner(options.file);
  const withClicks = manifest.items.filter((i) => i.clicks);
  if (withClicks.length < 4) {
    if (!options.required) return undefined;
    throw new AffnetError(
      'E_OPTION_INVALID',
      `the auto pathway's aligner learns from clicks (fx, fy, ax, ay), and only ${withClicks.length} of the manifest's ${manifest.items.length} images have them`,
      { hint: { api: 'pass a trained aligner', cli: 'give --aligner FILE (affnet align train), or annotate some images (affnet annotate)' } },
    );
  }
  const bar = progress('fit the aligner (read images)', withClicks.length);
  const items = (
    await readAlignerSamples(withClicks, {
      read,
      ...(options.train?.grid ? { grid: options.train.grid } : {}),
      onProgress: () => bar.tick(),
      onSkip: (file, e) => process.stderr.write(`${options.command}: aligner: ${file} left out (${e instanceof AffnetError ? e.detail : String(e)})\n`),
    })
  ).map((x) => x.sample);
  bar.stop();
  const started = Date.now();
  const model = trainAligner(items, options.train ?? {});
  process.stderr.write(`${options.command}: aligner fitted on ${items.length} images with clicks in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return model;
}
