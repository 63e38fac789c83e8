/**
 * `affnet cv`: the reference study's protocol — K-fold cross-validation (stratified, grouped by
 * patient) for each network × pathway, resumable, seeded — then the report.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { listArchitectures, readAligner, type Architecture, type PathwayName } from '@affnet/core';
import { buildReport, runCrossValidation, writeReport, type CvEvent, type CvOutcome } from '@affnet/eval';
import { CliError } from '../errors.js';
import { addManifestOptions, radiographReader, readManifestOption, type ManifestOptions } from '../options/manifest.js';
import { parseIntOption, parseList, parseNumberOption } from '../options/parse.js';
import { retireFlags, trainEngineOptions } from '../options/runtime.js';
import { addTrainingOptions, checkFrozenTrunkFlags, normalisationOption, trainingSettings, type TrainingFlags } from '../options/training.js';
import { emit, progress, type Progress } from '../output.js';
import { createTrainer, openRuntime } from '../runtime/backends.js';
import { startingWeights, whyRandom } from '../runtime/pretrained.js';
import { hasTruth, truthRegions } from '../runtime/truth.js';

export interface CvFlags extends ManifestOptions, TrainingFlags {
  out: string;
  architectures: string;
  pathways: string;
  folds: string;
  inputSize: string;
  cropFraction?: string;
  gallery: string;
  camQuality?: boolean;
  deletionImages: string;
  deletionSteps: string;
  keepBundles?: boolean | string;
  aligner?: string;
  report?: boolean;
  json?: boolean;
}

/** "256" for all, or "vgg19=64,inception_v3=75,resnet50=64". */
export function parseInputSizes(value: string, architectures: Architecture[]): Partial<Record<Architecture, number>> {
  if (!value.includes('=')) {
    const n = parseIntOption('--input-size', value, 32, 1024)!;
    return Object.fromEntries(architectures.map((a) => [a, n]));
  }
  const sizes: Partial<Record<Architecture, number>> = {};
  for (const part of value.split(',')) {
    const [a, n] = part.split('=', 2).map((s) => s.trim()) as [string, string];
    const arch = parseList('--input-size', a, listArchitectures())[0]!;
    sizes[arch] = parseIntOption(`--input-size ${a}`, n, 32, 1024)!;
  }
  for (const a of architectures) if (sizes[a] === undefined) throw new CliError(`--input-size: no size for ${a} (give one for every architecture, or a single number)`, 2);
  return sizes;
}

/** Progress bars for a CV run: one over folds, one over the current fold's training epochs. */
export function cvProgress(): { onEvent(e: CvEvent): void; stop(): void } {
  let prep: Progress | undefined;
  let folds: Progress | undefined;
  return {
    onEvent(e) {
      if (e.type === 'prepare') {
        prep ??= progress('read and preprocess images', e.total);
        prep.tick();
        if (e.done === e.total) prep.stop();
      } else if (e.type === 'fold-start' || e.type === 'fold-resumed') {
        folds ??= progress('cross-validation folds', e.total);
        if (e.type === 'fold-resumed') folds.tick(1, { fold: e.key });
      } else if (e.type === 'fold-done') folds?.tick(1, { fold: e.key });
      else if (e.type === 'fold-discarded') process.stderr.write(`cv: ${e.key}: ${e.reason}\n`);
      else if (e.type === 'aligner') process.stderr.write(`cv: auto pathway: fold ${e.fold + 1}'s aligner fitted on ${e.images} images of the other folds in ${e.seconds.toFixed(1)} s\n`);
    },
    stop() {
      folds?.stop();
    },
  };
}

export async function runCvCommand(f: CvFlags, extra: { notes?: string[]; title?: string; signal?: AbortSignal } = {}): Promise<CvOutcome & { report?: string }> {
  const manifest = await readManifestOption(f);
  const architectures = parseList('--architectures', f.architectures, listArchitectures());
  const pathways = parseList('--pathways', f.pathways, ['automated', 'intervention', 'auto'] as PathwayName[]);
  const folds = parseIntOption('--folds', f.folds, 2, 100)!;
  const seed = parseIntOption('--seed', f.seed)!;
  const inputSize = parseInputSizes(f.inputSize, architectures);
  const cropFraction = parseNumberOption('--crop-fraction', f.cropFraction, 0.05, 1);
  const gallery = parseIntOption('--gallery', f.gallery, 0, 20)!;
  const normalisation = normalisationOption(f);
  const camImages = parseIntOption('--deletion-images', f.deletionImages, 0, 1000)!;
  const steps = parseIntOption('--deletion-steps', f.deletionSteps, 2, 1000)!;
  const training = trainingSettings(f);
  checkFrozenTrunkFlags(f, training.mode, true);
  const trainOn = trainEngineOptions(f.trainRuntime);
  // The held-out folds' predictions and CAMs (and frozen-trunk features) run here; options are checked before any work.
  const runtime = await openRuntime(f.runtime, { features: true, normalisation });
  if (runtime.note) process.stderr.write(`${runtime.note}\n`);
  const bar = cvProgress();
  let outcome: CvOutcome;
  try {
    outcome = await runCrossValidation({
      manifest,
      manifestName: f.manifest,
      outDir: f.out,
      architectures,
      pathways,
      folds,
      seed,
      inputSize,
      ...(cropFraction !== undefined ? { cropFraction } : {}),
      normalisation,
      training,
      trainer: await createTrainer(),
      backend: runtime.backend,
      loadOptions: runtime.loadOptions,
      ...(f.featureCache ? { featureCacheDir: f.featureCache } : {}),
      ...(f.acceptTruncated ? { read: radiographReader(f) } : {}),
      ...(training.mode === 'frozen-trunk' && runtime.name !== 'tfjs' ? { trunk: { backend: runtime.backend, loadOptions: runtime.loadOptions } } : {}),
      backendOptions: trainOn,
      initialWeights: async (a, n) => {
        const start = await startingWeights(f.weights, a, { pathway: 'automated', inputSize: n, normalisation }, [...manifest.labels], manifest.positive, seed);
        if (start || f.weights !== 'auto') return start;
        // --weights auto without ImageNet weights for this network: say so, here and in the results.
        process.stderr.write(`cv: ${a} starts from random weights: ${whyRandom(a)}\n`);
        return { description: whyRandom(a) };
      },
      galleryPerFold: gallery,
      ...(f.camQuality !== false && hasTruth(manifest) ? { camQuality: { regionOf: truthRegions(manifest, (m) => process.stderr.write(`cv: ${m}\n`)), maxImages: camImages, steps } } : {}),
      ...(f.aligner ? { aligner: await readAligner(f.aligner) } : {}),
      keepBundles: typeof f.keepBundles === 'string' ? f.keepBundles.split(',').map((k) => k.trim()) : Boolean(f.keepBundles),
      onEvent: bar.onEvent,
      ...(extra.signal ? { signal: extra.signal } : {}),
      tool: 'affnet cv',
    });
  } finally {
    bar.stop();
  }
  if (!outcome.results) return outcome;
  if (f.report === false) return outcome;
  const doc = await buildReport({ experiment: outcome.results, experimentDir: f.out, ...(extra.notes ? { notes: extra.notes } : {}), ...(extra.title ? { title: extra.title } : {}) });
  const written = writeReport(doc, join(f.out, 'report.html'));
  return { ...outcome, report: written.html };
}

export function registerCv(program: Command): void {
  const cmd = program
    .command('cv')
    .description('K-fold cross-validation (stratified, grouped by patient) of networks × pathways, then the report; resumable')
    .requiredOption('--out <dir>', 'output folder (results.json, folds/, cam/, report.html); rerun to resume')
    .option('--architectures <list>', 'comma-separated networks', 'resnet50,vgg19,inception_v3')
    .option('--pathways <list>', 'automated, intervention (the clicks), auto (the intervention crop on points the aligner finds), comma-separated', 'automated,intervention')
    .option('--aligner <file>', "auto pathway: one aligner for every fold (affnet align train, or a bundle carrying one); default: one per fold, fitted on the other folds' clicks")
    .option('--folds <k>', 'number of folds', '5')
    .option('--input-size <n>', 'network input side: one number, or per network "vgg19=64,inception_v3=75"', '256')
    .option('--crop-fraction <x>', 'intervention pathway: crop side as a fraction of the padded image side')
    .option('--gallery <n>', 'CAM overlays per fold for the report gallery', '4')
    .option('--no-cam-quality', 'skip the pointing game and deletion AUC even when the manifest has ground truth')
    .option('--deletion-images <n>', 'images per fold whose deletion AUC is measured (2·(steps + 1) forward passes each)', '4')
    .option('--deletion-steps <n>', 'deletion curve steps', '16')
    .option('--keep-bundles [keys]', 'keep trained bundles under OUT/bundles: all, or the listed folds ("resnet50-automated-fold1,…")')
    .option('--no-report', 'do not write OUT/report.html')
    .option('--json', 'machine-readable output');
  retireFlags(cmd, [{ flags: '--cam-images <n>', instead: (v) => `--deletion-images ${String(v)} (images per fold whose deletion AUC is measured; --gallery is the overlays)` }]);
  addTrainingOptions(addManifestOptions(cmd), { mode: 'full' }).action(async (f: CvFlags) => {
    const out = await runCvCommand(f);
    if (!out.results) throw new CliError(`cv: stopped after ${out.computed} folds; rerun the same command to continue`, 1);
    emit({ results: out.resultsFile, report: out.report, folds: out.total, computed: out.computed, resumed: out.resumed }, f, () =>
      [`results: ${out.resultsFile}`, out.report ? `report: ${out.report}` : '', `folds: ${out.total} (${out.computed} computed, ${out.resumed} resumed)`].filter(Boolean).join('\n'),
    );
  });
}
