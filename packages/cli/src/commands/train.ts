/**
 * `affnet train`: train one network on a labelled manifest and write the model bundle. A fraction
 * of the patients (grouped, stratified; core `patientHoldout`) is held out as validation data for
 * the history and for early stopping. Checkpoints after every epoch let a killed run resume.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { AffnetError, listArchitectures, patientHoldout, writeBundle, type Architecture } from '@affnet/core';
import { labelledImages, pathwaySpec, prepareImages, specKey, type PreparedImage } from '@affnet/eval';
import { addManifestOptions, readManifestOption, type ManifestOptions } from '../options/manifest.js';
import { parseChoice, parseIntOption, parseNumberOption } from '../options/parse.js';
import { addTrainingOptions, engineOptions, trainingSettings, type TrainingFlags } from '../options/training.js';
import { emit, progress } from '../output.js';
import { createTrainer } from '../runtime/backends.js';
import { startingWeights } from '../runtime/pretrained.js';

interface TrainFlags extends ManifestOptions, TrainingFlags {
  out: string;
  architecture: string;
  pathway: string;
  inputSize: string;
  cropFraction?: string;
  validationFraction: string;
  earlyStopping?: string;
  checkpointDir?: string;
  json?: boolean;
}

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description('Train one network on labelled radiographs and write the model bundle')
    .requiredOption('--out <dir>', 'bundle folder to write')
    .option('--architecture <name>', `network: ${listArchitectures().join(', ')}`, 'resnet50')
    .option('--pathway <name>', 'automated or intervention', 'automated')
    .option('--input-size <n>', 'network input side N (N×N)', '256')
    .option('--crop-fraction <x>', 'intervention pathway: crop side as a fraction of the padded image side')
    .option('--validation-fraction <x>', 'share of patients held out for validation (0: none)', '0.2')
    .option('--early-stopping <patience>', 'stop after this many epochs without a better validation loss (restores the best)')
    .option('--checkpoint-dir <dir>', 'checkpoints after every epoch; a rerun resumes from them (default: OUT.checkpoints)')
    .option('--json', 'machine-readable output');
  addTrainingOptions(addManifestOptions(cmd)).action(async (f: TrainFlags) => {
    const manifest = await readManifestOption(f);
    const architecture = parseChoice('--architecture', f.architecture, listArchitectures()) as Architecture;
    const pathway = parseChoice('--pathway', f.pathway, ['automated', 'intervention'] as const);
    const inputSize = parseIntOption('--input-size', f.inputSize, 32, 1024)!;
    const seed = parseIntOption('--seed', f.seed)!;
    const fraction = parseNumberOption('--validation-fraction', f.validationFraction, 0, 0.9)!;
    const patience = parseIntOption('--early-stopping', f.earlyStopping, 1);
    if (patience !== undefined && fraction === 0) throw new AffnetError('E_OPTION_INVALID', '--early-stopping needs validation data: give --validation-fraction > 0');
    const spec = pathwaySpec(pathway, inputSize, parseNumberOption('--crop-fraction', f.cropFraction, 0.05, 1));
    const settings = trainingSettings(f);

    const prep = progress('read images', manifest.items.length);
    const set = (await prepareImages(manifest, [spec], { onProgress: () => prep.tick() })).get(specKey(spec))!;
    prep.stop();
    for (const failure of set.failures) process.stderr.write(`train: left out ${failure.id}: ${failure.reason}\n`);
    const foldOf = fraction > 0 ? patientHoldout(manifest, { fraction, seed }).foldOf : manifest.items.map(() => -1);
    const pick = (test: boolean): PreparedImage[] => set.images.filter((img): img is PreparedImage => img !== undefined && (foldOf[img.index] === 0) === test);
    const train = pick(false);
    const validation = pick(true);
    const start = await startingWeights(f.weights, architecture, spec, [...manifest.labels], manifest.positive, seed);

    let bar: ReturnType<typeof progress> | undefined;
    const trainer = await createTrainer();
    const result = await trainer.train({
      architecture,
      ...(start ? { bundle: start.bundle } : { init: { seed } }),
      inputSize,
      labels: [...manifest.labels],
      positiveLabel: manifest.positive,
      pathway,
      train: labelledImages(train, manifest, spec),
      ...(validation.length > 0 ? { validation: labelledImages(validation, manifest, spec) } : {}),
      ...settings,
      ...(patience !== undefined ? { earlyStopping: { patience, restoreBest: true } } : {}),
      checkpointDir: f.checkpointDir ?? `${f.out.replace(/\/+$/, '')}.checkpoints`,
      seed,
      tool: 'affnet train',
      backendOptions: engineOptions(f.engine),
      onProgress: (p) => {
        if (p.phase === 'epoch') {
          bar ??= progress('train epochs', p.epochs);
          bar.tick();
        }
      },
    });
    bar?.stop();
    result.bundle.manifest.preprocessing = { ...spec };
    await writeBundle(f.out, result.bundle);
    const last = result.history.at(-1);
    emit(
      { bundle: f.out, runtime: result.runtime, bestEpoch: result.bestEpoch, stopReason: result.stopReason, resumedFrom: result.resumedFrom, trainImages: train.length, validationImages: validation.length, initialisation: start?.description ?? `random (seed ${seed})`, history: result.history },
      f,
      () =>
        [
          `bundle: ${join(f.out)}`,
          `engine: ${result.runtime.backend}/${result.runtime.engine}; ${train.length} training and ${validation.length} validation images; start: ${start?.description ?? `random (seed ${seed})`}`,
          `epochs: ${result.history.length} (${result.stopReason}${result.resumedFrom ? `, resumed after epoch ${result.resumedFrom}` : ''}); best epoch ${result.bestEpoch}`,
          last ? `last epoch: loss ${last.loss.toFixed(4)}, accuracy ${last.accuracy.toFixed(3)}${last.valAccuracy !== undefined ? `, validation accuracy ${last.valAccuracy.toFixed(3)}` : ''}` : '',
        ].join('\n'),
    );
  });
}
