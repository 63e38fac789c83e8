/**
 * `affnet align train`: fit the `auto` pathway's aligner (core `pathways/align`) on a manifest's
 * clicks (fx, fy, ax, ay: from `affnet annotate`, or a phantom cohort's ground truth) and write it as
 * one JSON file, for `train --aligner`, `cv --aligner` and any bundle. Labels are not used.
 */
import type { Command } from 'commander';
import { writeAligner } from '@affnet/core';
import { alignerFor } from '../options/aligner.js';
import { addManifestOptions, radiographReader, readManifestOption, type ManifestOptions } from '../options/manifest.js';
import { parseIntOption } from '../options/parse.js';
import { emit } from '../output.js';

interface AlignTrainFlags extends ManifestOptions {
  out: string;
  grid: string;
  epochs: string;
  seed: string;
  json?: boolean;
}

export function registerAlign(program: Command): void {
  const align = program.command('align').description("The auto pathway's aligner: it finds the fracture centre and the shaft axis, learnt from clicks");
  const cmd = align
    .command('train')
    .description("Fit an aligner on a manifest's clicks (fx, fy, ax, ay) and write it as a JSON file")
    .requiredOption('--out <file>', 'aligner file to write (JSON)')
    .option('--grid <n>', 'side of the grid the maps are computed at', '96')
    .option('--epochs <n>', 'training epochs of the per-pixel model', '24')
    .option('--seed <s>', 'random seed', '0')
    .option('--json', 'machine-readable output');
  addManifestOptions(cmd).action(async (f: AlignTrainFlags) => {
    const manifest = await readManifestOption(f);
    const grid = parseIntOption('--grid', f.grid, 32, 512)!;
    const epochs = parseIntOption('--epochs', f.epochs, 1, 200)!;
    const seed = parseIntOption('--seed', f.seed)!;
    const started = Date.now();
    const model = (await alignerFor(manifest, radiographReader(f), { train: { grid, epochs, seed }, required: true, command: 'align train' }))!;
    await writeAligner(f.out, model);
    emit(
      { aligner: f.out, ...model.training, grid: model.grid, seconds: (Date.now() - started) / 1000 },
      f,
      () => `aligner: ${f.out} (fitted on ${model.training.images} images, ${model.training.samples} pixels, grid ${model.grid})`,
    );
  });
}
