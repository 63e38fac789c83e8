/**
 * `affnet train`: train one network on a labelled manifest and write the model bundle. A fraction
 * of the patients (grouped, stratified; core `patientHoldout`) is held out as validation data for
 * the history and for early stopping. Checkpoints after every epoch let a killed run resume.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { AffnetError, formatWarning, runtimeId, startBundle, listArchitectures, patientHoldout, writeBundle, type Architecture, type LoadedModel } from '@affnet/core';
import { createDiskFeatureCache, labelledImages, pathwaySpec, prepareImages, setWarnings, specKey, type PreparedImage } from '@affnet/eval';
import { ALIGNER_HELP, alignerFor } from '../options/aligner.js';
import { addManifestOptions, radiographReader, readManifestOption, type ManifestOptions } from '../options/manifest.js';
import { parseChoice, parseIntOption, parseNumberOption } from '../options/parse.js';
import { trainEngineOptions } from '../options/runtime.js';
import { addTrainingOptions, checkFrozenTrunkFlags, normalisationOption, trainingSettings, type TrainingFlags } from '../options/training.js';
import { emit, progress } from '../output.js';
import { createTrainer, openRuntime } from '../runtime/backends.js';
import { startingWeights, whyRandom } from '../runtime/pretrained.js';

interface TrainFlags extends ManifestOptions, TrainingFlags {
  out: string;
  architecture: string;
  pathway: string;
  inputSize: string;
  cropFraction?: string;
  validationFraction: string;
  earlyStopping?: string;
  checkpointDir?: string;
  aligner?: string | false;
  json?: boolean;
}

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description('Train one network on labelled radiographs and write the model bundle')
    .requiredOption('--out <dir>', 'bundle folder to write')
    .option('--architecture <name>', `network: ${listArchitectures().join(', ')}`, 'resnet50')
    .option('--pathway <name>', 'automated, intervention (the clicks) or auto (the intervention crop on points the aligner finds)', 'automated')
    .option('--aligner <file>', `${ALIGNER_HELP}; intervention bundles carry one too when the manifest has clicks`)
    .option('--no-aligner', 'intervention pathway: do not fit an aligner for images without clicks (the bundle then needs clicks for every image)')
    .option('--input-size <n>', 'network input side N (N×N)', '256')
    .option('--crop-fraction <x>', 'intervention pathway: crop side as a fraction of the padded image side')
    .option('--validation-fraction <x>', 'share of patients held out for validation (0: none)', '0.2')
    .option('--early-stopping <patience>', 'stop after this many epochs without a better validation loss (restores the best)')
    .option(
      '--checkpoint-dir <dir>',
      'checkpoints after every epoch; a rerun resumes from them (default: OUT.checkpoints; frozen-trunk mode: none unless given, an epoch is quicker than a checkpoint)',
    )
    .option('--json', 'machine-readable output');
  addTrainingOptions(addManifestOptions(cmd)).action(async (f: TrainFlags) => {
    const manifest = await readManifestOption(f);
    const architecture = parseChoice('--architecture', f.architecture, listArchitectures()) as Architecture;
    const pathway = parseChoice('--pathway', f.pathway, ['automated', 'intervention', 'auto'] as const);
    const inputSize = parseIntOption('--input-size', f.inputSize, 32, 1024)!;
    const seed = parseIntOption('--seed', f.seed)!;
    const fraction = parseNumberOption('--validation-fraction', f.validationFraction, 0, 0.9)!;
    const patience = parseIntOption('--early-stopping', f.earlyStopping, 1);
    if (patience !== undefined && fraction === 0) throw new AffnetError('E_OPTION_INVALID', '--early-stopping needs validation data: give --validation-fraction > 0');
    const spec = pathwaySpec(pathway, inputSize, parseNumberOption('--crop-fraction', f.cropFraction, 0.05, 1), normalisationOption(f));
    const settings = trainingSettings(f);
    checkFrozenTrunkFlags(f, settings.mode, false);
    const trainOn = trainEngineOptions(f.trainRuntime);
    const frozen = settings.mode === 'frozen-trunk';
    const runtime = frozen ? await openRuntime(f.runtime, { features: true, normalisation: spec.normalisation }) : undefined;

    const read = radiographReader(f);
    // Auto: the classifier learns on the aligner's crops; intervention bundles carry one for images without clicks.
    if (f.aligner === false && pathway === 'auto') throw new AffnetError('E_OPTION_INVALID', '--no-aligner: the auto pathway is its aligner; drop the flag or train --pathway intervention');
    const aligner =
      pathway === 'automated' || f.aligner === false
        ? undefined
        : await alignerFor(manifest, read, { ...(typeof f.aligner === 'string' ? { file: f.aligner } : {}), train: { seed }, required: pathway === 'auto', command: 'train' });
    const prep = progress('read images', manifest.items.length);
    const set = (await prepareImages(manifest, [spec], { onProgress: () => prep.tick(), read, ...(aligner ? { aligner, alignMissingClicks: false } : {}) })).get(specKey(spec))!;
    prep.stop();
    for (const w of setWarnings(set)) process.stderr.write(`train: ${formatWarning(w)}\n`);
    const foldOf = fraction > 0 ? patientHoldout(manifest, { fraction, seed }).foldOf : manifest.items.map(() => -1);
    const pick = (test: boolean): PreparedImage[] => set.images.filter((img): img is PreparedImage => img !== undefined && (foldOf[img.index] === 0) === test);
    const train = pick(false);
    const validation = pick(true);
    const start = await startingWeights(f.weights, architecture, spec, [...manifest.labels], manifest.positive, seed);
    const randomWhy = !start && f.weights === 'auto' ? whyRandom(architecture) : undefined;
    if (randomWhy) process.stderr.write(`train: ${architecture} starts from random weights: ${randomWhy}\n`);

    let startWeights = start?.bundle;
    let trunk: LoadedModel | undefined;
    if (runtime?.note) process.stderr.write(`${runtime.note}\n`);
    if (runtime && runtime.name !== 'tfjs') {
      // The trunk runtime needs the starting weights as a bundle: for random weights, the trainer's seeded ones.
      startWeights = startBundle(startWeights, { architecture, preprocessing: spec, labels: manifest.labels, positiveLabel: manifest.positive, seed, tool: 'affnet train' });
      trunk = await runtime.backend.load(startWeights, runtime.loadOptions);
    }
    const checkpointDir = f.checkpointDir ?? (frozen ? undefined : `${f.out.replace(/\/+$/, '')}.checkpoints`);

    let bar: ReturnType<typeof progress> | undefined;
    const trainer = await createTrainer();
    let result;
    try {
      result = await trainer.train({
        architecture,
        ...(startWeights ? { bundle: startWeights } : { init: { seed } }),
        preprocessing: spec,
        ...(trunk ? { trunk } : {}),
        ...(frozen && f.featureCache ? { featureCache: createDiskFeatureCache(f.featureCache) } : {}),
        inputSize,
        labels: [...manifest.labels],
        positiveLabel: manifest.positive,
        pathway,
        train: labelledImages(train, manifest, spec, { read }),
        ...(validation.length > 0 ? { validation: labelledImages(validation, manifest, spec, { read }) } : {}),
        ...settings,
        ...(patience !== undefined ? { earlyStopping: { patience, restoreBest: true } } : {}),
        ...(checkpointDir ? { checkpointDir } : {}),
        seed,
        tool: 'affnet train',
        backendOptions: trainOn,
        onProgress: (p) => {
          if (p.phase === 'epoch') {
            bar ??= progress('train epochs', p.epochs);
            bar.tick();
          }
        },
      });
    } finally {
      await trunk?.dispose();
    }
    bar?.stop();
    if (aligner) result.bundle.manifest.aligner = aligner;
    await writeBundle(f.out, result.bundle);
    const last = result.history.at(-1);
    emit(
      {
        bundle: f.out,
        runtime: result.runtime,
        trainedOn: runtimeId(result.runtime),
        ...(trunk ? { trunkFeaturesOn: runtimeId(trunk.runtime) } : {}),
        bestEpoch: result.bestEpoch,
        stopReason: result.stopReason,
        resumedFrom: result.resumedFrom,
        trainImages: train.length,
        validationImages: validation.length,
        initialisation: start?.description ?? `random (seed ${seed})`,
        ...(aligner ? { aligner: { images: aligner.training.images, grid: aligner.grid } } : {}),
        history: result.history,
      },
      f,
      () =>
        [
          `bundle: ${join(f.out)}`,
          `trained on: ${runtimeId(result.runtime)}${trunk ? `, trunk features on ${runtimeId(trunk.runtime)}` : ''}; ${train.length} training and ${validation.length} validation images; start: ${start?.description ?? `random (seed ${seed})`}`,
          `epochs: ${result.history.length} (${result.stopReason}${result.resumedFrom ? `, resumed after epoch ${result.resumedFrom}` : ''}); best epoch ${result.bestEpoch}`,
          last ? `last epoch: loss ${last.loss.toFixed(4)}, accuracy ${last.accuracy.toFixed(3)}${last.valAccuracy !== undefined ? `, validation accuracy ${last.valAccuracy.toFixed(3)}` : ''}` : '',
        ].join('\n'),
    );
  });
}
