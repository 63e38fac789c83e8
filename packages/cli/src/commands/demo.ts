/**
 * `affnet demo`: the whole job on built-in settings — a phantom cohort, 5-fold cross-validation of
 * ResNet50, VGG19 and InceptionV3 on both pathways, a runtime comparison of one trained fold, and
 * one HTML report. Cross-validation runs in `--workers` child processes (`affnet cv` on a share of
 * the networks, writing finished folds into the same folder); a final pass then resumes every fold
 * and writes the combined results, so a killed demo continues where it stopped.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadManifest, readRadiograph, saveManifest, writeAligner } from '@affnet/core';
import { DEFAULT_CONSTRAINTS, foldKey, buildReport, readComparisonResults, writeReport } from '@affnet/eval';
import { generateCohort } from '@affnet/phantom';
import { CliError } from '../errors.js';
import { alignerFor } from '../options/aligner.js';
import { parseIntOption } from '../options/parse.js';
import { emit, progress } from '../output.js';
import { runCompare } from './compare.js';
import { runCvCommand, type CvFlags } from './cv.js';
import { DEMO_SETTINGS, describeSettings, QUICK_SETTINGS, type DemoSettings } from './demo-settings.js';

interface DemoFlags {
  out: string;
  workers?: string;
  quick?: boolean;
  json?: boolean;
}

const DEMO_PATHWAYS = ['automated', 'intervention', 'auto'];

function cvFlags(s: DemoSettings, manifest: string, out: string, aligner: string, architectures = s.architectures): CvFlags {
  return {
    manifest,
    out,
    architectures: architectures.join(','),
    pathways: DEMO_PATHWAYS.join(','),
    aligner,
    folds: String(s.folds),
    inputSize: architectures.map((a) => `${a}=${s.inputSize[a]}`).join(','),
    mode: s.training.mode,
    epochs: String(s.training.epochs),
    batchSize: String(s.training.batchSize),
    optimizer: s.training.optimizer,
    lr: String(s.training.learningRate),
    classWeights: s.training.classWeights,
    ...(s.training.standardiseFeatures ? { standardiseFeatures: true } : {}),
    ...(s.training.l2 ? { l2: String(s.training.l2) } : {}),
    augmentDraws: '1',
    seed: String(s.cohort.seed),
    weights: 'auto',
    normalisation: 'zscore',
    runtime: 'auto',
    trainRuntime: 'tfjs:wasm',
    gallery: String(s.gallery),
    deletionImages: String(s.deletionImages),
    deletionSteps: String(s.deletionSteps),
    keepBundles: foldKey(s.compareFold.architecture, s.compareFold.pathway, 0),
    report: false,
  };
}

/** argv for a child `affnet cv` with the same flags. */
function cvArgv(f: CvFlags): string[] {
  const args = ['cv', '--manifest', f.manifest, '--out', f.out, '--architectures', f.architectures, '--pathways', f.pathways, '--folds', f.folds, '--input-size', f.inputSize];
  args.push('--mode', f.mode, '--epochs', f.epochs!, '--batch-size', f.batchSize!, '--optimizer', f.optimizer!, '--lr', f.lr!, '--class-weights', f.classWeights!);
  args.push('--seed', f.seed, '--weights', f.weights, '--train-runtime', f.trainRuntime!, '--gallery', f.gallery, '--deletion-images', f.deletionImages, '--deletion-steps', f.deletionSteps);
  if (f.standardiseFeatures) args.push('--standardise-features');
  if (f.l2) args.push('--l2', f.l2);
  args.push('--runtime', f.runtime, '--normalisation', f.normalisation);
  if (typeof f.keepBundles === 'string') args.push('--keep-bundles', f.keepBundles);
  if (f.aligner) args.push('--aligner', f.aligner);
  args.push('--no-report');
  return args;
}

/** Split networks over workers by cost (VGG19 is the heaviest per image). */
function shares(architectures: DemoSettings['architectures'], workers: number): DemoSettings['architectures'][] {
  const cost = (a: string): number => (a === 'vgg19' ? 3 : 1);
  const out: DemoSettings['architectures'][] = Array.from({ length: Math.min(workers, architectures.length) }, () => []);
  for (const a of [...architectures].sort((x, y) => cost(y) - cost(x))) {
    const lightest = out.reduce((best, s, i) => (s.reduce((t, x) => t + cost(x), 0) < out[best]!.reduce((t, x) => t + cost(x), 0) ? i : best), 0);
    out[lightest]!.push(a);
  }
  return out.filter((s) => s.length > 0);
}

function runChild(bin: string, args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, AFFNET_NO_PROGRESS: '1' } });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new CliError(`demo: worker "affnet ${args.slice(0, 7).join(' ')} …" failed (exit ${code}):\n${err}`, 1))));
  });
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Run the main job on built-in settings: phantom cohort, 5-fold cross-validation of ResNet50/VGG19/InceptionV3 on three pathways (automated, intervention, auto), runtime comparison, one HTML report',
    )
    .option('--out <dir>', 'output folder (rerun to resume)', 'affnet-demo')
    .option('--workers <n>', 'cross-validation worker processes (default: min(2, CPU cores); 0 = in this process)')
    .option('--quick', 'a seconds-long smoke run (tiny cohort, one small network, 2 folds)')
    .option('--json', 'machine-readable output')
    .action(async (f: DemoFlags) => {
      const s = f.quick ? QUICK_SETTINGS : DEMO_SETTINGS;
      const workers = parseIntOption('--workers', f.workers, 0, 64) ?? Math.min(2, availableParallelism());
      const out = resolve(f.out);
      mkdirSync(out, { recursive: true });
      const seconds: Record<string, number> = {};
      const load = loadavg()[0]!;
      let t = Date.now();

      // 1. Phantom cohort (skipped when a previous run left it).
      const manifest = join(out, 'cohort', 'manifest.csv');
      if (!existsSync(manifest)) {
        const bar = progress('phantom cohort', 1);
        const c = s.cohort;
        await generateCohort({
          out: join(out, 'cohort'),
          patients: c.patients,
          imagesPerPatient: c.images,
          height: c.height,
          difficulty: c.difficulty,
          seed: c.seed,
          dicom: false,
          onProgress: (_done, total) => (bar.setTotal(total), bar.tick()),
        });
        bar.stop();
      }
      seconds.cohort = (Date.now() - t) / 1000;

      // 1b. The auto pathway's aligner, fitted on a separate phantom cohort's ground-truth clicks.
      t = Date.now();
      const aligner = join(out, 'aligner.json');
      if (!existsSync(aligner)) {
        const alignCohort = join(out, 'align-cohort');
        const a = s.alignment;
        if (!existsSync(join(alignCohort, 'manifest.csv'))) {
          const bar = progress('phantom cohort for the aligner', 1);
          await generateCohort({
            out: alignCohort,
            patients: a.patients,
            imagesPerPatient: s.cohort.images,
            height: s.cohort.height,
            difficulty: s.cohort.difficulty,
            seed: a.seed,
            dicom: false,
            onProgress: (_done, total) => (bar.setTotal(total), bar.tick()),
          });
          bar.stop();
        }
        const model = await alignerFor(await loadManifest(join(alignCohort, 'manifest.csv')), (p) => readRadiograph(p), {
          train: { grid: a.grid, epochs: a.epochs, seed: a.seed },
          required: true,
          command: 'demo',
        });
        await writeAligner(aligner, model!);
      }
      seconds.aligner = (Date.now() - t) / 1000;

      // 2. Cross-validation: workers compute folds; the final pass resumes them all and writes the results.
      t = Date.now();
      const cvOut = join(out, 'cv');
      const bin = fileURLToPath(new URL('../bin.js', import.meta.url));
      if (workers > 0 && existsSync(bin)) {
        const total = s.architectures.length * DEMO_PATHWAYS.length * s.folds;
        const bar = progress('cross-validation folds (workers)', total);
        let shown = 0;
        const poll = setInterval(() => {
          const done = existsSync(join(cvOut, 'folds')) ? readdirSync(join(cvOut, 'folds')).filter((n) => n.endsWith('.json')).length : 0;
          if (done > shown) bar.tick(done - shown);
          shown = Math.max(shown, done);
        }, 1000);
        try {
          await Promise.all(shares(s.architectures, workers).map((share) => runChild(bin, cvArgv(cvFlags(s, manifest, cvOut, aligner, share)))));
        } finally {
          clearInterval(poll);
          bar.stop();
        }
      }
      const notes = [...describeSettings(s)];
      const cv = await runCvCommand(cvFlags(s, manifest, cvOut, aligner));
      if (!cv.results) throw new CliError('demo: cross-validation did not finish; rerun to continue', 1);
      seconds.crossValidation = (Date.now() - t) / 1000;

      // 3. Runtime comparison: one trained fold on every runtime, on that fold's held-out images.
      t = Date.now();
      const key = foldKey(s.compareFold.architecture, s.compareFold.pathway, 0);
      const fold = cv.results.runs.find((r) => r.architecture === s.compareFold.architecture && r.pathway === s.compareFold.pathway && r.fold === 0)!;
      const heldOut = join(cvOut, `${key}-test.csv`);
      const cohort = await loadManifest(manifest);
      const ids = new Set(fold.predictions.map((p) => p.id));
      await saveManifest(heldOut, { ...cohort, items: cohort.items.filter((i) => ids.has(i.pathAsWritten)) });
      const { file: compareFile } = await runCompare({
        bundle: join(cvOut, 'bundles', key),
        manifest: heldOut,
        out: join(out, 'compare'),
        report: false,
        runtimes: 'tfjs,onnx,transformers',
        images: String(fold.predictions.length),
        calibrationImages: '16',
        batchSizes: s.compare.batchSizes,
        concurrency: '1,2',
        windowRuns: String(s.compare.windowRuns),
        maxWindows: String(s.compare.maxWindows),
        maxP95Ms: String(DEFAULT_CONSTRAINTS.maxP95Ms),
        minAgreement: String(DEFAULT_CONSTRAINTS.minAgreement),
        maxDeltaP: String(DEFAULT_CONSTRAINTS.maxDeltaP),
        budget: String(s.compare.budgetSeconds),
      });
      seconds.compare = (Date.now() - t) / 1000;

      // 4. One report.
      t = Date.now();
      notes.push(
        `Runtime comparison: the ${key} bundle on its ${fold.predictions.length} held-out images (int8 calibrated on the same images, as the held-out fold is all this bundle has not seen).`,
        `Time of this run: cohort ${seconds.cohort!.toFixed(0)} s, aligner ${seconds.aligner!.toFixed(0)} s, cross-validation ${seconds.crossValidation!.toFixed(0)} s (${workers} worker process${workers === 1 ? '' : 'es'}), comparison ${seconds.compare!.toFixed(0)} s; load average at the start ${load.toFixed(2)} on ${availableParallelism()} cores.`,
      );
      const doc = await buildReport({ experiment: cv.results, experimentDir: cvOut, comparison: readComparisonResults(compareFile), notes, title: 'affnet demo: AFF vs NFF on a phantom cohort' });
      const written = writeReport(doc, join(out, 'report.html'));
      seconds.report = (Date.now() - t) / 1000;
      emit({ report: written.html, markdown: written.markdown, results: cv.resultsFile, comparison: compareFile, seconds, settings: s }, f, () =>
        [
          `report: ${written.html}`,
          `markdown: ${written.markdown}`,
          `results: ${cv.resultsFile}`,
          `comparison: ${compareFile}`,
          `time: ${Object.entries(seconds)
            .map(([k, v]) => `${k} ${v.toFixed(0)} s`)
            .join(', ')}`,
        ].join('\n'),
      );
    });
}
